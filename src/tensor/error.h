// tandem::Error: the one exception type, carrying a message a user can act on.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

namespace tandem {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error(message) when `condition` is false. For checks on user input and API misuse;
// internal invariants use assert().
inline void check(bool condition, const char* message) {
  if (!condition) throw Error(message);
}

// The same with a message built only on failure: `make_message` is a callable returning it.
// Hot paths (every op checks its shapes) must not build strings when all is well.
template <typename MakeMessage>
requires std::is_invocable_v<MakeMessage>
inline void check(bool condition, MakeMessage&& make_message) {
  if (!condition) throw Error(std::string(make_message()));
}

}  // namespace tandem
