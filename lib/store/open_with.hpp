// walkv store — opening a Store over a chosen io::FileSystem (tests inject
// faults and simulate power loss this way; Store::open uses io::posix_fs()).
// Thread-safety: as Store::open. `fs` must outlive the Store.
#pragma once

#include <memory>
#include <string>

#include <walkv/recovery.hpp>
#include <walkv/store.hpp>

#include "io/fs.hpp"

namespace walkv {

Result<std::unique_ptr<Store>> open_store_with(io::FileSystem& fs, const std::string& dir, const Options& options,
                                               bool read_only = false);

// walkv::repair_log (include/walkv/check.hpp) over a chosen io::FileSystem and
// segment size (the preallocation of a segment the repair reopens), so tests
// can crash a repair at any I/O call.
Result<RecoveryReport> repair_log_with(io::FileSystem& fs, const std::string& dir, RecoveryMode mode,
                                       std::uint64_t segment_size);

}  // namespace walkv
