// Import of the legacy JSON session stores (include/walkv/import.hpp).
#include <walkv/import.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "io/errno_status.hpp"
#include "session/session_keys.hpp"

namespace walkv {

const char* legacy_problem_name(LegacyProblem::Kind kind) noexcept {
  switch (kind) {
    case LegacyProblem::Kind::unparseable: return "unparseable";
    case LegacyProblem::Kind::null_entry: return "null_entry";
    case LegacyProblem::Kind::bad_file_name: return "bad_file_name";
    case LegacyProblem::Kind::invalid_key: return "invalid_key";
    case LegacyProblem::Kind::not_a_file: return "not_a_file";
    case LegacyProblem::Kind::too_large: return "too_large";
  }
  return "unknown";
}

std::optional<std::string> decode_legacy_file_name(std::string_view name) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '%') {
      out += name[i];
      continue;
    }
    if (i + 2 >= name.size()) return std::nullopt;
    int high = hex(name[i + 1]);
    int low = hex(name[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

namespace {

using Json = nlohmann::ordered_json;

// Values above this are refused: a checkpoint must fit the store's value limit
// (64 MiB by default) with room for its metadata.
constexpr std::size_t kMaxEntryBytes = 60u << 20;
constexpr std::string_view kJsonSuffix = ".json";

Status errno_status(const std::string& what) { return io::errno_status(errno, what); }

// Reads all of `fd` (at most limit + 1 bytes).
Result<std::string> read_all(int fd, const std::string& path, std::size_t limit) {
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return error(errno_status("cannot read " + path));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > limit) break;
  }
  return out;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Unix ns from a legacy millisecond timestamp field, when it holds one.
std::uint64_t ms_field_ns(const Json& entry, const char* field) {
  if (!entry.is_object()) return 0;
  auto it = entry.find(field);
  if (it == entry.end() || !it->is_number()) return 0;
  double ms = it->get<double>();
  if (!(ms > 0) || ms > 1.8e13) return 0;  // beyond year 2500: not milliseconds
  return static_cast<std::uint64_t>(ms) * 1'000'000ull;
}

struct Entry {
  std::string key;
  std::string state;
  std::string source;
  std::uint64_t created_ns = 0;
  std::uint64_t updated_ns = 0;
};

class Importer {
 public:
  explicit Importer(LegacyImportReport& report) : report_(report) {}

  Status read_source(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno_status("cannot read source " + path);
    ++report_.sources;
    if (S_ISDIR(st.st_mode)) return read_directory(path);
    if (S_ISREG(st.st_mode)) return read_object_file(path);
    return Status(Code::invalid_argument, "source " + path + " is neither a file nor a directory");
  }

  std::map<std::string, Entry>& chosen() { return chosen_; }

 private:
  void problem(LegacyProblem::Kind kind, const std::string& source, std::string key, std::string detail) {
    report_.problems.push_back(LegacyProblem{kind, source, std::move(key), std::move(detail)});
  }

  std::optional<Json> parse(const std::string& text, const std::string& source) {
    try {
      return Json::parse(text);
    } catch (const Json::exception& e) {
      problem(LegacyProblem::Kind::unparseable, source, {}, e.what());
      return std::nullopt;
    }
  }

  void add(const std::string& key, const Json& value, const std::string& source) {
    ++report_.entries;
    if (value.is_null()) {
      problem(LegacyProblem::Kind::null_entry, source, key, "the entry is null: nothing to import");
      return;
    }
    if (Status valid = session::validate_id(key); !valid) {
      problem(LegacyProblem::Kind::invalid_key, source, key, valid.message());
      return;
    }
    Entry entry;
    entry.key = key;
    entry.source = source;
    try {
      entry.state = value.dump();
    } catch (const Json::exception& e) {
      problem(LegacyProblem::Kind::unparseable, source, key, e.what());
      return;
    }
    if (entry.state.size() > kMaxEntryBytes) {
      problem(LegacyProblem::Kind::too_large, source, key, "the entry is over 60 MiB");
      return;
    }
    entry.updated_ns = ms_field_ns(value, "updatedAt");
    entry.created_ns = ms_field_ns(value, "createdAt");
    if (entry.created_ns == 0) entry.created_ns = entry.updated_ns;
    auto [it, inserted] = chosen_.try_emplace(key, entry);
    if (inserted) return;
    ++report_.duplicates;
    if (entry.updated_ns >= it->second.updated_ns) it->second = std::move(entry);  // newest; ties: later source
  }

  Status read_object_file(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) return errno_status("cannot open " + path);
    auto text = read_all(fd.get(), path, SIZE_MAX - 1);
    if (!text) return text.error();
    auto json = parse(*text, path);
    if (!json) return Status::ok_status();
    if (!json->is_object()) {
      problem(LegacyProblem::Kind::unparseable, path, {},
              std::string("holds a JSON ") + json->type_name() + ", not an object mapping session keys to entries");
      return Status::ok_status();
    }
    for (const auto& [key, value] : json->items()) add(key, value, path);
    return Status::ok_status();
  }

  Status read_directory(const std::string& path) {
    Fd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0) return errno_status("cannot open directory " + path);
    std::vector<std::string> names;
    {
      int listing_fd = ::dup(dir.get());
      if (listing_fd < 0) return errno_status("cannot list " + path);
      DIR* listing = ::fdopendir(listing_fd);
      if (listing == nullptr) {
        ::close(listing_fd);
        return errno_status("cannot list " + path);
      }
      errno = 0;
      while (dirent* d = ::readdir(listing)) {
        std::string name = d->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
      }
      int err = errno;
      ::closedir(listing);
      if (err != 0) {
        errno = err;
        return errno_status("cannot list " + path);
      }
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      std::string source = path + "/" + name;
      if (name.size() <= kJsonSuffix.size() || !name.ends_with(kJsonSuffix)) {
        report_.ignored.push_back(source);
        continue;
      }
      if (Status read = read_entry_file(dir.get(), name, source); !read) return read;
    }
    return Status::ok_status();
  }

  Status read_entry_file(int dir_fd, const std::string& name, const std::string& source) {
    auto key = decode_legacy_file_name(std::string_view(name).substr(0, name.size() - kJsonSuffix.size()));
    if (!key) {
      ++report_.entries;
      problem(LegacyProblem::Kind::bad_file_name, source, {}, "the file name is not percent-encoded correctly");
      return Status::ok_status();
    }
    Fd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0) {
      if (errno == ELOOP) {
        ++report_.entries;
        problem(LegacyProblem::Kind::not_a_file, source, *key, "a symbolic link: not followed");
        return Status::ok_status();
      }
      return errno_status("cannot open " + source);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno_status("cannot stat " + source);
    if (!S_ISREG(st.st_mode)) {
      ++report_.entries;
      problem(LegacyProblem::Kind::not_a_file, source, *key, "not a regular file");
      return Status::ok_status();
    }
    auto text = read_all(fd.get(), source, kMaxEntryBytes);
    if (!text) return text.error();
    if (text->size() > kMaxEntryBytes) {
      ++report_.entries;
      problem(LegacyProblem::Kind::too_large, source, *key, "the file is over 60 MiB");
      return Status::ok_status();
    }
    auto json = parse(*text, source);
    if (!json) {
      ++report_.entries;
      report_.problems.back().key = *key;
      return Status::ok_status();
    }
    add(*key, *json, source);
    return Status::ok_status();
  }

  LegacyImportReport& report_;
  std::map<std::string, Entry> chosen_;
};

}  // namespace

namespace {

Result<std::vector<NewSession>> read_sources(const std::vector<std::string>& sources, const std::string& app_version,
                                             LegacyImportReport& report) {
  Importer importer(report);
  for (const auto& source : sources) {
    if (Status read = importer.read_source(source); !read) return error(read);
  }
  std::vector<NewSession> fresh;
  for (auto& [key, entry] : importer.chosen()) {
    NewSession s;
    s.id = key;
    s.description = "imported from " + entry.source;
    s.status = SessionStatus::interrupted;
    s.created_ns = entry.created_ns;
    s.updated_ns = entry.updated_ns;
    CheckpointData data;
    data.state = std::move(entry.state);
    data.description = "imported legacy entry";
    data.app_version = app_version;
    s.checkpoint = std::move(data);
    fresh.push_back(std::move(s));
  }
  return fresh;
}

}  // namespace

Result<LegacyImportReport> import_legacy_sessions(SessionStore& sessions, const std::vector<std::string>& sources,
                                                  const LegacyImportOptions& options) {
  LegacyImportReport report;
  auto fresh = read_sources(sources, options.app_version, report);
  if (!fresh) return error(fresh.error());
  if (!fresh->empty()) {
    auto created = sessions.create_many(*fresh);
    if (!created) return error(created.error());
    report.already_present = created->existing.size();
    report.imported_ids = std::move(created->created);
  }
  std::sort(report.imported_ids.begin(), report.imported_ids.end());
  report.imported = report.imported_ids.size();
  return report;
}

Result<LegacyImportReport> plan_legacy_import(const Store* store, const std::vector<std::string>& sources) {
  LegacyImportReport report;
  auto fresh = read_sources(sources, {}, report);
  if (!fresh) return error(fresh.error());
  for (const auto& s : *fresh) {
    bool present = false;
    if (store != nullptr) {
      auto value = store->get(session::record_key(s.id));
      if (!value) return error(value.error());
      present = value->has_value();
    }
    if (present) {
      ++report.already_present;
    } else {
      report.imported_ids.push_back(s.id);
    }
  }
  report.imported = report.imported_ids.size();
  return report;
}

}  // namespace walkv
