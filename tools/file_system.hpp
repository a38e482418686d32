// walkv tools — which file system a path is on (walkv-compact --swap: an
// atomic rename needs both files on one file system).
#pragma once

#include <string>

namespace walkv::tools {

// True when `a` and `b` are on one file system (same st_dev). A path that
// does not exist yet counts as on the file system of its nearest existing
// ancestor (where it would be created). False when neither it nor an
// ancestor can be looked at.
bool same_file_system(const std::string& a, const std::string& b);

}  // namespace walkv::tools
