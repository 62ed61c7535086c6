#!/usr/bin/env python3
"""Checks examples/dates/prepare.py's outputs: splits disjoint by day and by input, labels sane.

Runs the prepare script into a temporary folder (stdlib only, no network, a few seconds), then
reads back the files it wrote. Exits non-zero, naming what failed, on any violation.
Usage: python3 tests/examples/dates_split_test.py
"""

import datetime
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PREPARE = os.path.join(ROOT, "examples", "dates", "prepare.py")
SPLITS = ("train", "dev", "test")
FAMILIES = {"en-numeric", "en-month", "zh"}
ZH_DIGITS = "〇一二三四五六七八九"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    check(text.endswith("\n") and "\n\n" not in text, "%s: empty line or no final newline" % path)
    return text.splitlines()


def read_split(out, name):
    src = read_lines(os.path.join(out, name + ".src"))
    tgt = read_lines(os.path.join(out, name + ".tgt"))
    check(len(src) == len(tgt) and src, "%s: %d sources, %d targets" % (name, len(src), len(tgt)))
    for i, t in enumerate(tgt):
        try:
            ok = datetime.date.fromisoformat(t).isoformat() == t
        except ValueError:
            ok = False
        if not ok:
            check(False, "%s.tgt:%d: not an ISO 8601 date: %r" % (name, i + 1, t))
            break
    return src, tgt


def year_is_written(src, year):
    """The target's year is in the source: 4 or 2 Arabic digits, or Chinese digit by digit."""
    zh = "".join(ZH_DIGITS[int(c)] for c in year)
    return (year in src or year[2:] in src or zh in src or zh.replace("〇", "零") in src)


def main():
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([sys.executable, PREPARE, "--out", out], capture_output=True, text=True)
        check(r.returncode == 0, "prepare.py failed (%d): %s" % (r.returncode, r.stderr))
        if r.returncode:
            return 1
        data = {s: read_split(out, s) for s in SPLITS}

        # The split: no calendar day and no input string in two splits.
        days = {s: set(data[s][1]) for s in SPLITS}
        inputs = {s: set(data[s][0]) for s in SPLITS}
        for i, a in enumerate(SPLITS):
            for b in SPLITS[i + 1:]:
                both = days[a] & days[b]
                check(not both, "days in both %s and %s: %s" % (a, b, sorted(both)[:5]))
                both = inputs[a] & inputs[b]
                check(not both, "inputs in both %s and %s: %s" % (a, b, sorted(both)[:5]))
        for s in SPLITS:
            check(len(inputs[s]) == len(data[s][0]), "%s: duplicate inputs" % s)
        check(len(days["test"]) > 1000 and len(days["train"]) > 10 * len(days["test"]),
              "split sizes: %s" % {s: len(d) for s, d in days.items()})

        # The validation subset is part of dev; the test table matches test.src/.tgt and
        # names a family for each line, every family present.
        small = read_split(out, "dev.small")
        check(set(small[0]) <= inputs["dev"], "dev.small has lines that are not in dev")
        rows = [l.split("\t") for l in read_lines(os.path.join(out, "test.tsv"))]
        check([r[:2] for r in rows] == [list(p) for p in zip(*data["test"])],
              "test.tsv columns 1-2 differ from test.src/test.tgt")
        check({r[2] for r in rows} == FAMILIES, "test families: %s" % {r[2] for r in rows})

        # Labels on a fixed sample: the year is written in the source, and a weekday named in
        # the source is the target day's weekday.
        rng = random.Random(7)
        for s in SPLITS:
            src, tgt = data[s]
            for i in rng.sample(range(len(src)), 300):
                day = datetime.date.fromisoformat(tgt[i])
                check(year_is_written(src[i], tgt[i][:4]),
                      "%s:%d: year of %s not in %r" % (s, i + 1, tgt[i], src[i]))
                named = [w for w in WEEKDAYS if re.search(r"\b%s" % w[:3], src[i])]
                check(named in ([], [WEEKDAYS[day.weekday()]]),
                      "%s:%d: weekday in %r is not that of %s" % (s, i + 1, src[i], tgt[i]))

        # Deterministic and idempotent: a second run finds everything up to date, says nothing.
        r = subprocess.run([sys.executable, PREPARE, "--out", out], capture_output=True, text=True)
        check(r.returncode == 0 and r.stderr == "",
              "second run was not a quiet no-op: %r" % r.stderr)

    print("dates split test: %s" % ("FAILED (%d)" % len(failures) if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
