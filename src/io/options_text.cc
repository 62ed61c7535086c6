// Text forms of options: value texts, Config::to_yaml(), the Markdown reference table.
#include "io/options_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>
#include <variant>
#include <vector>

namespace tandem {

namespace options_text {

std::string number_text(double value) {
  // Fixed notation where people write it so (0.0003, not 3e-04), scientific for the very small
  // and very large; either way the shortest digits that read back as `value`.
  const double magnitude = std::fabs(value);
  const auto format = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e15)
                          ? std::chars_format::fixed
                          : std::chars_format::scientific;
  char buffer[512];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value, format);
  return std::string(buffer, result.ptr);
}

std::string float_text(double value) {
  std::string text = number_text(value);
  if (text.find_first_of(".eEni") == std::string::npos) text += ".0";
  return text;
}

std::string range_text(const OptionSpec& spec, std::string_view ge, std::string_view le) {
  if (spec.min && spec.max) {
    return std::string("in ") + (spec.min_exclusive ? "(" : "[") + number_text(*spec.min) + ", " +
           number_text(*spec.max) + (spec.max_exclusive ? ")" : "]");
  }
  if (spec.min) {
    return (spec.min_exclusive ? std::string(">") : std::string(ge)) + " " + number_text(*spec.min);
  }
  if (spec.max) {
    return (spec.max_exclusive ? std::string("<") : std::string(le)) + " " + number_text(*spec.max);
  }
  return "";
}

std::string yaml_scalar(std::string_view text) {
  bool plain = !text.empty() && text.front() != '-';
  for (char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '/' || c == '-';
    if (!safe) plain = false;
  }
  if (plain) {
    // Words that YAML readers take for null or a boolean, whatever their case.
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const char* word : {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}) {
      if (lower == word) plain = false;
    }
  }
  if (plain) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof(escape), "\\x%02x", static_cast<unsigned char>(c));
          out += escape;
        } else {
          out += c;  // UTF-8 bytes pass through
        }
    }
  }
  return out + "\"";
}

}  // namespace options_text

namespace {

constexpr std::size_t kNoOption = std::numeric_limits<std::size_t>::max();

// The dotted keys as a tree, children in order of first appearance in the registry.
struct KeyTree {
  std::string name;
  std::size_t option = kNoOption;  // registry index of a leaf
  std::vector<KeyTree> children;
};

KeyTree key_tree() {
  KeyTree root;
  const auto& registry = option_registry();
  for (std::size_t i = 0; i < registry.size(); ++i) {
    KeyTree* node = &root;
    std::string_view rest = registry[i].key;
    while (true) {
      const auto dot = rest.find('.');
      const std::string_view part = rest.substr(0, dot);
      KeyTree* child = nullptr;
      for (KeyTree& c : node->children) {
        if (c.name == part) child = &c;
      }
      if (child == nullptr) {
        node->children.push_back(KeyTree{std::string(part), kNoOption, {}});
        child = &node->children.back();
      }
      node = child;
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
    node->option = i;
  }
  return root;
}

std::string escape_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_type(const OptionSpec& spec) {
  using Type = OptionSpec::Type;
  switch (spec.type) {
    case Type::kInt:
    case Type::kFloat: {
      std::string text = spec.type == Type::kInt ? "int" : "float";
      const std::string range = options_text::range_text(spec, "≥", "≤");
      return range.empty() ? text : text + " " + range;
    }
    case Type::kBool:
      return "bool";
    case Type::kString:
      return "string";
    case Type::kChoice: {
      std::string text = "one of ";
      for (std::size_t i = 0; i < spec.choices.size(); ++i) {
        text += (i > 0 ? ", `" : "`") + spec.choices[i] + "`";
      }
      return text;
    }
  }
  return "";
}

}  // namespace

std::string Config::text_of(const Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<V, double>) {
          return options_text::float_text(v);
        } else if constexpr (std::is_same_v<V, bool>) {
          return v ? "true" : "false";
        } else {
          return v;
        }
      },
      value);
}

std::string Config::to_yaml() const {
  const auto& registry = option_registry();
  std::string out = "# tandem configuration: every option; docs/config.md describes them.\n";
  const auto emit = [&](const auto& self, const KeyTree& node, const std::string& indent) -> void {
    for (const KeyTree& child : node.children) {
      if (child.option == kNoOption) {
        out += indent + child.name + ":\n";
        self(self, child, indent + "  ");
      } else {
        const std::string text = text_of(entries_[child.option].value);
        const bool is_text = registry[child.option].type == OptionSpec::Type::kString ||
                             registry[child.option].type == OptionSpec::Type::kChoice;
        out +=
            indent + child.name + ": " + (is_text ? options_text::yaml_scalar(text) : text) + "\n";
      }
    }
  };
  emit(emit, key_tree(), "");
  return out;
}

std::string options_markdown_table(std::string_view section) {
  const Config defaults;
  std::string out = "| key | type | default | description |\n|---|---|---|---|\n";
  for (const std::string& key : option_section_keys(section)) {
    const OptionSpec& spec = *find_option(key);
    const std::string value = defaults.get_text(key);
    out += "| `" + key + "` | " + markdown_type(spec) + " | `";
    out += value.empty() ? std::string("\"\"") : escape_cell(value);
    out += "` | " + escape_cell(spec.help) + " |\n";
  }
  return out;
}

}  // namespace tandem
