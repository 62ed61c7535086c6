// The options registry (every option, declared once) and Config, the validated values by key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tandem {

// The most threads any thread count takes (train.threads, --threads, TranslatorOptions): far
// above real machines, low enough that thread creation does not fail deep inside.
inline constexpr int kMaxThreads = 256;

// One option: a dotted key ("model.encoder.hidden_size"), its type, its default (as text, parsed
// like any other value), a one-line help, and for numbers an optional range. The YAML config,
// the command line (--set key=value) and docs/config.md all read these declarations.
struct OptionSpec {
  std::string key;
  enum class Type { kInt, kFloat, kBool, kString, kChoice } type;
  std::string default_value;
  std::string help;
  std::vector<std::string> choices = {};  // kChoice only
  // Range of kInt and kFloat values: min ≤ v ≤ max, or < / > where exclusive.
  std::optional<double> min = std::nullopt;
  std::optional<double> max = std::nullopt;
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// Every option, grouped by section in the order the documentation lists them.
const std::vector<OptionSpec>& option_registry();

// The option declared under `key`, or nullptr.
const OptionSpec* find_option(std::string_view key);

// Whether `prefix` is a section: some key starts with `prefix` + "." ("model", "model.encoder").
// The empty prefix is the root and counts as a section.
bool is_option_section(std::string_view prefix);

// The keys under `section` ("model" → "model.cell", "model.encoder.hidden_size", …); all keys
// for the empty section.
std::vector<std::string> option_section_keys(std::string_view section);

// The message for an unknown key: the closest declared key(s) by edit distance ("did you mean
// model.encoder.hidden_size or model.decoder.hidden_size?") and the valid keys of the deepest
// existing section of `key` (or the top-level sections).
std::string unknown_option_message(std::string_view key);

// What values the option takes, for messages: "an integer >= 1", "one of gru, lstm", ….
std::string describe_option_type(const OptionSpec& spec);

// The Markdown reference table (key, type, default, description) of the options under `section`
// (all of them for ""). docs/config.md holds these tables verbatim; a test keeps them in step.
std::string options_markdown_table(std::string_view section = {});

// Validated option values by key: every declared option always has a value (its default unless
// set). A get of an undeclared key, or as the wrong type, is a programming error and throws
// tandem::Error; so does set() of a bad value, with a message naming where it came from.
class Config {
 public:
  Config();  // the defaults
  static Config defaults() { return Config(); }

  int64_t get_int(std::string_view key) const;
  double get_float(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  const std::string& get_string(std::string_view key) const;  // kString and kChoice options
  // The value of any option as text, in the form set() accepts and to_yaml() writes.
  std::string get_text(std::string_view key) const;
  // Where the value came from: "default", "config.yaml:12", "--set", or whatever set() was given.
  const std::string& origin(std::string_view key) const;

  // Parses and validates `value` for `key`. Errors begin with `origin` (a file:line, "--set")
  // and name the key and what was expected: the type and range, or the valid choices. An
  // unknown key is an error listing the section's valid keys (see unknown_option_message).
  void set(std::string_view key, std::string_view value, std::string_view origin);

  // Every option, nested by the dotted keys, in registry order; load_config_string(to_yaml())
  // gives back an equal Config.
  std::string to_yaml() const;

  // Equal values (where they came from does not matter).
  bool operator==(const Config& other) const;

 private:
  using Value = std::variant<int64_t, double, bool, std::string>;
  struct Entry {
    Value value;
    std::string origin;
  };
  struct NoValues {};
  explicit Config(NoValues) {}
  const Entry& entry(std::string_view key, OptionSpec::Type type) const;
  static std::string text_of(const Value& value);  // as get_text()

  std::vector<Entry> entries_;  // parallel to option_registry()
};

}  // namespace tandem
