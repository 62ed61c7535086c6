// Text forms of option values and ranges, shared by messages, Config::to_yaml() and the docs table.
#pragma once

#include <string>
#include <string_view>

#include "io/options.h"

namespace tandem::options_text {

// The shortest text that reads back as the same double ("0.001", "1e-05", "2").
std::string number_text(double value);

// A float option's value as written: number_text with ".0" added where it would read as an
// integer ("2.0"), so that the type is visible in a config file.
std::string float_text(double value);

// The range of an int or float option, or "" when it has none: "in [0, 1)", ">= 1", "> 0".
// `ge` and `le` spell ≥ and ≤ (">=" in messages, "≥" in the docs).
std::string range_text(const OptionSpec& spec, std::string_view ge, std::string_view le);

// `text` as a YAML scalar: plain where that reads back as the same string, else double-quoted
// with escapes ("", "null", "a: b", "yes" and anything with spaces or quotes get quotes).
std::string yaml_scalar(std::string_view text);

}  // namespace tandem::options_text
