#!/usr/bin/env python3
"""Scores G2P output against every listed pronunciation: word error rate and phoneme error rate.

WER: a word is correct if its output equals ANY of its listed pronunciations (refs.tsv, written
by prepare.py: `word TAB pron1 TAB pron2 ...`); WER = wrong words / words.
PER: for each word, the Levenshtein distance (phoneme substitutions, insertions, deletions) to
the closest listed pronunciation, summed over words and divided by the summed length of those
closest pronunciations (ties: the one listed first).

Python 3 standard library only.
Usage: python3 evaluate.py --refs data/nostress/test.refs.tsv --hyp test.out [--src test.src]
       [--json] [--errors FILE]
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True   # importing the shared helpers must leave no __pycache__ behind
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import prepare_common  # noqa: E402
from prepare_common import read_lines  # noqa: E402


def die(msg):
    prepare_common.die(msg, "evaluate.py")


def read_refs(path):
    """-> [(word, [pron tokens, ...]), ...] in file order."""
    out = []
    for n, line in enumerate(read_lines(path), 1):
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0] or not all(f.split() for f in fields[1:]):
            die("%s:%d: expected 'word<TAB>pron[<TAB>pron...]', got %r" % (path, n, line))
        out.append((fields[0], [f.split() for f in fields[1:]]))
    return out


def edit_distance(a, b):
    """Levenshtein distance between two token lists (unit costs)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def score(refs, hyps):
    """-> dict of counts and rates, plus the list of wrong words."""
    wrong, errors, ref_len, wrong_words = 0, 0, 0, []
    for (word, prons), hyp in zip(refs, hyps):
        h = hyp.split()
        # Closest pronunciation; min() keeps the first listed among equal distances.
        dist, ref = min(((edit_distance(h, p), p) for p in prons), key=lambda t: t[0])
        errors += dist
        ref_len += len(ref)
        if dist != 0:
            wrong += 1
            wrong_words.append((word, hyp, " | ".join(" ".join(p) for p in prons)))
    n = len(refs)
    return {
        "words": n,
        "wrong_words": wrong,
        "wer": 100.0 * wrong / n if n else 0.0,
        "phoneme_errors": errors,
        "reference_phonemes": ref_len,
        "per": 100.0 * errors / ref_len if ref_len else 0.0,
        "words_with_several_prons": sum(1 for _, p in refs if len(p) > 1),
    }, wrong_words


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--refs", required=True, help="refs.tsv from prepare.py")
    ap.add_argument("--hyp", required=True, help="model output, one pronunciation per line")
    ap.add_argument("--src", help="the words given to the model; checked against refs.tsv")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--errors", help="write the wrong words here: word TAB output TAB refs")
    args = ap.parse_args()

    refs = read_refs(args.refs)
    hyps = read_lines(args.hyp)
    if len(hyps) != len(refs):
        die("%s has %d lines but %s has %d" % (args.hyp, len(hyps), args.refs, len(refs)))
    if args.src:
        src = read_lines(args.src)
        if len(src) != len(refs):
            die("%s has %d lines but %s has %d" % (args.src, len(src), args.refs, len(refs)))
        for n, (s, (w, _)) in enumerate(zip(src, refs), 1):
            if s != w:
                die("line %d: %s has %r but %s has %r" % (n, args.src, s, args.refs, w))

    result, wrong_words = score(refs, hyps)
    if args.errors:
        tmp = args.errors + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.writelines("\t".join(t) + "\n" for t in wrong_words)
        os.replace(tmp, args.errors)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print("words %d  WER %.2f%% (%d wrong)  PER %.2f%% (%d edits / %d phonemes)"
              % (result["words"], result["wer"], result["wrong_words"], result["per"],
                 result["phoneme_errors"], result["reference_phonemes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
