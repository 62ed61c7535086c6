// The engine demo: trains a small GRU with additive attention to name the first token of a
// random sequence, printing the loss falling and the model's answers. (The seq2seq recipes on
// real data live beside it in examples/ as they arrive.)
#include <cstdio>
#include <vector>

#include "autodiff/ops.h"
#include "kernels/cpu/gemm.h"
#include "support/tiny_gru_classifier.h"
#include "train/clip.h"
#include "train/optimizer.h"

using namespace tandem;

int main() {
  kernels::set_gemm_threads(1);
  Rng rng(2026);
  const int64_t vocab = 10, steps = 12, batch = 32;
  testing::TinyGruClassifier model(vocab, 16, 64, rng);
  Adam adam(model.params(), AdamOptions{.lr = 3e-3f});
  Graph g;
  std::vector<int32_t> tokens, labels;
  std::printf("task: read %lld random digits, then name the first one (chance: %.0f%%)\n",
              static_cast<long long>(steps), 100.0 / vocab);
  std::printf("model: embedding 16, GRU 64, additive attention, %lld parameters\n\n",
              static_cast<long long>(model.params().num_values()));
  for (int step = 1; step <= 600; ++step) {
    testing::make_first_token_batch(rng, vocab, steps, batch, tokens, labels);
    g.reset();
    model.params().zero_grad();
    Var loss = model.loss(g, tokens, steps, batch, labels);
    g.backward(loss);
    clip_grad_norm(model.params(), 5.0);
    adam.step();
    if (step % 50 == 0) std::printf("step %4d  loss %.4f\n", step, loss.value().item());
  }

  // Answers on fresh sequences, without a tape.
  testing::make_first_token_batch(rng, vocab, steps, batch, tokens, labels);
  g.reset();
  NoGradGuard no_grad(g);
  const Tensor logits = model.logits(g, tokens, steps, batch).value();
  int correct = 0;
  for (int64_t b = 0; b < batch; ++b) {
    int64_t best = 0;
    for (int64_t v = 1; v < vocab; ++v)
      if (logits[b].data()[v] > logits[b].data()[best]) best = v;
    correct += best == labels[b];
    if (b < 5) {
      std::printf("\nsequence ");
      for (int64_t t = 0; t < steps; ++t) std::printf("%d", tokens[t * batch + b]);
      std::printf("  ->  answer %lld (%s)", static_cast<long long>(best),
                  best == labels[b] ? "right" : "wrong");
    }
  }
  std::printf("\n\naccuracy on %lld fresh sequences: %d/%lld\n", static_cast<long long>(batch),
              correct, static_cast<long long>(batch));
  return 0;
}
