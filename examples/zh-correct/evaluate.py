#!/usr/bin/env python3
"""Scores Chinese spelling correction: sentence accuracy, false alarms, and character- and
sentence-level detection/correction precision, recall and F1 (as in the SIGHAN bake-offs).

Input: three line-aligned files — source (the corrupted input), target (the clean reference)
and hyp (the system output). Errors are substitutions, so source and target lines must have the
same length. A hypothesis may differ in length; it is then aligned to the source with difflib,
and every source character inside an unequal-length edit counts as flagged and wrongly
corrected. Definitions are in README.md. Python 3 standard library only.

Usage: python3 evaluate.py --source S --target T --hyp H [--json]
"""

import argparse
import difflib
import json
import sys


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.rstrip("\n") for line in f]
    except (OSError, UnicodeDecodeError) as e:
        sys.exit("evaluate.py: error: cannot read %s: %s" % (path, e))


def hyp_edits(src, hyp):
    """{source position: the character the hypothesis puts there, or None if not 1:1}."""
    if len(hyp) == len(src):
        return {i: h for i, (s, h) in enumerate(zip(src, hyp)) if s != h}
    edits = {}
    matcher = difflib.SequenceMatcher(None, src, hyp, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            edits.update({i1 + k: hyp[j1 + k] for k in range(i2 - i1)})
        elif i1 == i2:   # pure insertion: flag the neighbouring source character
            edits[min(i1, len(src) - 1)] = None
        else:
            edits.update({i: None for i in range(i1, i2)})
    return edits


def prf(tp, flagged, gold):
    """Precision is undefined (None) when nothing is flagged; F1 then counts it as 0."""
    p = tp / flagged if flagged else None
    r = tp / gold if gold else None
    f = 2 * p * r / (p + r) if p and r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def score(sources, targets, hyps):
    c = dict.fromkeys(["sentences", "exact", "clean", "clean_untouched", "corrupted",
                       "corrupted_fixed", "length_changed", "gold_chars", "flagged_chars",
                       "detected_chars", "corrected_chars", "flagged_sentences",
                       "detected_sentences", "corrected_sentences"], 0)
    for n, (src, tgt, hyp) in enumerate(zip(sources, targets, hyps), 1):
        if len(src) != len(tgt):
            sys.exit("evaluate.py: error: line %d: source and target differ in length "
                     "(%d vs %d); errors must be substitutions" % (n, len(src), len(tgt)))
        gold = {i for i, (s, t) in enumerate(zip(src, tgt)) if s != t}
        edits = hyp_edits(src, hyp)
        c["sentences"] += 1
        c["exact"] += hyp == tgt
        c["length_changed"] += len(hyp) != len(src)
        if gold:
            c["corrupted"] += 1
            c["corrupted_fixed"] += hyp == tgt
        else:
            c["clean"] += 1
            c["clean_untouched"] += hyp == src
        c["gold_chars"] += len(gold)
        c["flagged_chars"] += len(edits)
        c["detected_chars"] += len(gold & edits.keys())
        c["corrected_chars"] += sum(1 for i in gold & edits.keys() if edits[i] == tgt[i])
        if edits:
            c["flagged_sentences"] += 1
            if gold:
                c["detected_sentences"] += set(edits) == gold
                c["corrected_sentences"] += hyp == tgt
    return c


def report(c):
    div = lambda a, b: a / b if b else None
    return {
        "counts": c,
        "sentence_accuracy": div(c["exact"], c["sentences"]),
        "corrupted_sentences_fixed": div(c["corrupted_fixed"], c["corrupted"]),
        "clean_sentences_untouched": div(c["clean_untouched"], c["clean"]),
        "false_alarm_rate": div(c["clean"] - c["clean_untouched"], c["clean"]),  # 1 - untouched
        "char_detection": prf(c["detected_chars"], c["flagged_chars"], c["gold_chars"]),
        "char_correction": prf(c["corrected_chars"], c["flagged_chars"], c["gold_chars"]),
        "sentence_detection": prf(c["detected_sentences"], c["flagged_sentences"],
                                  c["corrupted"]),
        "sentence_correction": prf(c["corrected_sentences"], c["flagged_sentences"],
                                   c["corrupted"]),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--hyp", required=True)
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = ap.parse_args()
    sources, targets, hyps = (read_lines(p) for p in (args.source, args.target, args.hyp))
    if not len(sources) == len(targets) == len(hyps):
        sys.exit("evaluate.py: error: line counts differ: %s %d, %s %d, %s %d" % (
            args.source, len(sources), args.target, len(targets), args.hyp, len(hyps)))
    r = report(score(sources, targets, hyps))
    if args.json:
        print(json.dumps(r, indent=1))
        return
    c = r["counts"]
    pct = lambda x: "  n/a " if x is None else "%5.1f%%" % (100 * x)
    print("sentences %d (%d corrupted, %d clean); %d gold error characters; "
          "%d outputs changed length" % (c["sentences"], c["corrupted"], c["clean"],
                                         c["gold_chars"], c["length_changed"]))
    print("sentence accuracy (output == reference)   %s" % pct(r["sentence_accuracy"]))
    print("  corrupted sentences fully corrected      %s" % pct(r["corrupted_sentences_fixed"]))
    print("  clean sentences left untouched           %s  (false-alarm rate %s)" % (
        pct(r["clean_sentences_untouched"]), pct(r["false_alarm_rate"])))
    print("%-22s %9s %9s %9s" % ("", "precision", "recall", "F1"))
    for name in ("char_detection", "char_correction", "sentence_detection",
                 "sentence_correction"):
        m = r[name]
        print("%-22s %9s %9s %9s" % (name.replace("_", " "), pct(m["precision"]),
                                      pct(m["recall"]), pct(m["f1"])))


if __name__ == "__main__":
    main()
