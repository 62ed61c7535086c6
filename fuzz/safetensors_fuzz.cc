// Fuzzes load_safetensors: any bytes must load or give tandem::Error, never crash or hang.
#include <cstddef>
#include <cstdint>

#include "io/safetensors.h"
#include "memory_file.h"
#include "tensor/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tandem::fuzz::MemoryFile file(data, size);
  try {
    tandem::io::load_safetensors(file.path());
  } catch (const tandem::Error&) {
  }
  return 0;
}
