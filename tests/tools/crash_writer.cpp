// crash_writer DIR ITERATION THREADS — writes to the store in DIR from THREADS
// threads until it is killed, printing an acknowledgement line on stdout (one
// write(2) each) for every write that returned OK. Even threads write with
// Durability::sync, odd ones with Durability::none: both must survive kill -9.
// Small segments and a low compaction trigger make segment rollover and
// background compaction happen while it is being killed.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <walkv/store.hpp>

#include "crash_record.hpp"

namespace {

using namespace walkv;
using namespace walkv::crash_test;

[[noreturn]] void die(const std::string& what, const Status& status) {
  std::cerr << "crash_writer: " << what << ": " << status.to_string() << '\n';
  _exit(3);
}

void acknowledge(const std::string& key, std::uint64_t counter) {
  std::string line = key + " " + std::to_string(counter) + "\n";
  ssize_t written;
  do {
    written = write(STDOUT_FILENO, line.data(), line.size());
  } while (written < 0 && errno == EINTR);
  if (written != static_cast<ssize_t>(line.size())) _exit(4);
}

void write_pair(Store& store, const WriteOptions& wo, unsigned thread, std::uint64_t n, std::uint64_t counter) {
  std::string pair = "p" + std::to_string(thread) + "-" + std::to_string(n % kPairsPerThread);
  WriteBatch batch;
  batch.put(pair + "-a", make_value(pair + "-a", counter));
  batch.put(pair + "-b", make_value(pair + "-b", counter));
  Status written = store.write(wo, batch);
  if (!written.ok()) die("write " + pair, written);
  acknowledge(pair, counter);
}

void write_single(Store& store, const WriteOptions& wo, unsigned thread, std::uint64_t n, std::uint64_t counter) {
  std::string key = "k" + std::to_string(thread) + "-" + std::to_string(n % kKeysPerThread);
  Status written = store.put(wo, key, make_value(key, counter));
  if (!written.ok()) die("put " + key, written);
  acknowledge(key, counter);
}

[[noreturn]] void write_forever(Store& store, unsigned thread, std::uint64_t iteration) {
  WriteOptions wo;
  wo.durability = thread % 2 == 0 ? Durability::sync : Durability::none;
  for (std::uint64_t n = 0;; ++n) {
    std::uint64_t counter = (iteration + 1) * kIterationStride + n;
    if (n % 4 == 3) {
      write_pair(store, wo, thread, n, counter);
    } else {
      write_single(store, wo, thread, n, counter);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: crash_writer DIR ITERATION THREADS\n";
    return 2;
  }
  std::uint64_t iteration = std::strtoull(argv[2], nullptr, 10);
  unsigned threads = static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10));
  Options options;
  options.segment_size = 64 << 10;
  options.compaction_trigger = 256 << 10;
  auto store = Store::open(argv[1], options);
  if (!store) die(std::string("open ") + argv[1], store.error());
  std::vector<std::thread> writers;
  for (unsigned t = 0; t < threads; ++t) writers.emplace_back([&, t] { write_forever(**store, t, iteration); });
  for (std::thread& writer : writers) writer.join();
  return 0;
}
