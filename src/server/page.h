// The web page served at GET /, built into the binary (no network needed to show it).
#pragma once

#include <string_view>

namespace tandem::server {

// A whole HTML document (UTF-8) with its CSS and JavaScript inline.
std::string_view page_html();

}  // namespace tandem::server
