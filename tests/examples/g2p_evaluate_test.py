#!/usr/bin/env python3
"""Checks examples/g2p/evaluate.py on hand-worked cases: any listed pronunciation counts, PER
uses the closest one, and bad input stops with a message naming the file.
Exit status 0 on success, 1 on failure. Usage: python3 tests/examples/g2p_evaluate_test.py
"""

import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EVALUATE = os.path.join(ROOT, "examples", "g2p", "evaluate.py")

REFS = ("read\tR IY D\tR EH D\n"      # two pronunciations; the second is output -> correct
        "cat\tK AE T\n"                # one substitution -> 1 error over 3
        "either\tIY DH ER\tAY DH ER\n"  # output 'AY DH ER Z': closest is the 2nd, 1 insertion
        "a\tAH\tEY\n")                 # empty output: 1 deletion against a 1-phoneme pron
HYPS = "R EH D\nK AH T\nAY DH ER Z\n\n"


def run(args):
    return subprocess.run([sys.executable, EVALUATE] + args, capture_output=True, text=True)


def main():
    failures = []

    def expect(cond, msg):
        if not cond:
            failures.append(msg)

    with tempfile.TemporaryDirectory() as d:
        refs, hyp, short, src = (os.path.join(d, n) for n in ("r.tsv", "h", "short", "src"))
        for path, text in ((refs, REFS), (hyp, HYPS), (short, "R EH D\n"),
                           (src, "read\ncat\neither\nan\n")):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)

        r = run(["--refs", refs, "--hyp", hyp, "--json"])
        expect(r.returncode == 0, "evaluate.py failed: " + r.stderr)
        if r.returncode == 0:
            got = json.loads(r.stdout)
            # Wrong: cat, either, a -> 3 of 4. Errors 0 + 1 + 1 + 1 over 3 + 3 + 3 + 1 phonemes.
            expect(got["words"] == 4 and got["wrong_words"] == 3, "WER counts: %s" % got)
            expect(abs(got["wer"] - 75.0) < 1e-9, "WER: %s" % got["wer"])
            expect(got["phoneme_errors"] == 3 and got["reference_phonemes"] == 10,
                   "PER counts: %s" % got)
            expect(abs(got["per"] - 30.0) < 1e-9, "PER: %s" % got["per"])

        r = run(["--refs", refs, "--hyp", short])
        expect(r.returncode == 1 and "has 1 lines" in r.stderr,
               "a short hypothesis file must fail naming it: %r" % r.stderr)
        r = run(["--refs", refs, "--hyp", hyp, "--src", src])
        expect(r.returncode == 1 and "line 4" in r.stderr,
               "a --src that differs from refs.tsv must fail naming the line: %r" % r.stderr)
        r = run(["--refs", hyp, "--hyp", hyp])
        expect(r.returncode == 1 and ":1:" in r.stderr,
               "a malformed refs file must fail naming file:line: %r" % r.stderr)

    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if not failures:
        print("ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
