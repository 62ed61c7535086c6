// Fuzzes the config reader (YAML through yaml-cpp, then the options registry): any text must
// load or give tandem::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/config.h"
#include "tensor/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    tandem::load_config_string(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const tandem::Error&) {
  }
  return 0;
}
