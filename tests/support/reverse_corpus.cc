// The reverse-task corpus files of the trainer tests.
#include "support/reverse_corpus.h"

#include <vector>

#include "tensor/rng.h"

namespace tandem::testing {

void write_reverse_corpus(const TempDir& dir, const std::string& name, int n, uint64_t seed) {
  Rng rng(seed);
  std::string src, tgt;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> s;
    const int len = 1 + static_cast<int>(rng.below(6));
    for (int k = 0; k < len; ++k)
      s.push_back(std::string(1, static_cast<char>('a' + rng.below(6))));
    for (int k = 0; k < len; ++k) src += s[k] + (k + 1 < len ? " " : "\n");
    for (int k = len - 1; k >= 0; --k) tgt += s[k] + (k > 0 ? " " : "\n");
  }
  dir.write(name + ".src", src);
  dir.write(name + ".tgt", tgt);
}

}  // namespace tandem::testing
