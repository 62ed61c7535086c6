#!/usr/bin/env python3
"""Checks that examples/g2p/prepare.py splits by word: no word in two splits, alternates together.

Two parts, both reading the files prepare.py writes:
1. a small synthetic dictionary (a few hundred made-up words, alternates, comments, entries to
   drop) run through prepare.py's own parse/build/write into a temporary folder — always runs,
   offline, in about a second;
2. the real outputs under examples/g2p/data/, if examples/g2p/prepare.sh has been run (a
   sample of 2,000 words per split for the cross-file checks; all words for disjointness);
   skipped with a note otherwise.
Exit status 0 on success, 1 on the first failure (printed).
Usage: python3 tests/examples/g2p_split_test.py
"""

import importlib.util
import os
import random
import sys
import tempfile

sys.dont_write_bytecode = True   # importing prepare.py must leave no __pycache__ behind

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
G2P = os.path.join(ROOT, "examples", "g2p")
SPLITS = ("train", "dev", "test")
VARIANTS = ("stress", "nostress")


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def load_prepare():
    spec = importlib.util.spec_from_file_location("g2p_prepare", os.path.join(G2P, "prepare.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def check_outputs(data, sample=None):
    """Checks the files under data/ (one prepare.py output folder). Returns word counts."""
    rng = random.Random(0)
    words = {}
    for var in VARIANTS:
        words[var] = {}
        for s in SPLITS:
            src = lines(os.path.join(data, var, s + ".src"))
            tgt = lines(os.path.join(data, var, s + ".tgt"))
            check(len(src) == len(tgt), "%s/%s: %d .src lines, %d .tgt lines"
                  % (var, s, len(src), len(tgt)))
            check(len(set(src)) == len(src), "%s/%s.src: a word appears twice" % (var, s))
            words[var][s] = set(src)
            if s == "train":
                continue
            refs = [l.split("\t") for l in lines(os.path.join(data, var, s + ".refs.tsv"))]
            check([r[0] for r in refs] == src, "%s/%s.refs.tsv: words differ from %s.src"
                  % (var, s, s))
            idx = range(len(src)) if sample is None else rng.sample(range(len(src)),
                                                                    min(sample, len(src)))
            for i in idx:
                check(len(refs[i]) >= 2 and refs[i][1] == tgt[i],
                      "%s/%s line %d: .tgt %r is not the first pronunciation in refs.tsv"
                      % (var, s, i + 1, tgt[i]))
        # The split is by word: no word in two splits.
        for i, a in enumerate(SPLITS):
            for b in SPLITS[i + 1:]:
                both = words[var][a] & words[var][b]
                check(not both, "%s: %d word(s) in both %s and %s, e.g. %s"
                      % (var, len(both), a, b, sorted(both)[:5]))
    check(words["stress"] == words["nostress"], "stress/ and nostress/ hold different words")
    # The small subsets come from their own split only.
    for var in VARIANTS:
        for s in ("train", "dev"):
            small = lines(os.path.join(data, var, s + ".small.src"))
            check(small and set(small) <= words[var][s],
                  "%s/%s.small.src has words that are not in %s.src" % (var, s, s))
    return {s: len(words["nostress"][s]) for s in SPLITS}


def synthetic_dict(rng):
    """A made-up cmudict.dict: words with alternates (word(2)), comments and entries to drop."""
    phones = ["AA1", "AE0", "AH0", "B", "D", "EH2", "IY1", "K", "L", "N", "OW1", "R", "S", "T"]
    out, seen = [], set()
    while len(seen) < 600:
        w = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz'") for _ in range(rng.randint(2, 9)))
        if w in seen or not any(c.isalpha() for c in w):
            continue
        seen.add(w)
        for alt in range(rng.choice([1, 1, 1, 2, 3])):
            head = w if alt == 0 else "%s(%d)" % (w, alt + 1)
            pron = " ".join(rng.choice(phones) for _ in range(rng.randint(1, 8)))
            out.append(head + " " + pron + (" # a comment" if rng.random() < 0.05 else ""))
    out += ["a.m. EY1 EH1 M", "able-bodied EY1 B AH0 L B AA1 D IY0"]   # dropped by prepare.py
    rng.shuffle(out)
    return "\n".join(out) + "\n", seen


def test_synthetic(prep):
    rng = random.Random(1)
    text, made = synthetic_dict(rng)
    prep.SMALL_TRAIN_WORDS, prep.SMALL_DEV_WORDS = 50, 5   # the real sizes need the real data
    words, _ = prep.parse(text)
    check(set(words) == made, "parse() kept %d words, expected the %d made-up ones"
          % (len(words), len(made)))
    files, _ = prep.build(words)
    with tempfile.TemporaryDirectory() as out:
        prep.write_if_changed(out, files)
        counts = check_outputs(out)
        # Every pronunciation of a word (all its alternates) lands with it in one split.
        for var in VARIANTS:
            for s in ("dev", "test"):
                for row in lines(os.path.join(out, var, s + ".refs.tsv")):
                    w, prons = row.split("\t")[0], row.split("\t")[1:]
                    want = words[w] if var == "stress" else prep.dedupe(
                        prep.strip_stress(p) for p in words[w])
                    check(prons == want, "%s/%s.refs.tsv: %s has %s, expected %s"
                          % (var, s, w, prons, want))
    check(all(counts[s] > 0 for s in SPLITS), "a split is empty: %s" % counts)
    print("synthetic sample: %d words -> train %d, dev %d, test %d; disjoint"
          % (len(made), counts["train"], counts["dev"], counts["test"]))


def test_real():
    data = os.path.join(G2P, "data")
    if not os.path.isfile(os.path.join(data, "nostress", "test.refs.tsv")):
        print("real data: skipped (run examples/g2p/prepare.sh first)")
        return
    counts = check_outputs(data, sample=2000)
    total = sum(counts.values())
    for s in ("dev", "test"):
        check(counts[s] >= 0.05 * total, "%s has %d of %d words, under 5%%"
              % (s, counts[s], total))
    print("real data: train %d, dev %d, test %d words (test %.2f%%); disjoint"
          % (counts["train"], counts["dev"], counts["test"], 100.0 * counts["test"] / total))


def main():
    try:
        test_synthetic(load_prepare())
        test_real()
    except Failure as e:
        print("FAIL: " + str(e), file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
