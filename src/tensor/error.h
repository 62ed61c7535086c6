// tandem::Error: the one exception type, carrying a message a user can act on.
#pragma once

#include <stdexcept>
#include <string>

namespace tandem {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error(message) when `condition` is false. For checks on user input and API misuse;
// internal invariants use assert().
inline void check(bool condition, const std::string& message) {
  if (!condition) throw Error(message);
}

}  // namespace tandem
