// Fuzzes the corpus readers (line splitting, BOM and CRLF, the UTF-8 check, TSV columns): any
// bytes must read or give tandem::Error.
#include <cstddef>
#include <cstdint>

#include "data/corpus.h"
#include "memory_file.h"
#include "tensor/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tandem::fuzz::MemoryFile file(data, size);
  try {
    tandem::data::read_lines(file.path());
  } catch (const tandem::Error&) {
  }
  try {
    tandem::data::read_tsv(file.path());
  } catch (const tandem::Error&) {
  }
  return 0;
}
