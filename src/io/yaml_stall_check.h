// A pre-check for YAML text that yaml-cpp 0.7 (Debian 12) would read forever: a token that no
// node can start with at the top level (e.g. a lone ',') is never consumed, so YAML::LoadAll
// makes empty documents until memory runs out. Fixed upstream in later releases.
#pragma once

#include <string>

namespace tandem::io {

// Reads `yaml` event by event without building nodes and throws tandem::Error
// ("NAME:LINE:COLUMN: invalid YAML: ...") where a document starts at the same place as the one
// before it, i.e. where the parser stopped advancing. Throws YAML::Exception for other
// malformed YAML, like YAML::LoadAll would.
void check_yaml_advances(const std::string& yaml, const std::string& name);

}  // namespace tandem::io
