# Text side of the PyTorch reference: tandem's tokenizers, vocabularies and length-pooled batches.
"""Mirrors src/data/: the char, word and SentencePiece tokenizers (tokenizer.cc,
spm_tokenizer.cc), Vocab::build and the vocabulary file (vocab.cc), and the batcher's scheme
(batcher.cc: shuffle, sort pools of 32 batches by (source, target) length, cut, shuffle the
batches; the exact permutation differs from tandem's RNG)."""

import torch

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"]
SPACE = "\u2581"  # "▁": the char tokenizer's space, and SentencePiece's word-start mark


class Tokenizer:
    """kind "char" | "word" | "spm" (spm_model: a SentencePiece model file)."""

    def __init__(self, kind, spm_model=None):
        if kind not in ("char", "word", "spm"):
            raise SystemExit("unknown tokenizer '%s'; valid kinds: char, word, spm" % kind)
        self.kind = kind
        self.sp = None
        if kind == "spm":
            if not spm_model:
                raise SystemExit("the spm tokenizer needs a SentencePiece model file")
            try:
                import sentencepiece
            except ImportError:
                raise SystemExit("the spm tokenizer needs python3-sentencepiece "
                                 "(apt-get install python3-sentencepiece)")
            # Debian's python3-sentencepiece and tandem's libsentencepiece are one library
            # (0.1.97 in bookworm): the pieces are the same.
            self.sp = sentencepiece.SentencePieceProcessor(model_file=spm_model)

    def encode(self, line):
        if self.kind == "char":
            return [SPACE if c == " " else SPACE + SPACE if c == SPACE else c for c in line]
        if self.kind == "word":
            return line.split()  # tandem splits at ASCII whitespace; the data holds no other
        return self.sp.encode(line, out_type=str)

    def decode(self, tokens):
        if self.kind == "char":
            return "".join(" " if t == SPACE else SPACE if t == SPACE + SPACE else t
                           for t in tokens)
        if self.kind == "word":
            return " ".join(tokens)
        return "".join(tokens).replace(SPACE, " ").lstrip(" ")  # as SpmTokenizer::decode


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").rstrip("\r") for line in f]


def build_vocab(sentences, min_frequency=1, max_size=0):
    """Vocab::build: specials, then tokens by descending count, ties by byte order."""
    counts = {}
    for s in sentences:
        for t in s:
            counts[t] = counts.get(t, 0) + 1
    ranked = sorted((t for t, c in counts.items() if c >= min_frequency and t not in SPECIALS
                     and not any(ch in t for ch in "\t\n\r")),
                    key=lambda t: (-counts[t], t.encode("utf-8")))
    tokens = SPECIALS + ranked
    if max_size > 0:
        tokens = tokens[:max_size]
    return {t: i for i, t in enumerate(tokens)}


def load_vocab(path):
    """A vocabulary file as tandem writes it: one token per line in id order, specials first."""
    tokens = read_lines(path)
    if tokens and tokens[0].startswith("\ufeff"):
        tokens[0] = tokens[0][1:]
    if tokens[:4] != SPECIALS:
        raise SystemExit("%s: the first four lines must be %s" % (path, " ".join(SPECIALS)))
    vocab = {}
    for n, t in enumerate(tokens, 1):
        if not t or t in vocab:
            raise SystemExit("%s:%d: empty or duplicate token %r" % (path, n, t))
        vocab[t] = n - 1
    return vocab


def encode(tokens, vocab):
    return [vocab.get(t, UNK) for t in tokens]


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
    """Time-major (T, B) id matrix, PAD-filled."""
    seqs = [list(prefix) + list(s) + list(suffix) for s in seqs]
    T = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (T - len(s)) for s in seqs], dtype=torch.long).t()


def source_batch(sources):
    return pad(sources), torch.tensor([len(s) for s in sources])
