// Config: parsing and validating option values against the registry, lookups, unknown-key help.
#include "io/options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "io/options_text.h"
#include "tensor/error.h"

namespace tandem {

namespace {

using Type = OptionSpec::Type;

// Registry index by key; the string_views point into the registry, which lives forever.
const std::unordered_map<std::string_view, std::size_t>& registry_index() {
  static const auto index = [] {
    std::unordered_map<std::string_view, std::size_t> map;
    const auto& registry = option_registry();
    for (std::size_t i = 0; i < registry.size(); ++i) map.emplace(registry[i].key, i);
    return map;
  }();
  return index;
}

std::optional<std::size_t> index_of(std::string_view key) {
  const auto& index = registry_index();
  auto it = index.find(key);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Levenshtein distance: insertions, deletions and substitutions, each costing 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view last_component(std::string_view key) {
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

std::string_view parent_section(std::string_view key) {
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : key.substr(0, dot);
}

// "a", "a or b", "a, b or c".
std::string join_or(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// The candidates closest to `word` (case-insensitively), if any is close enough to be a typo.
std::vector<std::string> closest(std::string_view word, const std::vector<std::string>& candidates,
                                 std::size_t max_distance) {
  std::vector<std::string> best;
  std::size_t best_distance = max_distance + 1;
  const std::string lower = lowercase(word);
  for (const std::string& candidate : candidates) {
    const std::size_t d = edit_distance(lower, lowercase(candidate));
    if (d < best_distance) {
      best_distance = d;
      best.clear();
    }
    if (d == best_distance) best.push_back(candidate);
  }
  return best;
}

// Keys that `key` may have meant: close as a whole ("model.cel"), or with the same or a close
// last component in another section ("model.hidden_size" → model.encoder.hidden_size, …).
std::vector<std::string> suggest_keys(std::string_view key) {
  const std::string lower = lowercase(key);
  const std::string lower_leaf(last_component(lower));
  const std::size_t max_score = std::max<std::size_t>(2, lower_leaf.size() / 3);
  std::vector<std::string> best;
  std::size_t best_score = max_score + 1;
  for (const OptionSpec& spec : option_registry()) {
    const std::string candidate = lowercase(spec.key);
    const std::size_t score = std::min(edit_distance(lower, candidate),
                                       edit_distance(lower_leaf, last_component(candidate)) + 1);
    if (score < best_score) {
      best_score = score;
      best.clear();
    }
    if (score == best_score) best.push_back(spec.key);
  }
  if (best.size() > 3) best.clear();  // too ambiguous to help
  return best;
}

std::vector<std::string> top_level_sections() {
  std::vector<std::string> sections;
  for (const OptionSpec& spec : option_registry()) {
    std::string section(spec.key.substr(0, spec.key.find('.')));
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      sections.push_back(std::move(section));
    }
  }
  return sections;
}

// "x" relative to `section`: "model.encoder.layers" under "model" → "encoder.layers".
std::vector<std::string> relative_keys(std::string_view section) {
  std::vector<std::string> keys = option_section_keys(section);
  if (!section.empty()) {
    for (std::string& key : keys) key.erase(0, section.size() + 1);
  }
  return keys;
}

std::string with_origin(std::string_view origin, const std::string& message) {
  if (origin.empty()) return message;
  return std::string(origin) + ": " + message;
}

std::optional<int64_t> parse_int(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+' || (text[0] == '-' && text.size() == 1)) return std::nullopt;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_float(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string lower = lowercase(text);
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

bool in_range(const OptionSpec& spec, double value) {
  if (spec.min && (spec.min_exclusive ? value <= *spec.min : value < *spec.min)) return false;
  if (spec.max && (spec.max_exclusive ? value >= *spec.max : value > *spec.max)) return false;
  return true;
}

std::string quoted_value(std::string_view value) {
  if (value.empty()) return "an empty value";
  return "'" + std::string(value) + "'";
}

}  // namespace

const OptionSpec* find_option(std::string_view key) {
  const auto index = index_of(key);
  return index ? &option_registry()[*index] : nullptr;
}

bool is_option_section(std::string_view prefix) {
  if (prefix.empty()) return true;
  for (const OptionSpec& spec : option_registry()) {
    const std::string_view key = spec.key;
    if (key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::vector<std::string> option_section_keys(std::string_view section) {
  std::vector<std::string> keys;
  for (const OptionSpec& spec : option_registry()) {
    const std::string_view key = spec.key;
    if (section.empty() ||
        (key.size() > section.size() && key.starts_with(section) && key[section.size()] == '.')) {
      keys.push_back(spec.key);
    }
  }
  return keys;
}

std::string unknown_option_message(std::string_view key) {
  if (!key.empty() && is_option_section(key)) {
    return "'" + std::string(key) + "' is a section, not a key; valid keys in section '" +
           std::string(key) + "': " + join(relative_keys(key), ", ");
  }
  std::string message = "unknown key '" + std::string(key) + "'";
  const std::vector<std::string> suggestions = suggest_keys(key);
  if (!suggestions.empty()) message += " (did you mean " + join_or(suggestions) + "?)";
  std::string_view section = parent_section(key);
  while (!is_option_section(section)) section = parent_section(section);
  if (section.empty()) {
    message += "; valid top-level sections: " + join(top_level_sections(), ", ");
  } else {
    message += "; valid keys in section '" + std::string(section) +
               "': " + join(relative_keys(section), ", ");
  }
  return message;
}

std::string describe_option_type(const OptionSpec& spec) {
  switch (spec.type) {
    case Type::kInt:
    case Type::kFloat: {
      std::string text = spec.type == Type::kInt ? "an integer" : "a number";
      const std::string range = options_text::range_text(spec, ">=", "<=");
      return range.empty() ? text : text + " " + range;
    }
    case Type::kBool:
      return "a boolean (true or false)";
    case Type::kString:
      return "a string";
    case Type::kChoice:
      return "one of " + join(spec.choices, ", ");
  }
  return "a value";
}

Config::Config() {
  static const std::vector<Entry> defaults = [] {
    Config config{NoValues{}};
    const auto& registry = option_registry();
    config.entries_.resize(registry.size());
    for (const OptionSpec& spec : registry) {
      config.set(spec.key, spec.default_value, "default");
    }
    return config.entries_;
  }();
  entries_ = defaults;
}

const Config::Entry& Config::entry(std::string_view key, OptionSpec::Type type) const {
  const auto index = index_of(key);
  check(index.has_value(), [&] {
    return "Config: no option '" + std::string(key) + "' is declared in the options registry";
  });
  const OptionSpec& spec = option_registry()[*index];
  const bool string_like = type == Type::kString && spec.type == Type::kChoice;
  check(spec.type == type || string_like, [&] {
    return "Config: option '" + std::string(key) + "' is " + describe_option_type(spec) +
           " and cannot be read with this getter";
  });
  return entries_[*index];
}

int64_t Config::get_int(std::string_view key) const {
  return std::get<int64_t>(entry(key, Type::kInt).value);
}

double Config::get_float(std::string_view key) const {
  return std::get<double>(entry(key, Type::kFloat).value);
}

bool Config::get_bool(std::string_view key) const {
  return std::get<bool>(entry(key, Type::kBool).value);
}

const std::string& Config::get_string(std::string_view key) const {
  return std::get<std::string>(entry(key, Type::kString).value);
}

std::string Config::get_text(std::string_view key) const {
  const OptionSpec* spec = find_option(key);
  check(spec != nullptr, [&] {
    return "Config: no option '" + std::string(key) + "' is declared in the options registry";
  });
  return text_of(entry(key, spec->type).value);
}

const std::string& Config::origin(std::string_view key) const {
  const OptionSpec* spec = find_option(key);
  check(spec != nullptr, [&] {
    return "Config: no option '" + std::string(key) + "' is declared in the options registry";
  });
  return entry(key, spec->type).origin;
}

void Config::set(std::string_view key, std::string_view value, std::string_view origin) {
  const auto index = index_of(key);
  if (!index) throw Error(with_origin(origin, unknown_option_message(key)));
  const OptionSpec& spec = option_registry()[*index];
  const auto fail = [&](const std::string& extra = {}) -> Error {
    return Error(with_origin(origin, spec.key + ": expected " + describe_option_type(spec) +
                                         ", got " + quoted_value(value) + extra));
  };
  Value parsed;
  switch (spec.type) {
    case Type::kInt: {
      const auto v = parse_int(value);
      if (!v || !in_range(spec, static_cast<double>(*v))) throw fail();
      parsed = *v;
      break;
    }
    case Type::kFloat: {
      const auto v = parse_float(value);
      if (!v || !in_range(spec, *v)) throw fail();
      parsed = *v;
      break;
    }
    case Type::kBool: {
      const auto v = parse_bool(value);
      if (!v) throw fail();
      parsed = *v;
      break;
    }
    case Type::kString:
      parsed = std::string(value);
      break;
    case Type::kChoice: {
      if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
        const auto near = closest(value, spec.choices, 2);
        throw Error(with_origin(
            origin, spec.key + ": invalid choice " + quoted_value(value) +
                        "; valid choices: " + join(spec.choices, ", ") +
                        (near.size() == 1 ? " (did you mean " + near[0] + "?)" : std::string())));
      }
      parsed = std::string(value);
      break;
    }
  }
  entries_[*index] = Entry{std::move(parsed), std::string(origin)};
}

bool Config::operator==(const Config& other) const {
  if (entries_.size() != other.entries_.size()) return false;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].value != other.entries_[i].value) return false;
  }
  return true;
}

}  // namespace tandem
