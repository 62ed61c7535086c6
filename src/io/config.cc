// Loading the YAML config with yaml-cpp, flattening its sections, and saving it atomically.
#include "io/config.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <utility>

#include "io/atomic_file.h"
#include "io/yaml_stall_check.h"
#include "tensor/error.h"

namespace tandem {

namespace {

std::string describe_node(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "an empty value";
  return "the value '" + node.Scalar() + "'";
}

// "hidden_size, layers, bidirectional" for "model.encoder".
std::string relative_keys(const std::string& section) {
  std::string keys;
  for (const std::string& key : option_section_keys(section)) {
    if (!keys.empty()) keys += ", ";
    keys += key.substr(section.size() + 1);
  }
  return keys;
}

// "model, data, train, decode" (the registry keeps each section's keys together).
std::string top_level_sections() {
  std::string sections, last;
  for (const OptionSpec& spec : option_registry()) {
    std::string section = spec.key.substr(0, spec.key.find('.'));
    if (section == last) continue;
    sections += (sections.empty() ? "" : ", ") + section;
    last = std::move(section);
  }
  return sections;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// "c.yaml:12" for a node on line 12, or just the name where yaml-cpp knows no line.
std::string where(const std::string& name, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return name;
  return name + ":" + std::to_string(mark.line + 1);
}

// Walks one YAML document into a Config, remembering where each key was set.
class Loader {
 public:
  Loader(const std::string& name, Config& config) : name_(name), config_(config) {}

  void load(const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) return;  // an empty file: the defaults
    if (!root.IsMap()) {
      throw Error(where(name_, root) + ": expected a map of sections at the top level (" +
                  top_level_sections() + "), got " + describe_node(root));
    }
    walk(root, "");
  }

 private:
  void walk(const YAML::Node& map, const std::string& section) {
    for (const auto& item : map) {  // a pair of Node handles, by value
      const YAML::Node& key_node = item.first;
      const YAML::Node& value = item.second;
      const std::string origin = where(name_, key_node);
      if (!key_node.IsScalar()) {
        throw Error(origin + ": expected a key name, got " + describe_node(key_node));
      }
      const std::string key =
          section.empty() ? key_node.Scalar() : section + "." + key_node.Scalar();
      if (const OptionSpec* spec = find_option(key)) {
        if (!value.IsScalar() && !value.IsNull()) {
          throw Error(origin + ": " + key + " takes a single value (" +
                      describe_option_type(*spec) + "), not " + describe_node(value));
        }
        const auto [seen, inserted] = lines_.emplace(key, origin);
        if (!inserted) {
          throw Error(origin + ": " + key + " is set twice (first at " + seen->second + ")");
        }
        config_.set(key, value.IsNull() ? std::string() : value.Scalar(), origin);
      } else if (is_option_section(key)) {
        if (value.IsNull()) continue;  // "model:" with nothing under it
        if (!value.IsMap()) {
          throw Error(origin + ": " + key + " is a section and takes a map of keys (" +
                      relative_keys(key) + "), not " + describe_node(value));
        }
        walk(value, key);
      } else {
        throw Error(origin + ": " + unknown_option_message(key));
      }
    }
  }

  const std::string& name_;
  Config& config_;
  std::map<std::string, std::string> lines_;  // key → where it was set
};

}  // namespace

Config load_config_string(const std::string& yaml, const std::string& name,
                          const std::vector<std::string>& overrides) {
  std::vector<YAML::Node> documents;
  try {
    io::check_yaml_advances(yaml, name);  // before LoadAll, which would never return
    documents = YAML::LoadAll(yaml);
  } catch (const YAML::Exception& e) {
    std::string place = name;
    if (!e.mark.is_null()) {
      place += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    throw Error(place + ": invalid YAML: " + e.msg);
  }
  // YAML::Load would read the first document and drop the rest, so keys after a '---' line
  // were silently ignored. Empty later documents hold nothing to lose.
  for (std::size_t i = 1; i < documents.size(); ++i) {
    if (documents[i].IsNull()) continue;
    throw Error(where(name, documents[i]) +
                ": a second YAML document (after '---'); a config is one document, so put these "
                "keys into the first");
  }
  Config config;
  Loader(name, config).load(documents.empty() ? YAML::Node() : documents[0]);
  apply_overrides(config, overrides);
  return config;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error("cannot read config file '" + path + "': it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw Error("cannot open config file '" + path +
                "': " + std::error_code(err, std::generic_category()).message());
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error("cannot read config file '" + path + "'");
  return load_config_string(text.str(), path, overrides);
}

std::pair<std::string, std::string> split_override(const std::string& text) {
  const auto equals = text.find('=');
  const std::string_view key =
      trim(std::string_view(text).substr(0, std::min(equals, text.size())));
  if (equals == std::string::npos || key.empty()) {
    throw Error("--set '" + text + "': expected key=value, e.g. --set model.cell=lstm");
  }
  return {std::string(key), std::string(trim(std::string_view(text).substr(equals + 1)))};
}

void check_override_section(std::string_view key, std::string_view section,
                            std::string_view origin) {
  if (!(key.starts_with(section) && key.size() > section.size() && key[section.size()] == '.')) {
    throw Error(std::string(origin) + ": " + std::string(key) + ": only " + std::string(section) +
                ".* keys can be set here (" + relative_keys(std::string(section)) + ")");
  }
}

void apply_overrides(Config& config, const std::vector<std::string>& overrides,
                     std::string_view section, std::string_view origin) {
  for (const std::string& override_text : overrides) {
    const auto [key, value] = split_override(override_text);
    if (!section.empty()) check_override_section(key, section, origin);
    config.set(key, value, origin);
  }
}

void save_config(const std::string& path, const Config& config) {
  const std::string text = config.to_yaml();
  io::write_file_atomically(path, [&](std::ostream& out) { out << text; });
}

}  // namespace tandem
