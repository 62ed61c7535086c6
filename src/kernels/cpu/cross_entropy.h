// Log-softmax fused with cross-entropy: the loss of a (rows, vocab) logit matrix against ids.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// For each row r whose target t = targets[r] is not ignore_index, with p = softmax(logits[r]):
//   loss_r = −(1 − ε)·log p_t − (ε / V)·Σ_v log p_v
// (label smoothing ε spread uniformly over all V classes, as in Szegedy et al. 2016, §7, and
// PyTorch's CrossEntropyLoss). Returns Σ_r loss_r over counted rows (accumulated in double) and
// writes their number to *counted. Writes p into probs (rows, vocab) for the backward; ignored
// rows are left unwritten. Throws tandem::Error if a counted target is outside [0, vocab).
double cross_entropy_forward(int64_t rows, int64_t vocab, const float* logits,
                             const int32_t* targets, int32_t ignore_index, float smoothing,
                             float* probs, int64_t* counted);

// dlogits[r] += scale·(p − q) with q the smoothed target distribution; ignored rows get nothing.
void cross_entropy_backward(int64_t rows, int64_t vocab, const float* probs, const int32_t* targets,
                            int32_t ignore_index, float smoothing, float scale, float* dlogits);

// The loss of every row as above (targets must all be counted: rows of one target each, none
// ignored — the fused output loss gathers only those) and, when `gradient`, each row's logits
// overwritten by its gradient scale·(p − q): the forward and backward in one pass over a row
// while it is in cache, keeping no probabilities. Returns the rows' losses summed in double.
double cross_entropy_to_gradient(int64_t rows, int64_t vocab, float* logits, const int32_t* targets,
                                 float smoothing, bool gradient, float scale);

}  // namespace tandem::kernels
