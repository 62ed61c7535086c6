#!/usr/bin/env python3
"""PyTorch reference of tandem's RNN seq2seq model, for side-by-side speed comparisons (issue 6).

Idiomatic, batched PyTorch of the same model tandem builds from bench/small.yaml, trained on the
same files with the same batching, optimiser and loss, so that speed ratios compare like with like.

Modelling choices that matter for comparability (each matches tandem's defaults):
- Source: embedding (uniform ±0.1) → bidirectional GRU/LSTM (nn.GRU/nn.LSTM over a packed
  sequence, so padding costs nothing), `layers` deep, dropout between layers.
- Bridge "final": the decoder's initial h = tanh(Linear([h_fwd_last; h_bwd_last])) of the top
  layer (LSTM: c from a second, plain projection).
- Bahdanau attention (Bahdanau et al. 2015, §3.1 and A.1.2): keys K = W_k·memory + b computed
  once per batch (batch-first); per step score_j = v·tanh(W_q·h_{t-1} + K_j), masked softmax,
  context by one batched matrix product (torch.bmm).
  The query is the decoder state *before* the step (attends_before_rnn).
- Decoder step: GRUCell/LSTMCell on [embedding(y_{t-1}); context]; attentional vector
  f_t = tanh(W_c·[h_t; context]) (no bias-free shortcut), dropout, then the output layer over all
  steps at once (one GEMM), cross-entropy summed over real target tokens / their count.
- Training: Adam (lr from the config, betas 0.9/0.999, eps 1e-8), global-norm clipping 5.0,
  teacher forcing 1.0, batches of `batch_size` sentences sorted by length within pools of 32
  batches, shuffled (tandem's batcher scheme; the exact permutation differs).
- Decoding: greedy and vectorised beam search (beam 5; the best final hypothesis by score per
  token, tandem's "average" length penalty; finished hypotheses ride along in their beam where
  tandem sets them aside), batched over sentences and beams, under torch.no_grad(), output
  length limit 2·|source| + 10.
Not compared: initialisation details beyond the embedding (PyTorch's defaults for the RNNs and
Linears; speed does not depend on them) and the random streams (dropout masks, batch order).

Usage: python3 torch_seq2seq.py --config bench/small.yaml [--intra-threads N] [--steps 400]
       [--warmup 100] [--decode-lines 3000] [--latency-lines 200]
Prints one JSON object with the figures. Needs PyTorch (Debian: python3-torch) and PyYAML.
"""

import argparse
import json
import math
import random
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"]


def tokenize(line, kind):
    if kind == "char":
        return ["\u2581" if c == " " else c for c in line]
    return line.split()


def read_side(path, kind):
    with open(path, encoding="utf-8") as f:
        return [tokenize(line.rstrip("\n"), kind) for line in f]


def build_vocab(sentences):
    counts = {}
    for s in sentences:
        for t in s:
            counts[t] = counts.get(t, 0) + 1
    ordered = sorted(counts, key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(SPECIALS + ordered)}


def encode(sentence, vocab):
    return [vocab.get(t, UNK) for t in sentence]


class Seq2Seq(nn.Module):
    def __init__(self, cfg, src_vocab, tgt_vocab):
        super().__init__()
        m = cfg["model"]
        self.cell = m.get("cell", "gru")
        emb = m.get("embedding_size", 128)
        enc, dec = m.get("encoder", {}), m.get("decoder", {})
        self.enc_hidden = enc.get("hidden_size", 256)
        self.enc_layers = enc.get("layers", 1)
        self.dec_hidden = dec.get("hidden_size", 256)
        dropout = m.get("dropout", 0.1)
        rnn = nn.GRU if self.cell == "gru" else nn.LSTM
        cell = nn.GRUCell if self.cell == "gru" else nn.LSTMCell
        memory = 2 * self.enc_hidden
        self.src_emb = nn.Embedding(src_vocab, emb, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(tgt_vocab, emb, padding_idx=PAD)
        nn.init.uniform_(self.src_emb.weight, -0.1, 0.1)
        nn.init.uniform_(self.tgt_emb.weight, -0.1, 0.1)
        self.encoder = rnn(emb, self.enc_hidden, num_layers=self.enc_layers, bidirectional=True,
                           dropout=dropout if self.enc_layers > 1 else 0.0)
        self.bridge_h = nn.Linear(memory, self.dec_hidden)
        self.bridge_c = nn.Linear(memory, self.dec_hidden) if self.cell == "lstm" else None
        self.att_query = nn.Linear(self.dec_hidden, self.dec_hidden, bias=False)
        self.att_key = nn.Linear(memory, self.dec_hidden)
        self.att_v = nn.Parameter(torch.empty(self.dec_hidden).uniform_(-0.06, 0.06))
        self.decoder = cell(emb + memory, self.dec_hidden)
        self.combine = nn.Linear(self.dec_hidden + memory, self.dec_hidden)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(self.dec_hidden, tgt_vocab)

    def encode(self, src, lengths):
        """src (S, B) padded ids, lengths (B,) → batch-first memory (B, S, 2H), keys, mask, state."""
        packed = pack_padded_sequence(self.src_emb(src), lengths, enforce_sorted=False)
        out, last = self.encoder(packed)
        memory, _ = pad_packed_sequence(out, batch_first=True, total_length=src.size(0))
        h_last = last[0] if self.cell == "lstm" else last
        top = torch.cat([h_last[-2], h_last[-1]], dim=1)  # the top layer's two directions
        h = torch.tanh(self.bridge_h(top))
        state = (h, self.bridge_c(top)) if self.cell == "lstm" else h
        keys = self.att_key(memory)  # precomputed once per batch
        mask = src.t().ne(PAD)  # (B, S)
        return memory, keys, mask, state

    def step(self, prev, state, memory, keys, mask):
        """One decoder step: prev (B,) ids → attentional vector (B, H), new state, weights."""
        h = state[0] if self.cell == "lstm" else state
        scores = torch.tanh(keys + self.att_query(h).unsqueeze(1)) @ self.att_v  # (B, S)
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)  # (B, 2H)
        state = self.decoder(torch.cat([self.tgt_emb(prev), context], dim=1), state)
        h = state[0] if self.cell == "lstm" else state
        features = torch.tanh(self.combine(torch.cat([h, context], dim=1)))
        return features, state, weights

    def loss(self, src, lengths, tgt_in, tgt_out):
        memory, keys, mask, state = self.encode(src, lengths)
        features = []
        for t in range(tgt_in.size(0)):
            f, state, _ = self.step(tgt_in[t], state, memory, keys, mask)
            features.append(f)
        logits = self.out(self.dropout(torch.stack(features)))  # all steps in one GEMM
        return F.cross_entropy(logits.view(-1, logits.size(-1)), tgt_out.reshape(-1),
                               ignore_index=PAD)

    @torch.no_grad()
    def greedy(self, src, lengths):
        memory, keys, mask, state = self.encode(src, lengths)
        B = src.size(1)
        prev = torch.full((B,), BOS, dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        out = []
        for _ in range(2 * src.size(0) + 10):
            f, state, _ = self.step(prev, state, memory, keys, mask)
            prev = self.out(f).argmax(1)
            out.append(prev)
            done |= prev.eq(EOS)
            if done.all():
                break
        return torch.stack(out, 1)

    @staticmethod
    def output_lengths(outputs):
        """Tokens before the first </s> of each row of a (B, T) id matrix."""
        ended = outputs.eq(EOS).cumsum(1).gt(0)
        return (~ended).sum(1)

    @torch.no_grad()
    def beam(self, src, lengths, K):
        """Batched, vectorised beam search: B·K rows through each step, top-K of each sentence's
        K·V extensions by summed log-probability; a finished hypothesis stays in its beam,
        extended only by a free </s>; the search stops when every hypothesis has finished, and
        the best is chosen by score per token ("average" length normalisation)."""
        memory, keys, mask, state = self.encode(src, lengths)
        B = src.size(1)
        rep = lambda x: x.repeat_interleave(K, dim=0)
        memory, keys, mask = rep(memory), rep(keys), rep(mask)
        state = tuple(rep(s) for s in state) if self.cell == "lstm" else rep(state)
        scores = torch.full((B, K), -math.inf)
        scores[:, 0] = 0.0
        finished = torch.zeros(B * K, dtype=torch.bool)
        length = torch.zeros(B * K)
        prev = torch.full((B * K,), BOS, dtype=torch.long)
        history = torch.zeros(B * K, 0, dtype=torch.long)
        base = (torch.arange(B) * K).unsqueeze(1)
        for _ in range(2 * src.size(0) + 10):
            f, state, _ = self.step(prev, state, memory, keys, mask)
            logp = torch.log_softmax(self.out(f), dim=1)  # (B·K, V)
            V = logp.size(1)
            logp[finished] = -math.inf
            logp[finished, EOS] = 0.0
            scores, idx = (scores.view(-1, 1) + logp).view(B, K * V).topk(K, dim=1)
            rows = (idx // V + base).view(-1)
            prev = (idx % V).view(-1)
            was_finished = finished[rows]
            length = length[rows] + (~was_finished).float()
            finished = was_finished | prev.eq(EOS)
            state = tuple(s[rows] for s in state) if self.cell == "lstm" else state[rows]
            history = torch.cat([history[rows], prev.unsqueeze(1)], dim=1)
            if finished.all():
                break
        best = (scores.view(-1) / length.clamp(min=1)).view(B, K).argmax(1)
        return history[base.squeeze(1) + best]  # (B, T), </s>-padded


def batches(examples, batch_size, pool_batches, rng):
    order = list(range(len(examples)))
    rng.shuffle(order)
    pool = batch_size * pool_batches
    out = []
    for p in range(0, len(order), pool):
        chunk = sorted(order[p:p + pool],
                       key=lambda i: (len(examples[i][0]), len(examples[i][1])))
        out += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def pad(seqs, prefix=(), suffix=()):
    seqs = [list(prefix) + s + list(suffix) for s in seqs]
    T = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (T - len(s)) for s in seqs], dtype=torch.long).t()


def source_batch(examples, idx):
    src = [examples[i][0] for i in idx]
    return pad(src), torch.tensor([len(s) for s in src])


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--intra-threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--decode-source", default=None, help="default: the config's train source")
    ap.add_argument("--decode-lines", type=int, default=3000)
    ap.add_argument("--beam-lines", type=int, default=640)
    ap.add_argument("--latency-lines", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.intra_threads)
    torch.manual_seed(args.seed)
    cfg = yaml.safe_load(open(args.config))
    d = cfg["data"]
    src = read_side(d["train_source"], d.get("source_tokenizer", "char"))
    tgt = read_side(d["train_target"], d.get("target_tokenizer", "char"))
    sv, tv = build_vocab(src), build_vocab(tgt)
    examples = [(encode(s, sv), encode(t, tv)) for s, t in zip(src, tgt) if s and t]
    model = Seq2Seq(cfg, len(sv), len(tv))
    tr = cfg.get("train", {})
    optimizer = torch.optim.Adam(model.parameters(), lr=tr.get("learning_rate", 0.001))
    rng = random.Random(args.seed)
    plan, epoch_plan = [], []
    result = {"torch": torch.__version__, "intra_threads": torch.get_num_threads(),
              "config": args.config}

    model.train()
    tokens, start = 0, None
    for step in range(1, args.steps + 1):
        if not epoch_plan:
            epoch_plan = batches(examples, tr.get("batch_size", 64), 32, rng)
        idx = epoch_plan.pop()
        s, lengths = source_batch(examples, idx)
        tgt_ids = [examples[i][1] for i in idx]
        tgt_in, tgt_out = pad(tgt_ids, prefix=[BOS]), pad(tgt_ids, suffix=[EOS])
        if step == args.warmup + 1:
            start, tokens = time.perf_counter(), 0
        loss = model.loss(s, lengths, tgt_in, tgt_out)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        tokens += sum(len(t) + 1 for t in tgt_ids)
    elapsed = time.perf_counter() - start
    result["train_target_tokens_per_s"] = tokens / elapsed
    result["train_last_loss"] = loss.item()
    result["train_peak_rss_mib"] = peak_rss_mib()

    model.eval()
    dec_src = read_side(args.decode_source or d["train_source"], d.get("source_tokenizer", "char"))
    dec = [(encode(s, sv), []) for s in dec_src if s]
    order = sorted(range(len(dec)), key=lambda i: len(dec[i][0]))  # length-sorted, like tandem
    for name, lines, fn in (("greedy", args.decode_lines, lambda s, l: model.greedy(s, l)),
                            ("beam5", args.beam_lines, lambda s, l: model.beam(s, l, 5))):
        chosen = sorted(order[:lines])
        chosen.sort(key=lambda i: len(dec[i][0]))
        t0 = time.perf_counter()
        outputs = [fn(*source_batch(dec, chosen[b:b + 64])) for b in range(0, len(chosen), 64)]
        result[name + "_sentences_per_s"] = len(chosen) / (time.perf_counter() - t0)
        tokens = sum(Seq2Seq.output_lengths(o).sum().item() for o in outputs)
        result[name + "_mean_output_tokens"] = tokens / len(chosen)
    latencies = []
    for i in range(args.latency_lines):
        t0 = time.perf_counter()
        model.greedy(*source_batch(dec, [i]))
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    result["batch1_greedy_ms_p50"] = 1000 * latencies[len(latencies) // 2]
    result["batch1_greedy_ms_p90"] = 1000 * latencies[int(len(latencies) * 0.9)]
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
