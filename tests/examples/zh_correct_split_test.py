#!/usr/bin/env python3
"""Checks that examples/zh-correct/prepare.py splits by clean sentence and only substitutes.

Two parts, both reading the files prepare.py writes:
1. prepare.py run twice on a small sample (--sample 400 clean sentences) into temporary folders:
   the outputs must be identical (deterministic) and pass the checks below. It needs the two
   Debian packages: from the cache ($TANDEM_DATA_CACHE, else examples/zh-correct/data/cache)
   or downloaded with apt-get; without apt-get the test is skipped (exit 77);
2. the real outputs under examples/zh-correct/data/, if prepare.sh has been run; else skipped.
Checks: no clean sentence (compared by its Han characters alone) in two splits, and none of a
test or dev sentence's characters sequence appears as a training source or target; every
target is a clean sentence of its split; source and target have equal length and differ only
in Han characters; each split has both corrupted and untouched pairs.
Exit status 0 on success, 1 on the first failure (printed), 77 when it cannot run here.
Usage: python3 tests/examples/zh_correct_split_test.py
"""

import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "zh-correct")
SPLITS = ("train", "dev", "test")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
FILES = [s + ext for s in SPLITS for ext in (".src", ".tgt", ".clean")]


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def key(sentence):
    """A sentence's Han characters: punctuation differences do not make a new sentence."""
    return "".join(HAN.findall(sentence))


def check_outputs(data):
    """Checks one prepare.py output folder; returns {split: number of pairs}."""
    keys, pairs = {}, {}
    for s in SPLITS:
        src, tgt = lines(os.path.join(data, s + ".src")), lines(os.path.join(data, s + ".tgt"))
        clean = lines(os.path.join(data, s + ".clean"))
        check(len(src) == len(tgt) > 0,
              "%s: %d source lines, %d target lines" % (s, len(src), len(tgt)))
        keys[s] = {key(c) for c in clean}
        check(len(keys[s]) == len(clean), "%s.clean has duplicate sentences" % s)
        clean_set, changed = set(clean), 0
        for n, (a, b) in enumerate(zip(src, tgt), 1):
            check(b in clean_set, "%s.tgt:%d is not a clean %s sentence: %s" % (s, n, s, b))
            check(len(a) == len(b), "%s:%d: source and target differ in length" % (s, n))
            diff = [(x, y) for x, y in zip(a, b) if x != y]
            check(all(HAN.match(x) and HAN.match(y) for x, y in diff),
                  "%s:%d: a non-Han character was changed: %s / %s" % (s, n, a, b))
            changed += bool(diff)
        check(0 < changed < len(src), "%s: %d of %d pairs corrupted; want some of each"
              % (s, changed, len(src)))
        pairs[s] = (src, tgt)
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        both = keys[a] & keys[b]
        check(not both, "%d sentences in both %s and %s, e.g. %s"
              % (len(both), a, b, min(both, default="")))
    train_text = {key(x) for x in pairs["train"][0] + pairs["train"][1]}
    for s in ("dev", "test"):
        leaked = keys[s] & train_text
        check(not leaked, "%d %s sentences appear in training (as source or target), e.g. %s"
              % (len(leaked), s, min(leaked, default="")))
    return {s: len(pairs[s][0]) for s in SPLITS}


def run_prepare(out, cache):
    cmd = [sys.executable, os.path.join(EXAMPLE, "prepare.py"), "--sample", "400",
           "--out", out, "--cache", cache]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check(r.returncode == 0, "'%s' failed (exit %d):\n%s" % (" ".join(cmd), r.returncode, r.stdout))


def main():
    cache = os.environ.get("TANDEM_DATA_CACHE") or os.path.join(EXAMPLE, "data", "cache")
    have_debs = os.path.isdir(cache) and any(n.endswith(".deb") for n in os.listdir(cache))
    if not have_debs and shutil.which("apt-get") is None:
        print("SKIP: no cached .debs in %s and no apt-get to download them" % cache)
        return 77
    try:
        with tempfile.TemporaryDirectory() as tmp:
            one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
            run_prepare(one, cache)
            run_prepare(two, cache)
            same, differ, missing = filecmp.cmpfiles(one, two, FILES, shallow=False)
            check(not differ and not missing, "two runs differ: %s %s" % (differ, missing))
            counts = check_outputs(one)
            print("ok: sample of 400 sentences, deterministic; pairs %s" % counts)
        data = os.path.join(EXAMPLE, "data")
        if os.path.isfile(os.path.join(data, ".prepared")):
            print("ok: %s; pairs %s" % (data, check_outputs(data)))
        else:
            print("skipped %s (run examples/zh-correct/prepare.sh first)" % data)
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
