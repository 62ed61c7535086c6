#!/usr/bin/env python3
# Checks that examples/translate-de/prepare.py splits by package and never leaks a source into dev/test.
"""Run: python3 tests/examples/translate_de_split_test.py   (exit status 0 = pass)

1. Builds a small sample of .mo catalogs for 14 made-up packages (with messages shared between
   packages, contexts, plurals, a header, untranslated and multi-line entries), runs prepare.py
   on them with --mo-dir, and checks its outputs: every package in one split only, no source
   (by prepare.py's source key) of dev or test in train or in the other held-out split,
   line-aligned files, one message per line; then that a second run changes nothing.
2. If examples/translate-de/data/ has been prepared from the real packages, checks the same
   invariants on those outputs.
"""

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "translate-de")
sys.dont_write_bytecode = True   # the imports below must leave no __pycache__ behind
sys.path.insert(0, EXAMPLE)
from mo import read_mo, write_mo  # noqa: E402
from prepare import SPLITS, source_key  # noqa: E402

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def read_split(out, s):
    cols = {}
    for ext in ("src", "tgt", "origin"):
        with open(os.path.join(out, "%s.%s" % (s, ext)), encoding="utf-8") as f:
            text = f.read()
        check(text == "" or text.endswith("\n"), "%s.%s does not end with a newline" % (s, ext))
        cols[ext] = text.split("\n")[:-1]
    n = len(cols["src"])
    check(len(cols["tgt"]) == n and len(cols["origin"]) == n,
          "%s: .src/.tgt/.origin have %d/%d/%d lines"
          % (s, n, len(cols["tgt"]), len(cols["origin"])))
    return [(o.split("\t")[0], a, b) for o, a, b in zip(cols["origin"], cols["src"], cols["tgt"])]


def check_outputs(out, label):
    """The split invariants on prepare.py's outputs in `out`; -> {split: rows}."""
    rows = {s: read_split(out, s) for s in SPLITS}
    pkgs = {s: {r[0] for r in rows[s]} for s in SPLITS}
    keys = {s: [source_key(r[1]) for r in rows[s]] for s in SPLITS}
    for i, a in enumerate(SPLITS):
        for b in SPLITS[i + 1:]:
            both = pkgs[a] & pkgs[b]
            check(not both, "%s: packages in both %s and %s: %s" % (label, a, b, sorted(both)))
            both = set(keys[a]) & set(keys[b])
            check(not both, "%s: sources in both %s and %s: %s"
                  % (label, a, b, sorted(both)[:5]))
    for s in ("dev", "test"):
        check(len(set(keys[s])) == len(keys[s]), "%s: a source twice in %s" % (label, s))
    for s in SPLITS:
        for pkg, src, tgt in rows[s]:
            check(src and tgt and "\t" not in src + tgt and "\r" not in src + tgt,
                  "%s: bad line in %s: %r -> %r" % (label, s, src, tgt))
    return rows


def sample_catalogs(mo_dir):
    """14 packages; every one shares "Open File" and "Quit" and its own messages."""
    for i in range(14):
        pkg = "pkg%02d" % i
        os.makedirs(os.path.join(mo_dir, pkg))
        pairs = [("Open File", "Datei öffnen"), ("_Quit", "_Beenden"),
                 ("menu\x04Quit", "Beenden"),                        # context
                 ("%d file\0%d files", "%d Datei\0%d Dateien"),      # plural
                 ("Untranslated %d" % i, ""),                        # no translation
                 ("Line one\nline two %d" % i, "Zeile eins\nZeile zwei %d" % i),  # multi-line
                 ("Error %s\n" % i, "Fehler %s\n" % i)]              # trailing newline
        pairs += [("Message %d of package %d: %%s" % (j, i), "Meldung %d von Paket %d: %%s" % (j, i))
                  for j in range(3)]
        with open(os.path.join(mo_dir, pkg, "%s.mo" % pkg), "wb") as f:
            f.write(write_mo(pairs))


def test_mo_reader():
    data = write_mo([("ctx\x04Open", "Öffnen"), ("%d file\0%d files", "%d Datei\0%d Dateien")],
                    charset="UTF-8")
    _, ents = read_mo(data, "sample.mo")
    got = {(e.context, e.msgid, e.plural, e.msgstr) for e in ents}
    check(got == {("ctx", "Open", False, "Öffnen"), (None, "%d file", True, "%d Datei")},
          "read_mo: %r" % sorted(got, key=repr))
    latin = write_mo([("Size", "Größe")], charset="ISO-8859-1")
    check(read_mo(latin, "latin1.mo")[1][0].msgstr == "Größe", "read_mo: ISO-8859-1 catalog")


def test_sample():
    with tempfile.TemporaryDirectory() as tmp:
        mo_dir, out = os.path.join(tmp, "mo"), os.path.join(tmp, "out")
        sample_catalogs(mo_dir)
        cmd = [sys.executable, os.path.join(EXAMPLE, "prepare.py"), "--mo-dir", mo_dir,
               "--out", out, "--test-min", "10", "--dev-min", "10"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if not check(r.returncode == 0, "prepare.py failed:\n" + r.stdout):
            return
        rows = check_outputs(out, "sample")
        counts = {s: len({r[0] for r in rows[s]}) for s in SPLITS}
        check(all(counts[s] >= 1 for s in SPLITS), "sample: a split has no package: %s" % counts)
        srcs = {s: {r[1] for r in rows[s]} for s in SPLITS}
        check({"Open File", "_Quit", "Quit", "%d file", "Error 0"} & srcs["train"]
              >= {"Open File", "%d file"}, "sample: shared messages missing from train")
        for s in ("dev", "test"):
            check(not srcs[s] & {"Open File", "_Quit", "Quit", "%d file"},
                  "sample: a message shared with train is in %s" % s)
            check(any(x.startswith("Message ") for x in srcs[s]),
                  "sample: %s lacks its own packages' messages" % s)
        every = set().union(*srcs.values())
        check(not any("Untranslated" in x or "Line one" in x for x in every),
              "sample: an untranslated or multi-line entry was kept")
        check("Error 1" in every or "Error 2" in every, "sample: trailing newline not stripped")
        # A second run is quiet and rewrites nothing.
        before = {f: os.stat(os.path.join(out, f)).st_mtime_ns for f in os.listdir(out)}
        r2 = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
        after = {f: os.stat(os.path.join(out, f)).st_mtime_ns for f in os.listdir(out)}
        check(r2.returncode == 0 and r2.stdout == "" and before == after,
              "sample: second run not idempotent: %r" % r2.stdout)


def test_real_data():
    data = os.path.join(EXAMPLE, "data")
    if not all(os.path.isfile(os.path.join(data, s + ".origin")) for s in SPLITS):
        print("note: examples/translate-de/data/ not prepared; real-data check skipped")
        return
    rows = check_outputs(data, "data")
    print("real data: %s pairs checked" % {s: len(rows[s]) for s in SPLITS})


def main():
    test_mo_reader()
    test_sample()
    test_real_data()
    for f in failures:
        print("FAIL: " + f)
    print("translate_de_split_test: %s" % ("FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
