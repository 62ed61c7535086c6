#!/usr/bin/env python3
"""PyTorch reference of tandem's RNN seq2seq model, for side-by-side speed comparisons (issue 6).

Idiomatic, batched PyTorch of the model tandem builds from a config (bench/small.yaml,
bench/base.yaml), trained on the same files with the same batching, optimiser and loss, and
decoded with the same searches, so that speed ratios compare like with like. It can also load a
model folder tandem trained (--load-tandem DIR) and decode that: then both sides decode
identical weights, and the outputs agree with tandem's (bench/reference/README.md: the check).

Modelling choices (each is tandem's; seq2seq_model.py, text_data.py and tandem_io.py say where):
- Tokens: tandem's char / word / SentencePiece tokenizers (SentencePiece through Debian's
  python3-sentencepiece, the same library and version as tandem's), vocabularies built as
  Vocab::build does (specials <pad> <unk> <s> </s>, then by count, ties by bytes) or read from a
  model folder; no <s>/</s> on the source; training pairs longer than data.max_*_length or empty
  are skipped.
- Encoder: embedding (uniform ±0.1) → GRU/LSTM (nn.GRU/nn.LSTM over a packed sequence, so padding
  costs nothing and the backward direction starts at each row's last token), `layers` deep,
  bidirectional unless configured otherwise, dropout between layers.
- Bridge "final": decoder h = tanh(W·[h_fwd; h_bwd] + b) of encoder layer 0 (tandem's
  Decoder::bridge: layer min(l, last)); LSTM: c = W'·[c_fwd; c_bwd] + b' from the last c's.
- Attention, keys computed once per batch: Bahdanau (Bahdanau et al. 2015, A.1.2): keys
  W_k·m + b, score v·tanh(W_q·h_{t-1} + key), queried with the state *before* the RNN step, the
  context fed into the RNN; Luong (Luong et al. 2015, §3.1) general: keys W_a·m (no bias), score
  h_t·key, dot: keys = memory; queried with the state *after* the step. Masked softmax, context
  by torch.bmm.
- Decoder step: GRUCell/LSTMCell on [embedding(y_{t-1}); context (Bahdanau); previous
  attentional vector (input feeding, Luong §3.3; zeros at t = 0)]; attentional vector
  f_t = tanh(W_c·[h_t; context]) with no bias; dropout on f_t, then the output layer over all
  steps at once (one GEMM), cross-entropy over real target tokens / their count.
- Parameters: tandem's set — PyTorch's LSTM has a second, redundant bias (bias_hh), held at zero
  and frozen; initialised with tandem's distributions (Xavier, per-gate orthogonal W_hh, LSTM
  forget bias 1, zero biases), not its random stream.
- Training: Adam (lr from the config, betas 0.9/0.999, eps 1e-8), global-norm clipping
  (train.clip_norm), teacher forcing 1.0, batches of `batch_size` sentences sorted by length
  within pools of 32 batches, shuffled (tandem's batcher scheme; the permutation differs).
- Decoding (src/decode/): <pad> and <s> never chosen; output length limit per sentence
  int(decode.max_length_ratio·|source|) + decode.max_length_offset, where </s> is forced.
  Greedy: argmax. Beam: tandem's algorithm vectorised over sentences × beams — each step the
  best 2K extensions refill the K beams, those ending in </s> are set aside (up to K), a
  sentence stops with K finished, the best finished by normalised score (decode.length_penalty:
  "average" = log-prob / (tokens + 1)) wins. Scores are float32 sums (tandem's are double).
  Lines are decoded in length-sorted batches of 64 (translate_lines), the first N of the file.
Not the same: the random streams (initial values, dropout masks, batch order) and the float
arithmetic (tandem's GEMMs, its exp/tanh approximations): outputs of one model agree on almost
every line, not all (README.md).

Usage: python3 torch_seq2seq.py --config bench/small.yaml [--intra-threads N] [--steps 400]
         [--warmup 100] [--decode-source FILE] [--load-tandem DIR]
       python3 torch_seq2seq.py --load-tandem DIR --translate FILE --output FILE [--beam K]
       python3 torch_seq2seq.py --config C --minutes 4 --steps 1000000 --translate FILE \
         --beam 1,5 --output 'out.beam{beam}'   (bench/quality: trains for 4 minutes, decodes)
Prints one JSON object with the figures: training ones when --steps > 0 (the reference's own
model, trained from --config), decoding ones when --decode-source is given (the model trained
here, or DIR's with --load-tandem). Needs PyTorch (Debian: python3-torch), PyYAML, and for
SentencePiece configs python3-sentencepiece.
"""

import argparse
import json
import os
import random
import resource
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import yaml  # noqa: E402

import tandem_io  # noqa: E402
from seq2seq_model import Seq2Seq, check_supported, with_defaults  # noqa: E402
from text_data import (BOS, EOS, Tokenizer, batches, build_vocab, encode, pad,  # noqa: E402
                       read_lines, source_batch)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_config(path):
    try:
        cfg = with_defaults(yaml.safe_load(open(path, encoding="utf-8")))
    except OSError as e:
        raise SystemExit("cannot read the config %s: %s" % (path, e))
    check_supported(cfg, path)
    d = cfg["data"]
    if not d.get("train_source") or not d.get("train_target"):
        raise SystemExit("%s: the reference needs data.train_source and data.train_target" % path)
    return cfg


def train(cfg, args):
    """Trains the reference's own model; → (model, vocabs, tokenizers, figures)."""
    d, tr = cfg["data"], cfg["train"]
    tokenizers = tuple(Tokenizer(d[side + "_tokenizer"], d.get(side + "_spm_model"))
                       for side in ("source", "target"))
    src = [tokenizers[0].encode(line) for line in read_lines(d["train_source"])]
    tgt = [tokenizers[1].encode(line) for line in read_lines(d["train_target"])]
    if len(src) != len(tgt):
        raise SystemExit("%s and %s differ in lines" % (d["train_source"], d["train_target"]))
    vocabs = tuple(build_vocab(side, d["min_frequency"], d["max_vocab_size"])
                   for side in (src, tgt))
    examples = [(encode(s, vocabs[0]), encode(t, vocabs[1])) for s, t in zip(src, tgt)
                if s and t and len(s) <= d["max_source_length"]
                and len(t) <= d["max_target_length"]]
    model = Seq2Seq(cfg, len(vocabs[0]), len(vocabs[1]))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(trainable, lr=tr["learning_rate"])
    rng = random.Random(args.seed)
    plan = []
    model.train()
    tokens, start = 0, time.perf_counter()
    began, step = start, 0
    for step in range(1, args.steps + 1):
        # --minutes: a wall-clock budget for the training loop (bench/quality's equal minutes).
        if args.minutes and time.perf_counter() - began >= 60 * args.minutes:
            step -= 1
            break
        if not plan:
            plan = batches(examples, tr["batch_size"], 32, rng)
        idx = plan.pop()
        s, lengths = source_batch([examples[i][0] for i in idx])
        tgt_ids = [examples[i][1] for i in idx]
        tgt_in, tgt_out = pad(tgt_ids, prefix=[BOS]), pad(tgt_ids, suffix=[EOS])
        if step == args.warmup + 1:
            start, tokens = time.perf_counter(), 0
        loss = model.loss(s, lengths, tgt_in, tgt_out)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if tr["clip_norm"] > 0:
            nn.utils.clip_grad_norm_(trainable, tr["clip_norm"])
        optimizer.step()
        tokens += sum(len(t) + 1 for t in tgt_ids)
    figures = {"train_target_tokens_per_s": tokens / (time.perf_counter() - start),
               "train_last_loss": loss.item(), "train_peak_rss_mib": peak_rss_mib(),
               "train_steps": step, "train_seconds": time.perf_counter() - began}
    return model, vocabs, tokenizers, figures


def translate(model, cfg, lines, vocabs, tokenizers, beam, batch_size=64):
    """translate_lines: tokenise, sort by length (stable), search batch by batch; → per line
    the output token strings (without </s>), in the input's order."""
    dc = cfg["decode"]
    ids = [encode(tokenizers[0].encode(line), vocabs[0]) for line in lines]
    targets = {i: t for t, i in vocabs[1].items()}
    out = [[] for _ in lines]  # an empty line gives an empty output
    order = sorted((i for i in range(len(lines)) if ids[i]), key=lambda i: len(ids[i]))
    for b in range(0, len(order), batch_size):
        rows = order[b:b + batch_size]
        src, lengths = source_batch([ids[i] for i in rows])
        limits = (float(dc["max_length_ratio"]) * lengths.double()).long() + int(
            dc["max_length_offset"])
        if beam == 1:
            found = model.greedy(src, lengths, limits)
        else:
            found = model.beam(src, lengths, limits, beam, dc["length_penalty"], dc["alpha"])
        for k, n in enumerate(Seq2Seq.output_lengths(found).tolist()):
            out[rows[k]] = [targets[t] for t in found[k, :n].tolist()]
    return out


def decode_figures(model, cfg, vocabs, tokenizers, args):
    """What bench/tools/decode_bench.cc measures, on the same lines: the file's first N."""
    model.eval()
    lines = read_lines(args.decode_source)
    figures = {}
    for name, n, beam in (("greedy", args.decode_lines, 1), ("beam5", args.beam_lines, 5)):
        chosen = lines[:n]
        t0 = time.perf_counter()
        outputs = translate(model, cfg, chosen, vocabs, tokenizers, beam)
        figures[name + "_sentences_per_s"] = len(chosen) / (time.perf_counter() - t0)
        figures[name + "_mean_output_tokens"] = sum(map(len, outputs)) / len(chosen)
    latencies = []
    for line in lines[:args.latency_lines]:
        t0 = time.perf_counter()
        translate(model, cfg, [line], vocabs, tokenizers, 1)
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    figures["batch1_greedy_ms_p50"] = 1000 * latencies[len(latencies) // 2]
    figures["batch1_greedy_ms_p90"] = 1000 * latencies[len(latencies) * 9 // 10]
    return figures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", help="tandem config to train the reference's own model from")
    ap.add_argument("--load-tandem", metavar="DIR",
                    help="decode this tandem model folder's model instead of the trained one")
    ap.add_argument("--intra-threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=400, help="training steps; 0: no training")
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--minutes", type=float, default=0,
                    help="stop training after this many wall-clock minutes of the training loop "
                    "(--steps is then a maximum); 0: no limit")
    ap.add_argument("--decode-source", help="measure decoding on this file's first lines")
    ap.add_argument("--decode-lines", type=int, default=3000)
    ap.add_argument("--beam-lines", type=int, default=640)
    ap.add_argument("--latency-lines", type=int, default=200)
    ap.add_argument("--translate", metavar="FILE", help="translate FILE, every line, in order")
    ap.add_argument("--output", metavar="FILE",
                    help="where --translate writes; with several --beam sizes, a name holding "
                    "{beam}, replaced by each size")
    ap.add_argument("--beam", default="1",
                    help="beam size of --translate, or several separated by commas (e.g. 1,5)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.steps > 0 and not args.config:
        ap.error("training (--steps > 0) needs --config")
    if args.steps > 0 and args.warmup >= args.steps:
        ap.error("--warmup must be below --steps")
    if args.translate and not args.output:
        ap.error("--translate needs --output")
    try:
        beams = [int(b) for b in args.beam.split(",")]
    except ValueError:
        ap.error("--beam: expected sizes separated by commas, got %r" % args.beam)
    if any(b < 1 for b in beams):
        ap.error("--beam: sizes must be at least 1, got %r" % args.beam)
    if len(beams) > 1 and args.output and "{beam}" not in args.output:
        ap.error("--output must hold {beam} when --beam gives several sizes")
    if not (args.steps > 0 or args.load_tandem):
        ap.error("nothing to decode: give --steps > 0 (with --config) or --load-tandem")
    torch.set_num_threads(args.intra_threads)
    torch.manual_seed(args.seed)
    result = {"torch": torch.__version__, "intra_threads": torch.get_num_threads()}
    if args.steps > 0:
        cfg = load_config(args.config)
        result["config"] = args.config
        model, vocabs, tokenizers, figures = train(cfg, args)
        result.update(figures)
    if args.load_tandem:
        cfg, model, vocabs, tokenizers = tandem_io.load_model_dir(args.load_tandem)
        result["decoded_model"] = args.load_tandem
    model.eval()
    if args.decode_source:
        result.update(decode_figures(model, cfg, vocabs, tokenizers, args))
    if args.translate:
        lines = read_lines(args.translate)
        for beam in beams:
            t0 = time.perf_counter()
            outputs = translate(model, cfg, lines, vocabs, tokenizers, beam)
            result["translate_beam%d_seconds" % beam] = time.perf_counter() - t0
            path = args.output.replace("{beam}", str(beam))
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.writelines(tokenizers[1].decode(o) + "\n" for o in outputs)
            os.replace(tmp, path)
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
