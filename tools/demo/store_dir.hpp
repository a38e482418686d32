// walkv-demo — making the demo's store directory fresh without ever deleting
// something that is not a walkv store.
#pragma once

#include <string>

#include <walkv/status.hpp>

namespace walkv::demo {

// Leaves `dir` absent with its parent directories present (the store is
// created by the first open): removes an earlier walkv store or an empty
// directory there. Anything else is refused with invalid_argument, untouched.
Status clear_store_dir(const std::string& dir);

}  // namespace walkv::demo
