// Scores hypotheses against references with the installed library: `app HYP REF` prints what
// `tandem eval -i HYP -r REF -m bleu -m chrf` prints.
#include <iostream>

#include "data/corpus.h"
#include "eval/metrics.h"
#include "tensor/error.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  try {
    const auto results = tandem::eval::evaluate(
        tandem::data::read_lines(argv[1]), {tandem::data::read_lines(argv[2])}, {"bleu", "chrf"});
    std::cout << tandem::eval::format_results(results);
  } catch (const tandem::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
