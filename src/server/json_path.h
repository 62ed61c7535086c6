// Where in a JSON text parsing fails, as a field path ("beam", "inputs[2]"), so that a refused
// request can name the field even when the JSON parser's message does not (number overflow).
#pragma once

#include <string>

namespace tandem::server {

// The path of the value at which `text` stops being valid JSON ("" at the top level or when
// the text parses); object keys joined by '.', array indices in brackets.
std::string json_error_path(const std::string& text);

}  // namespace tandem::server
