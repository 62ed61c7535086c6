// Cell and attention step microbenchmarks: fused GRU/LSTM ops against the same maths as separate
// ops.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "autodiff/graph.h"
#include "autodiff/ops.h"
#include "autodiff/parameter.h"
#include "autodiff/unfused_cells.h"
#include "kernels/cpu/gemm.h"
#include "paired.h"
#include "tensor/rng.h"
#include "tensor/tensor.h"

namespace {

using tandem::Graph;
using tandem::NoGradGuard;
using tandem::Parameter;
using tandem::Rng;
using tandem::Shape;
using tandem::Tensor;
using tandem::Var;
namespace ops = tandem::ops;

// BLAS threads for the cell benchmarks: TANDEM_BENCH_THREADS, default 1 (the library's choice
// for small RNN products). The GEMM benchmarks take theirs as an argument instead.
void set_threads_from_env() {
  const char* env = std::getenv("TANDEM_BENCH_THREADS");
  tandem::kernels::set_gemm_threads(env != nullptr ? std::atoi(env) : 1);
}

void fill_uniform(const Tensor& t, Rng& rng, float bound) {
  for (float& x : t.values()) x = rng.uniform(-bound, bound);
}

Tensor random_tensor(const Shape& shape, Rng& rng, float bound = 1.0f) {
  Tensor t = Tensor::zeros(shape);
  fill_uniform(t, rng, bound);
  return t;
}

// The inputs of one recurrent step: batch B, hidden H, G = gates · H gate columns. The tensors
// are made once; each iteration only puts them on the (reset) tape.
struct CellInputs {
  Tensor xg, h, c, loss_weights_h, loss_weights_c;
  Parameter w_hh, b_hh;
  CellInputs(int64_t B, int64_t H, int64_t gates)
      : w_hh("w_hh", {gates * H, H}), b_hh("b_hh", {gates * H}) {
    Rng rng(42);
    xg = random_tensor({B, gates * H}, rng);
    h = random_tensor({B, H}, rng);
    c = random_tensor({B, H}, rng);
    loss_weights_h = random_tensor({B, H}, rng);
    loss_weights_c = random_tensor({B, H}, rng);
    const float bound = 1.0f / std::sqrt(static_cast<float>(H));
    fill_uniform(w_hh.value, rng, bound);
    fill_uniform(b_hh.value, rng, bound);
  }
};

void set_step_counters(benchmark::State& state, int64_t B) {
  // Rows of the batch advanced one step per second; the time column is the time per step.
  state.SetItemsProcessed(state.iterations() * B);
}

// One step as a training loop runs it: a fresh tape, the cell, a scalar loss, backward.
void gru_train_step(Graph& g, CellInputs& in, bool fused) {
  g.reset();
  Var xg = g.leaf(in.xg), h = g.leaf(in.h);
  Var w = g.parameter(in.w_hh), b = g.parameter(in.b_hh);
  Var out = fused ? ops::gru_cell(xg, h, w, b) : ops::gru_cell_unfused(xg, h, w, b);
  Var loss = ops::sum(ops::mul(out, g.constant(in.loss_weights_h)));
  g.backward(loss);
  benchmark::DoNotOptimize(in.w_hh.grad.data());
  benchmark::DoNotOptimize(xg.grad().data());
  benchmark::ClobberMemory();
}

// Forward only, nothing recorded (the inference path).
void gru_infer_step(Graph& g, CellInputs& in, bool fused) {
  g.reset();
  NoGradGuard no_grad(g);
  Var xg = g.constant(in.xg), h = g.constant(in.h);
  Var w = g.parameter(in.w_hh), b = g.parameter(in.b_hh);
  Var out = fused ? ops::gru_cell(xg, h, w, b) : ops::gru_cell_unfused(xg, h, w, b);
  benchmark::DoNotOptimize(out.value().data());
  benchmark::ClobberMemory();
}

// The LSTM loss reads both h' and c'.
void lstm_train_step(Graph& g, CellInputs& in, bool fused) {
  g.reset();
  Var xg = g.leaf(in.xg), h = g.leaf(in.h), c = g.leaf(in.c);
  Var w = g.parameter(in.w_hh);
  ops::LstmState out = fused ? ops::lstm_cell(xg, h, c, w) : ops::lstm_cell_unfused(xg, h, c, w);
  Var loss = ops::add(ops::sum(ops::mul(out.h, g.constant(in.loss_weights_h))),
                      ops::sum(ops::mul(out.c, g.constant(in.loss_weights_c))));
  g.backward(loss);
  benchmark::DoNotOptimize(in.w_hh.grad.data());
  benchmark::DoNotOptimize(xg.grad().data());
  benchmark::ClobberMemory();
}

void lstm_infer_step(Graph& g, CellInputs& in, bool fused) {
  g.reset();
  NoGradGuard no_grad(g);
  Var xg = g.constant(in.xg), h = g.constant(in.h), c = g.constant(in.c);
  Var w = g.parameter(in.w_hh);
  ops::LstmState out = fused ? ops::lstm_cell(xg, h, c, w) : ops::lstm_cell_unfused(xg, h, c, w);
  benchmark::DoNotOptimize(out.h.value().data());
  benchmark::DoNotOptimize(out.c.value().data());
  benchmark::ClobberMemory();
}

using StepFn = void (*)(Graph&, CellInputs&, bool);
constexpr size_t kArenaBytes = size_t{16} << 20;

// state.range(0) = B, state.range(1) = H; `gates` = 3 (GRU) or 4 (LSTM).
void BM_CellStep(benchmark::State& state, StepFn step, int gates, bool fused) {
  set_threads_from_env();
  const int64_t B = state.range(0), H = state.range(1);
  CellInputs in(B, H, gates);
  Graph g(kArenaBytes);
  for (auto _ : state) step(g, in, fused);
  set_step_counters(state, B);
}

// Fused and unfused in one loop, step by step (see paired.h): ratio = t_unfused / t_fused, the
// fused cell's speed-up. The time column is that of one fused + one unfused step.
void BM_CellPaired(benchmark::State& state, StepFn step, int gates) {
  set_threads_from_env();
  const int64_t B = state.range(0), H = state.range(1);
  CellInputs in(B, H, gates);
  Graph g_fused(kArenaBytes), g_unfused(kArenaBytes);
  tandem::bench::run_paired(
      state, "fused", [&] { step(g_fused, in, true); }, "unfused",
      [&] { step(g_unfused, in, false); });
}

// One additive (Bahdanau) attention step: scores, masked softmax, context. Keys U·h_j (S, B, A)
// are precomputed once per batch, as the model does; values (S, B, D) are the encoder states.
struct AttentionInputs {
  Tensor q, keys, values, mask, loss_weights;
  Parameter v;
  AttentionInputs(int64_t B, int64_t S, int64_t A, int64_t D) : v("v", {A}) {
    Rng rng(7);
    q = random_tensor({B, A}, rng);
    keys = random_tensor({S, B, A}, rng);
    values = random_tensor({S, B, D}, rng);
    loss_weights = random_tensor({B, D}, rng);
    fill_uniform(v.value, rng, 1.0f / std::sqrt(static_cast<float>(A)));
    // Padded batch: sequence b has S − (b mod 10) real positions.
    mask = Tensor::zeros({B, S});
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < S - b % 10; ++s) mask.data()[b * S + s] = 1.0f;
  }
};

// state.range: B, S, A, D.
void BM_AttentionTrain(benchmark::State& state) {
  set_threads_from_env();
  const int64_t B = state.range(0), S = state.range(1), A = state.range(2), D = state.range(3);
  AttentionInputs in(B, S, A, D);
  Graph g(size_t{16} << 20);
  for (auto _ : state) {
    g.reset();
    Var q = g.leaf(in.q), keys = g.leaf(in.keys), values = g.leaf(in.values);
    Var v = g.parameter(in.v);
    Var weights = ops::masked_softmax(ops::additive_scores(q, keys, v, in.mask), in.mask);
    Var context = ops::attention_context(weights, values);
    Var loss = ops::sum(ops::mul(context, g.constant(in.loss_weights)));
    g.backward(loss);
    benchmark::DoNotOptimize(q.grad().data());
    benchmark::DoNotOptimize(keys.grad().data());
    benchmark::ClobberMemory();
  }
  set_step_counters(state, B);
}

void BM_AttentionInfer(benchmark::State& state) {
  set_threads_from_env();
  const int64_t B = state.range(0), S = state.range(1), A = state.range(2), D = state.range(3);
  AttentionInputs in(B, S, A, D);
  Graph g(size_t{16} << 20);
  for (auto _ : state) {
    g.reset();
    NoGradGuard no_grad(g);
    Var q = g.constant(in.q), keys = g.constant(in.keys), values = g.constant(in.values);
    Var v = g.parameter(in.v);
    Var weights = ops::masked_softmax(ops::additive_scores(q, keys, v, in.mask), in.mask);
    Var context = ops::attention_context(weights, values);
    benchmark::DoNotOptimize(context.value().data());
    benchmark::ClobberMemory();
  }
  set_step_counters(state, B);
}

void cell_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"B", "H"})->Args({64, 256})->Args({64, 512})->Args({1, 256})->UseRealTime();
}

// For each step kind (named BM_<name>/paired, /fused, /unfused): the paired run, then fused and
// unfused side by side.
#define TANDEM_CELL_PAIR(name, step, gates)                          \
  BENCHMARK_CAPTURE(BM_CellPaired, name, step, gates)                \
      ->Name("BM_" #name "/paired")                                  \
      ->Apply(cell_shapes);                                          \
  BENCHMARK_CAPTURE(BM_CellStep, name##_fused, step, gates, true)    \
      ->Name("BM_" #name "/fused")                                   \
      ->Apply(cell_shapes);                                          \
  BENCHMARK_CAPTURE(BM_CellStep, name##_unfused, step, gates, false) \
      ->Name("BM_" #name "/unfused")                                 \
      ->Apply(cell_shapes)

TANDEM_CELL_PAIR(GruTrain, gru_train_step, 3);
TANDEM_CELL_PAIR(GruInfer, gru_infer_step, 3);
TANDEM_CELL_PAIR(LstmTrain, lstm_train_step, 4);
TANDEM_CELL_PAIR(LstmInfer, lstm_infer_step, 4);
BENCHMARK(BM_AttentionTrain)
    ->ArgNames({"B", "S", "A", "D"})
    ->Args({64, 30, 256, 512})
    ->UseRealTime();
BENCHMARK(BM_AttentionInfer)
    ->ArgNames({"B", "S", "A", "D"})
    ->Args({64, 30, 256, 512})
    ->UseRealTime();

}  // namespace
