// The cut-line warning, naming the file and line.
#include "cli/warnings.h"

#include <cstdio>

#include "data/line_reader.h"

namespace tandem::cli {

void warn_if_cut(const Translation& t, const std::string& file, int64_t line,
                 const Config& config) {
  if (t.truncated_from == 0) return;
  std::fprintf(stderr,
               "warning: %s%zu source tokens, cut to the first %lld (decode.max_input_tokens)\n",
               data::file_location(file, line).c_str(), t.truncated_from,
               static_cast<long long>(config.get_int("decode.max_input_tokens")));
}

}  // namespace tandem::cli
