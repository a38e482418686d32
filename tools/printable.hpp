// walkv tools — showing arbitrary bytes (session ids, descriptions) on a
// terminal without letting them move the cursor or inject escape sequences.
#pragma once

#include <string>
#include <string_view>

namespace walkv::tools {

// Printable ASCII is kept; backslash becomes "\\"; every other byte "\xNN".
std::string printable(std::string_view bytes);

}  // namespace walkv::tools
