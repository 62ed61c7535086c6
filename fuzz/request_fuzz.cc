// Fuzzes the parsing of POST /v1/translate bodies: any bytes must parse or give ApiError with
// a 4xx status.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const tandem::server::ApiLimits limits;
  const tandem::server::SearchSettings defaults;
  try {
    tandem::server::parse_translate_request(std::string(reinterpret_cast<const char*>(data), size),
                                            limits, defaults);
  } catch (const tandem::server::ApiError& e) {
    if (e.status < 400 || e.status > 499) std::abort();
  }
  return 0;
}
