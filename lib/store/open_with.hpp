// walkv store — opening a Store over a chosen io::FileSystem (tests inject
// faults and simulate power loss this way; Store::open uses io::posix_fs()).
// Thread-safety: as Store::open. `fs` must outlive the Store.
#pragma once

#include <memory>
#include <string>

#include <walkv/store.hpp>

#include "io/fs.hpp"

namespace walkv {

Result<std::unique_ptr<Store>> open_store_with(io::FileSystem& fs, const std::string& dir, const Options& options,
                                               bool read_only = false);

}  // namespace walkv
