// The YAML config file: loading (sections become dotted keys), overrides, atomic saving.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/options.h"

namespace tandem {

// Reads the YAML file at `path` over the defaults, then applies `overrides` ("key=value", as
// given to --set) in order. Nested maps name the dotted keys ("model: {encoder: {layers: 2}}" is
// model.encoder.layers; a dotted key "model.encoder.layers: 2" works too). Errors are
// tandem::Error naming the file and line: a missing file, invalid YAML, a second YAML document
// (after '---'), an unknown key (with the section's valid keys), a value of the wrong type or
// out of range, a map or a list where a value belongs or a value where a section's map belongs,
// a key given twice. An override's errors name "--set"; an override without '=' is an error too.
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});

// The same from YAML text; `name` stands for the file in messages.
Config load_config_string(const std::string& yaml, const std::string& name = "<config>",
                          const std::vector<std::string>& overrides = {});

// Applies "key=value" overrides in order, each validated like a file's value, errors naming
// `origin` (the CLI's "--set"; a library caller's own name for them).
// With a `section` ("decode"), a key outside it is an error listing the section's keys: a loaded
// model's other options are fixed, and setting them would silently do nothing.
void apply_overrides(Config& config, const std::vector<std::string>& overrides,
                     std::string_view section = {}, std::string_view origin = "--set");

// The key and value of one "key=value" override (both trimmed); an error naming it without '='.
std::pair<std::string, std::string> split_override(const std::string& text);
// An error unless `key` is in `section` ("decode"), listing the section's keys; `origin` starts
// the message as it starts Config::set's ("--set: model.x: …").
void check_override_section(std::string_view key, std::string_view section,
                            std::string_view origin = "--set");

// Writes config.to_yaml() to `path` atomically (io::write_file_atomically): the file holds the
// old config or the new one, never a mix.
void save_config(const std::string& path, const Config& config);

}  // namespace tandem
