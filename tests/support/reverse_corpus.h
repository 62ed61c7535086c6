// A reverse-task corpus on disk: lines "a b c" whose targets are "c b a", for trainer tests.
#pragma once

#include <cstdint>
#include <string>

#include "support/temp_dir.h"

namespace tandem::testing {

// Writes NAME.src and NAME.tgt into `dir`: `n` seeded lines of 1–6 symbols from a–f, separated
// by spaces (a word tokenizer's tokens), and their reversals.
void write_reverse_corpus(const TempDir& dir, const std::string& name, int n, uint64_t seed);

}  // namespace tandem::testing
