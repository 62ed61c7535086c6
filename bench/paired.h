// Paired A/B timing inside one benchmark, so that a loaded machine slows both sides alike.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace tandem::bench {

// Each iteration times `ours` and `baseline` back to back (alternating which goes first) and
// keeps both durations. On a shared machine the load changes over milliseconds, so the two calls
// of one iteration see nearly the same machine: the median of the per-iteration ratios is far
// steadier than a ratio of two separately measured medians. Reports the counters
// `<ours>_us`, `<baseline>_us` (medians) and `ratio` = median(t_baseline / t_ours), so a ratio
// above 1 means `ours` is faster.
template <typename Ours, typename Baseline>
void run_paired(benchmark::State& state, const std::string& ours_name, Ours&& ours,
                const std::string& baseline_name, Baseline&& baseline) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> t_ours, t_base, ratio;
  bool ours_first = true;
  for (auto _ : state) {
    double a, b;
    if (ours_first) {
      const auto t0 = Clock::now();
      ours();
      const auto t1 = Clock::now();
      baseline();
      const auto t2 = Clock::now();
      a = std::chrono::duration<double, std::micro>(t1 - t0).count();
      b = std::chrono::duration<double, std::micro>(t2 - t1).count();
    } else {
      const auto t0 = Clock::now();
      baseline();
      const auto t1 = Clock::now();
      ours();
      const auto t2 = Clock::now();
      b = std::chrono::duration<double, std::micro>(t1 - t0).count();
      a = std::chrono::duration<double, std::micro>(t2 - t1).count();
    }
    ours_first = !ours_first;
    t_ours.push_back(a);
    t_base.push_back(b);
    ratio.push_back(b / a);
  }
  auto median = [](std::vector<double>& v) {
    if (v.empty()) return 0.0;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  state.counters[ours_name + "_us"] = median(t_ours);
  state.counters[baseline_name + "_us"] = median(t_base);
  state.counters["ratio"] = median(ratio);
}

}  // namespace tandem::bench
