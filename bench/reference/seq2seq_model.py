# The PyTorch reference model: tandem's RNN encoder–decoder with attention, its loss and searches.
"""Mirrors src/model/ (encoder.cc, decoder.cc, seq2seq.cc), src/nn/ (rnn_cell.cc, linear.cc,
additive_attention.cc, dot_attention.cc, init.cc) and src/decode/ (greedy.cc, beam.cc); the
header of torch_seq2seq.py lists the modelling choices."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from text_data import BOS, EOS, PAD

# The option values of src/io/options_registry.cc that the reference reads, at their defaults.
DEFAULTS = {
    "model": {"cell": "gru", "embedding_size": 128, "attention": "bahdanau",
              "attention_size": 0, "input_feeding": False, "bridge": "final",
              "tie_embeddings": False, "dropout": 0.1, "embedding_dropout": 0.0,
              "encoder": {"hidden_size": 256, "layers": 1, "bidirectional": True},
              "decoder": {"hidden_size": 256, "layers": 1}},
    "data": {"source_tokenizer": "char", "target_tokenizer": "char", "min_frequency": 1,
             "max_vocab_size": 0, "max_source_length": 100, "max_target_length": 100},
    "train": {"batch_size": 64, "batch_by": "sentences", "optimizer": "adam",
              "learning_rate": 0.001, "weight_decay": 0.0, "lr_schedule": "constant",
              "warmup_steps": 0, "clip_norm": 5.0, "label_smoothing": 0.0,
              "teacher_forcing": 1.0, "teacher_forcing_final": 1.0, "seed": 1},
    "decode": {"max_length_ratio": 2.0, "max_length_offset": 10, "length_penalty": "average",
               "alpha": 0.6, "min_length": 0, "no_repeat_ngram": 0},
}


def with_defaults(cfg, defaults=DEFAULTS):
    """The config with every key the reference reads, filled from tandem's defaults."""
    out = {}
    for k, v in defaults.items():
        given = (cfg or {}).get(k)
        out[k] = with_defaults(given, v) if isinstance(v, dict) else (v if given is None else given)
    for k, v in (cfg or {}).items():
        out.setdefault(k, v)
    return out


def check_supported(cfg, config_path):
    """Options tandem has and the reference does not implement: refuse rather than differ."""
    m, t, d = cfg["model"], cfg["train"], cfg["decode"]
    wrong = []
    for key, value, allowed in (
            ("model.cell", m["cell"], ("gru", "lstm")),
            ("model.attention", m["attention"], ("bahdanau", "luong-dot", "luong-general")),
            ("model.bridge", m["bridge"], ("final",)),
            ("model.tie_embeddings", m["tie_embeddings"], (False,)),
            ("model.decoder.layers", m["decoder"]["layers"], (1,)),
            ("train.batch_by", t["batch_by"], ("sentences",)),
            ("train.optimizer", t["optimizer"], ("adam",)),
            ("train.weight_decay", t["weight_decay"], (0, 0.0)),
            ("train.lr_schedule", t["lr_schedule"], ("constant",)),
            ("train.warmup_steps", t["warmup_steps"], (0,)),
            ("train.label_smoothing", t["label_smoothing"], (0, 0.0)),
            ("train.teacher_forcing", t["teacher_forcing"], (1, 1.0)),
            ("train.teacher_forcing_final", t["teacher_forcing_final"], (1, 1.0)),
            ("decode.length_penalty", d["length_penalty"], ("none", "average", "gnmt")),
            ("decode.min_length", d["min_length"], (0,)),
            ("decode.no_repeat_ngram", d["no_repeat_ngram"], (0,))):
        if value not in allowed:
            wrong.append("%s: %r (the reference implements %s)" % (
                key, value, ", ".join(repr(a) for a in allowed)))
    if wrong:
        raise SystemExit("%s: options the PyTorch reference does not implement:\n  %s" % (
            config_path, "\n  ".join(wrong)))


class Seq2Seq(nn.Module):
    def __init__(self, cfg, src_vocab, tgt_vocab):
        super().__init__()
        m = cfg["model"]
        enc, dec = m["encoder"], m["decoder"]
        self.cell = m["cell"]
        self.attention = m["attention"]
        self.input_feeding = bool(m["input_feeding"])
        E, H, D = m["embedding_size"], enc["hidden_size"], dec["hidden_size"]
        self.dirs = 2 if enc["bidirectional"] else 1
        self.enc_layers = enc["layers"]
        memory = self.dirs * H
        A = m["attention_size"] or D
        rnn = nn.GRU if self.cell == "gru" else nn.LSTM
        cell = nn.GRUCell if self.cell == "gru" else nn.LSTMCell
        self.src_emb = nn.Embedding(src_vocab, E)
        self.tgt_emb = nn.Embedding(tgt_vocab, E)
        self.emb_dropout = nn.Dropout(m["embedding_dropout"])
        self.encoder = rnn(E, H, num_layers=self.enc_layers, bidirectional=self.dirs == 2,
                           dropout=m["dropout"] if self.enc_layers > 1 else 0.0)
        self.bridge_h = nn.Linear(self.dirs * H, D)
        self.bridge_c = nn.Linear(self.dirs * H, D) if self.cell == "lstm" else None
        self.att_query = self.att_key = self.att_v = None
        if self.attention == "bahdanau":
            self.att_query = nn.Linear(D, A, bias=False)
            self.att_key = nn.Linear(memory, A)
            self.att_v = nn.Parameter(torch.empty(A))
        elif self.attention == "luong-general":
            self.att_key = nn.Linear(memory, D, bias=False)
        elif memory != D:
            raise SystemExit("luong-dot attention needs the decoder state (%d) and the encoder "
                             "output (%d) of one size" % (D, memory))
        rnn_in = E + (memory if self.attention == "bahdanau" else 0) + (
            D if self.input_feeding else 0)
        self.decoder = cell(rnn_in, D)
        self.combine = nn.Linear(D + memory, D, bias=False)  # tandem's combine has no bias
        self.dropout = nn.Dropout(m["dropout"])
        self.out = nn.Linear(D, tgt_vocab)
        self.init_like_tandem()

    @torch.no_grad()
    def init_like_tandem(self):
        """tandem's initial distributions (src/nn/init.cc), not its random stream: Xavier
        weights and zero biases, per-gate orthogonal W_hh, LSTM forget-gate bias 1, embeddings
        U(±0.1), attention v U(±1/√A). PyTorch's LSTM has a second, redundant bias (bias_hh):
        it is held at zero and frozen, so the parameters are tandem's."""
        for e in (self.src_emb, self.tgt_emb):
            nn.init.uniform_(e.weight, -0.1, 0.1)
        for lin in (self.bridge_h, self.bridge_c, self.att_query, self.att_key, self.combine,
                    self.out):
            if lin is not None:
                nn.init.xavier_uniform_(lin.weight)
                if lin.bias is not None:
                    nn.init.zeros_(lin.bias)
        if self.att_v is not None:
            a = 1 / math.sqrt(self.att_v.numel())
            nn.init.uniform_(self.att_v, -a, a)
        G = 3 if self.cell == "gru" else 4
        for name, p in list(self.encoder.named_parameters()) + [
                (n, p) for n, p in self.decoder.named_parameters()]:
            if name.startswith("weight_ih"):
                nn.init.xavier_uniform_(p)
            elif name.startswith("weight_hh"):
                for block in p.chunk(G, 0):
                    nn.init.orthogonal_(block)
            else:
                nn.init.zeros_(p)
                if self.cell == "lstm" and name.startswith("bias_ih"):
                    p[p.numel() // 4:p.numel() // 2] = 1.0
                if self.cell == "lstm" and name.startswith("bias_hh"):
                    p.requires_grad_(False)

    def encode(self, src, lengths):
        """src (S, B) padded ids, lengths (B,) → batch-first memory (B, S, dirs·H), attention
        keys, mask (B, S), the decoder's initial state."""
        packed = pack_padded_sequence(self.emb_dropout(self.src_emb(src)), lengths,
                                      enforce_sorted=False)
        out, last = self.encoder(packed)
        memory, _ = pad_packed_sequence(out, batch_first=True, total_length=src.size(0))

        # Bridge "final": decoder layer 0 starts from encoder layer 0's last states (tandem's
        # Decoder::bridge takes layer min(l, last)); h through tanh, LSTM's c from the last c's.
        def first_layer(states):
            return torch.cat([states[d] for d in range(self.dirs)], dim=1)

        if self.cell == "lstm":
            state = (torch.tanh(self.bridge_h(first_layer(last[0]))),
                     self.bridge_c(first_layer(last[1])))
        else:
            state = torch.tanh(self.bridge_h(first_layer(last)))
        keys = memory if self.att_key is None else self.att_key(memory)  # once per batch
        mask = src.t().ne(PAD)
        feed = memory.new_zeros(src.size(1), self.out.in_features) if self.input_feeding else None
        return memory, keys, mask, (state, feed)

    def attend(self, query, memory, keys, mask):
        if self.attention == "bahdanau":  # Bahdanau et al. 2015, A.1.2
            scores = torch.tanh(keys + self.att_query(query).unsqueeze(1)) @ self.att_v
        else:  # Luong et al. 2015, §3.1: dot / general (keys = W_a·memory precomputed)
            scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)
        return torch.bmm(weights.unsqueeze(1), memory).squeeze(1), weights

    def step(self, prev, dec_state, memory, keys, mask):
        """One decoder step (Decoder::step): prev (B,) ids → attentional vector (B, D) and the
        new (rnn state, input feed)."""
        state, feed = dec_state
        inputs = [self.emb_dropout(self.tgt_emb(prev))]
        if self.attention == "bahdanau":  # attends with the state before the step
            h = state[0] if self.cell == "lstm" else state
            context, _ = self.attend(h, memory, keys, mask)
            inputs.append(context)
        if self.input_feeding:
            inputs.append(feed)
        state = self.decoder(torch.cat(inputs, dim=1), state)
        h = state[0] if self.cell == "lstm" else state
        if self.attention != "bahdanau":  # Luong: attends with the new state
            context, _ = self.attend(h, memory, keys, mask)
        features = torch.tanh(self.combine(torch.cat([h, context], dim=1)))
        return features, (state, features if self.input_feeding else None)

    def loss(self, src, lengths, tgt_in, tgt_out):
        memory, keys, mask, dec_state = self.encode(src, lengths)
        features = []
        for t in range(tgt_in.size(0)):
            f, dec_state = self.step(tgt_in[t], dec_state, memory, keys, mask)
            features.append(f)
        logits = self.out(self.dropout(torch.stack(features)))  # all steps in one GEMM
        return F.cross_entropy(logits.view(-1, logits.size(-1)), tgt_out.reshape(-1),
                               ignore_index=PAD)

    def log_probs(self, features):
        """next_token_log_probs: log-softmax of the output layer, <pad> and <s> never chosen."""
        logp = torch.log_softmax(self.out(features), dim=1)
        logp[:, PAD] = -math.inf
        logp[:, BOS] = -math.inf
        return logp

    @staticmethod
    def reorder(dec_state, rows):
        state, feed = dec_state
        state = tuple(s[rows] for s in state) if isinstance(state, tuple) else state[rows]
        return state, None if feed is None else feed[rows]

    @torch.no_grad()
    def greedy(self, src, lengths, limits):
        """greedy_search: argmax per row; row b ends on </s> or is ended at step limits[b].
        Returns (B, T) ids, </s>-padded."""
        memory, keys, mask, dec_state = self.encode(src, lengths)
        B = src.size(1)
        prev = torch.full((B,), BOS, dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        out = []
        for t in range(int(limits.max()) + 1):
            f, dec_state = self.step(prev, dec_state, memory, keys, mask)
            best = self.out(f)
            best[:, PAD] = -math.inf
            best[:, BOS] = -math.inf
            best = best.argmax(1)  # the first of equal maxima, like std::max_element
            best = torch.where(limits.eq(t) | done, torch.full_like(best, EOS), best)
            out.append(best)
            done |= best.eq(EOS)
            prev = best
            if done.all():
                break
        return torch.stack(out, 1)

    @torch.no_grad()
    def beam(self, src, lengths, limits, K, penalty="average", alpha=0.6):
        """beam_search, vectorised over B sentences × K beams: per step each sentence's best 2K
        extensions (summed log-probabilities) in order refill its K beams, and those ending in
        </s> are set aside as finished (while it has fewer than K); a sentence is done with K
        finished or nothing left to extend; the answer is its best finished hypothesis by
        normalised score (ties: the earliest found). Returns (B, T) ids, </s>-padded."""
        memory, keys, mask, dec_state = self.encode(src, lengths)
        B = src.size(1)
        every = torch.arange(B * K) // K
        memory, keys, mask = memory[every], keys[every], mask[every]
        dec_state = self.reorder(dec_state, every)
        longest = int(limits.max())
        scores = torch.full((B, K), -math.inf)
        scores[:, 0] = 0.0  # only beam 0 is alive at first
        prev = torch.full((B * K,), BOS, dtype=torch.long)
        history = torch.zeros(B * K, 0, dtype=torch.long)
        base = (torch.arange(B) * K).unsqueeze(1)
        n_finished = torch.zeros(B, dtype=torch.long)
        best_score = torch.full((B,), -math.inf)
        best = torch.full((B, longest + 1), EOS, dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        positions = torch.arange(2 * K)
        for t in range(longest + 1):
            f, dec_state = self.step(prev, dec_state, memory, keys, mask)
            logp = self.log_probs(f).view(B, K, -1)
            V = logp.size(2)
            at_limit = limits.eq(t)
            if at_limit.any():  # out of room: only </s>
                eos = logp[:, :, EOS].clone()
                logp[at_limit] = -math.inf
                logp[:, :, EOS] = torch.where(at_limit.unsqueeze(1), eos, logp[:, :, EOS])
            cand, idx = (scores.unsqueeze(2) + logp).view(B, K * V).topk(2 * K, dim=1)
            token, beam = idx % V, idx // V
            valid = cand.isfinite()
            is_eos = valid & token.eq(EOS)
            extends = valid & ~token.eq(EOS)
            ext_before = extends.long().cumsum(1) - extends.long()
            considered = ext_before < K  # stops at the K-th extension, as tandem's loop does
            accept = is_eos & considered
            accept &= (n_finished.unsqueeze(1) + accept.long().cumsum(1)) <= K
            # The first accepted </s> is the step's best (same length, highest score).
            has_new = accept.any(1)
            first = accept.long().argmax(1)
            new_score = cand.gather(1, first.unsqueeze(1)).squeeze(1) / self.length_norm(
                t + 1, penalty, alpha)
            better = has_new & (new_score > best_score)
            if better.any():
                rows = (base.squeeze(1) + beam.gather(1, first.unsqueeze(1)).squeeze(1))[better]
                best[better, :t] = history[rows]
                best[better, t:] = EOS
                best_score = torch.where(better, new_score, best_score)
            n_finished += accept.long().sum(1)
            picked = extends & considered
            done |= (n_finished >= K) | ~picked.any(1)
            if done.all():
                break
            # The picked extensions, in order, become beams 0.. of their sentence.
            order = torch.sort((~picked).long() * 2 * K + positions, dim=1).indices[:, :K]
            slot_ok = picked.gather(1, order) & ~done.unsqueeze(1)
            scores = torch.where(slot_ok, cand.gather(1, order), torch.full_like(scores, -math.inf))
            rows = torch.where(slot_ok, base + beam.gather(1, order),
                               base + torch.arange(K)).view(-1)
            prev = torch.where(slot_ok, token.gather(1, order),
                               torch.full_like(order, EOS)).view(-1)
            dec_state = self.reorder(dec_state, rows)
            history = torch.cat([history[rows], prev.unsqueeze(1)], dim=1)
        return best

    @staticmethod
    def length_norm(length, penalty, alpha):
        if penalty == "none":
            return 1.0
        if penalty == "gnmt":  # Wu et al. 2016, eq. 14
            return ((5.0 + length) / 6.0) ** alpha
        return float(max(length, 1))

    @staticmethod
    def output_lengths(outputs):
        """Tokens before the first </s> of each row of a (B, T) id matrix."""
        return (~outputs.eq(EOS).cumsum(1).gt(0)).sum(1)
