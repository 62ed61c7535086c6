#!/usr/bin/env python3
"""Exact-match accuracy of date outputs, overall, per format family and (with --formats) per format.

Reads the test table written by prepare.py (source TAB reference TAB family TAB format) and the
model's outputs, one per line in the same order; prints a Markdown table. `tandem eval -m exact`
gives the overall figure; this adds the breakdown, which needs the family column.

Usage: python3 evaluate.py TABLE.tsv HYPOTHESES [--formats] [--errors N]
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True   # importing the shared helpers must leave no __pycache__ behind
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import prepare_common  # noqa: E402
from prepare_common import read_lines  # noqa: E402


def die(msg):
    prepare_common.die(msg, "evaluate.py")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("table", help="test.tsv from prepare.py")
    ap.add_argument("hypotheses", help="the model's outputs, one per line")
    ap.add_argument("--formats", action="store_true", help="also one row per format")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print N wrong outputs")
    args = ap.parse_args()

    rows = []
    for i, line in enumerate(read_lines(args.table)):
        cols = line.split("\t")
        if len(cols) != 4:
            die("%s:%d: expected 4 tab-separated fields (source, reference, family, format), "
                "found %d" % (args.table, i + 1, len(cols)))
        rows.append(cols)
    hyps = read_lines(args.hypotheses)
    if len(hyps) != len(rows):
        die("%s has %d lines but %s has %d" % (args.hypotheses, len(hyps), args.table, len(rows)))

    groups = {}   # "all", a family, or "family / format" -> [correct, total]
    wrong = []
    for (src, ref, family, fmt), hyp in zip(rows, hyps):
        ok = hyp.strip() == ref
        keys = ["all", family] + (["%s / %s" % (family, fmt)] if args.formats else [])
        for k in keys:
            g = groups.setdefault(k, [0, 0])
            g[0] += ok
            g[1] += 1
        if not ok:
            wrong.append((src, hyp, ref))

    print("| set | lines | correct | exact match |")
    print("|---|---:|---:|---:|")
    order = sorted(groups, key=lambda k: (k != "all", " / " in k, k))
    for k in order:
        c, n = groups[k]
        print("| %s | %d | %d | %.2f%% |" % (k, n, c, 100.0 * c / n))
    for src, hyp, ref in wrong[:args.errors]:
        print("wrong: %s -> %s (reference %s)" % (src, hyp, ref))
    return 0


if __name__ == "__main__":
    sys.exit(main())
