// Rng: the one seedable random generator (xoshiro256**), used for init, dropout and shuffling.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tandem {

// Reproducible on every platform: the bit generator and the distributions are our own (the
// standard library's distributions differ between implementations). The whole state can be
// saved and restored, so that a resumed training run draws the same numbers.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0x5eed);

  uint64_t next_u64();
  float uniform();                       // [0, 1)
  float uniform(float low, float high);  // [low, high)
  float normal(float mean = 0.0f, float stddev = 1.0f);
  uint64_t below(uint64_t n);  // uniform integer in [0, n), unbiased
  template <typename T>
  void shuffle(std::vector<T>& items) {  // Fisher–Yates
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

  using State = std::array<uint64_t, 4>;
  State state() const { return s_; }
  void set_state(const State& s) { s_ = s; }

 private:
  State s_;
};

}  // namespace tandem
