// The shape check every corpus metric makes on its reference streams.
#include "eval/streams.h"

#include "tensor/error.h"

namespace tandem::eval {

void check_reference_streams(const char* metric, size_t hypothesis_count,
                             const std::vector<std::vector<std::string>>& references) {
  check(!references.empty(), [&] { return std::string(metric) + ": no reference streams given"; });
  for (size_t k = 0; k < references.size(); ++k) {
    check(references[k].size() == hypothesis_count, [&] {
      return std::string(metric) + ": " + std::to_string(hypothesis_count) +
             " hypotheses but reference stream " + std::to_string(k + 1) + " has " +
             std::to_string(references[k].size()) + " lines";
    });
  }
}

}  // namespace tandem::eval
