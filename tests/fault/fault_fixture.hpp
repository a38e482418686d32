// tests/fault: shared helpers — opening stores over a FaultFs, a model of the
// store (std::map applied in write order), and a scripted workload whose every
// I/O call can be made to fail or crash.
#pragma once

#include <boost/test/unit_test.hpp>

#include <walkv/store.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../support/fault_fs.hpp"
#include "../support/temp_dir.hpp"
#include "store/open_with.hpp"

namespace walkv::test {

namespace stdfs = std::filesystem;

inline const WriteOptions kSync{Durability::sync};
inline const WriteOptions kNone{Durability::none};

using Model = std::map<std::string, std::string>;

inline void apply_to_model(Model& m, WriteBatch::Kind kind, const std::string& key, const std::string& value) {
  switch (kind) {
    case WriteBatch::Kind::put: m[key] = value; break;
    case WriteBatch::Kind::remove: m.erase(key); break;
    case WriteBatch::Kind::remove_prefix:
      for (auto it = m.lower_bound(key); it != m.end() && it->first.compare(0, key.size(), key) == 0;)
        it = m.erase(it);
      break;
  }
}

inline void apply_to_model(Model& m, const WriteBatch& b) {
  for (const auto& op : b.ops()) apply_to_model(m, op.kind, op.key, op.value);
}

inline std::string describe(const Model& m) {
  std::ostringstream out;
  out << m.size() << " keys {";
  int shown = 0;
  for (const auto& [k, v] : m) {
    if (shown++ == 12) {
      out << " ...";
      break;
    }
    out << " " << k << "(" << v.size() << ")";
  }
  out << " }";
  return out.str();
}

// Small segments (rollover after ~64 KiB), no background work: every I/O call
// happens on the test's thread, in a deterministic order.
inline Options fault_options() {
  Options o;
  o.segment_size = 64u << 10;
  o.compaction_trigger = 0;
  o.initial_map_size = 1u << 20;
  return o;
}

inline Result<std::unique_ptr<Store>> open_over(io::FileSystem& fs, const std::string& dir,
                                                 const Options& o = fault_options()) {
  return open_store_with(fs, dir, o);
}

inline std::unique_ptr<Store> must_open(io::FileSystem& fs, const std::string& dir,
                                        const Options& o = fault_options()) {
  auto s = open_over(fs, dir, o);
  BOOST_REQUIRE_MESSAGE(s.has_value(), "open " << dir << ": " << (s ? "" : s.error().to_string()));
  return std::move(*s);
}

// Everything the store holds (a full scan), or the error.
inline Result<Model> read_all(const Store& s) {
  Model m;
  Status st = s.scan("", [&](std::string_view k, std::string_view v) {
    m.emplace(std::string(k), std::string(v));
    return true;
  });
  if (!st.ok()) return error(st);
  return m;
}

inline Model must_read_all(const Store& s) {
  auto m = read_all(s);
  BOOST_REQUIRE_MESSAGE(m.has_value(), "scan: " << (m ? "" : m.error().to_string()));
  return *m;
}

// ---------------------------------------------------------------- workload

struct Step {
  enum class Kind { write, sync, compact, close };
  Kind kind = Kind::write;
  Durability durability = Durability::sync;
  WriteBatch batch;  // kind == write (one op for put/remove/remove_prefix)
  std::string label;

  // A write step that the store acknowledges as durable makes it and every
  // earlier step durable; so do sync, compact and close.
  bool durable_ack() const { return kind != Kind::write || durability == Durability::sync; }
};

inline Step put_step(const std::string& key, std::string value, Durability d) {
  Step s;
  s.durability = d;
  s.batch.put(key, value);
  s.label = "put " + key;
  return s;
}
inline Step remove_step(const std::string& key, Durability d) {
  Step s;
  s.durability = d;
  s.batch.remove(key);
  s.label = "remove " + key;
  return s;
}
inline Step remove_prefix_step(const std::string& prefix, Durability d) {
  Step s;
  s.durability = d;
  s.batch.remove_prefix(prefix);
  s.label = "remove_prefix " + prefix;
  return s;
}
inline Step batch_step(WriteBatch b, Durability d, std::string label) {
  Step s;
  s.durability = d;
  s.batch = std::move(b);
  s.label = std::move(label);
  return s;
}
inline Step control_step(Step::Kind kind) {
  Step s;
  s.kind = kind;
  s.label = kind == Step::Kind::sync ? "sync" : kind == Step::Kind::compact ? "compact" : "close";
  return s;
}

inline std::string filler(std::size_t n, int seed) {
  std::string v(n, '\0');
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(seed) * 13) % 26);
  return v;
}

// The scripted workload: mixed sync/none puts, removes, two multi-op batches,
// prefix removals, Store::sync, a compaction, two segment rollovers
// (64 KiB segments), and close.
inline std::vector<Step> scripted_workload() {
  std::vector<Step> w;
  w.push_back(put_step("a/00", filler(200, 0), Durability::sync));
  w.push_back(put_step("a/01", filler(300, 1), Durability::none));
  w.push_back(put_step("a/02", filler(100, 2), Durability::none));
  {
    WriteBatch b;
    b.put("b/1", "one");
    b.put("b/2", "two");
    b.remove("a/01");
    b.put("a/03", filler(500, 3));
    w.push_back(batch_step(std::move(b), Durability::sync, "batch 1"));
  }
  for (int i = 0; i < 18; ++i) {
    const std::string key = "c/" + std::to_string(10 + i);
    w.push_back(put_step(key, filler(3000, i), i % 3 == 2 ? Durability::sync : Durability::none));
  }
  w.push_back(remove_prefix_step("b/", Durability::none));
  w.push_back(remove_step("a/00", Durability::none));
  w.push_back(control_step(Step::Kind::sync));
  w.push_back(put_step("c/10", "overwritten", Durability::none));
  w.push_back(control_step(Step::Kind::compact));
  w.push_back(put_step("d/0", filler(100, 4), Durability::sync));
  {
    WriteBatch b;
    b.put("d/1", "x");
    b.remove_prefix("c/1");
    b.put("d/2", "y");
    w.push_back(batch_step(std::move(b), Durability::none, "batch 2"));
  }
  for (int i = 0; i < 17; ++i) {
    const std::string key = "e/" + std::to_string(10 + i);
    w.push_back(put_step(key, filler(4000, i + 5), i == 16 ? Durability::sync : Durability::none));
  }
  w.push_back(put_step("f/0", "last", Durability::none));
  w.push_back(control_step(Step::Kind::close));
  return w;
}

// states[i]: the model after the first i steps.
inline std::vector<Model> model_states(const std::vector<Step>& steps) {
  std::vector<Model> states(1);
  for (const Step& s : steps) {
    Model m = states.back();
    if (s.kind == Step::Kind::write) apply_to_model(m, s.batch);
    states.push_back(std::move(m));
  }
  return states;
}

inline Status run_step(Store& store, const Step& s) {
  switch (s.kind) {
    case Step::Kind::write: return store.write(WriteOptions{s.durability}, s.batch);
    case Step::Kind::sync: return store.sync();
    case Step::Kind::compact: return store.compact();
    case Step::Kind::close: return store.close();
  }
  return Status();
}

// What a run stopped at the first failure tells about the state that must be recovered.
struct Outcome {
  bool opened = false;
  std::size_t attempted = 0;  // steps started (a failed one included): the most that may be on disk
  std::size_t acked = 0;      // steps acknowledged: survive a process crash
  std::size_t durable = 0;    // steps acknowledged as durable (or before such a step): survive power loss
  std::string failure;        // the first error
};

// Opens a store in `dir` over `fs` and runs `steps` until the first failure;
// the store is destroyed (abandoned) before returning.
inline Outcome run_until_failure(io::FileSystem& fs, const std::string& dir, const std::vector<Step>& steps,
                                 const Options& o = fault_options()) {
  Outcome out;
  auto opened = open_over(fs, dir, o);
  if (!opened) {
    out.failure = "open: " + opened.error().to_string();
    return out;
  }
  out.opened = true;
  std::unique_ptr<Store> store = std::move(*opened);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Status s = run_step(*store, steps[i]);
    if (!s.ok()) {
      out.attempted = i + 1;
      out.failure = "step " + std::to_string(i) + " (" + steps[i].label + "): " + s.to_string();
      return out;
    }
    out.acked = out.attempted = i + 1;
    if (steps[i].durable_ack()) out.durable = i + 1;
  }
  return out;
}

// The index k in [lo, hi] with states[k] == m, if any (the largest).
inline std::optional<std::size_t> matching_state(const std::vector<Model>& states, const Model& m, std::size_t lo,
                                                 std::size_t hi) {
  for (std::size_t k = hi + 1; k-- > lo;)
    if (k < states.size() && states[k] == m) return k;
  return std::nullopt;
}

// The last `n` lines of the FaultFs trace, for failure messages.
inline std::string trace_tail(const FaultFs& fs, std::size_t n = 6) {
  auto t = fs.trace();
  std::string out;
  for (std::size_t i = t.size() > n ? t.size() - n : 0; i < t.size(); ++i) out += "\n    " + t[i];
  return out;
}

}  // namespace walkv::test
