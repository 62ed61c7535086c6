#!/usr/bin/env python3
"""Prepare the Chinese spelling-correction data: clean sentences and their corrupted copies.

Sources, only through Debian's package manager (`apt-get download PKG=VERSION`, unpacked with
`dpkg-deb -x` into a cache folder; nothing is installed, the system is not changed):
  fortunes-zh 2.98      /usr/share/games/fortunes/{chinese,tang300,song100}: the clean text
  unicode-data 15.0.0-1 /usr/share/unicode/Unihan_Readings.txt.bz2 (kMandarin): the readings
                        that the homophone confusion sets are built from;
                        Unihan_Variants.txt.bz2 (kSimplifiedVariant, kTraditionalVariant): which
                        characters belong to one script only, so that a substitute is written
                        in the sentence's own script

Clean sentences are split by a hash of the sentence, so a test sentence is never seen in
training in any corruption; only sentences written with the training text's 3,000 most frequent
characters are kept. Each source line is a corrupted sentence (homophone, near-homophone
or visually similar character substitutions; some lines are left clean), the target line is the
clean sentence. Deterministic for a fixed --seed. See README.md for the rules.

Python 3 standard library only. Idempotent: a stamp file (OUT/.prepared) records the sha256 of
this script, the arguments and every output; when they all match, the script exits at once.

Usage: python3 prepare.py [--out DIR] [--cache DIR] [--sample N] [--seed N] [--force] [--verbose]
"""

import argparse
import bz2
import collections
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

sys.dont_write_bytecode = True   # importing the shared helpers must leave no __pycache__ behind
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from prepare_common import (STAMP, die, log, md5_int, sha256_file,  # noqa: E402
                            write_atomic, write_if_changed)

HERE = os.path.dirname(os.path.abspath(__file__))

# (package, version, sha256 of the .deb as apt-get downloads it from Debian 12 "bookworm")
PACKAGES = [
    ("fortunes-zh", "2.98", "211c5ddee59d0ae74ce01cbfd02f7c8714740bae1835d5661eb2254edd739105"),
    ("unicode-data", "15.0.0-1", "5efef23bbb1c6a133ecbdd63a2cfa07159ccacf5466a49e2426101c5ecd691fc"),
]
FORTUNE_FILES = ["usr/share/games/fortunes/" + n for n in ("chinese", "tang300", "song100")]
UNIHAN_READINGS = "usr/share/unicode/Unihan_Readings.txt.bz2"
UNIHAN_VARIANTS = "usr/share/unicode/Unihan_Variants.txt.bz2"

TEST_BUCKETS = range(0, 6)    # md5(sentence key) mod 100 in [0, 6)  -> test (~6%)
DEV_BUCKETS = range(6, 10)    # md5(sentence key) mod 100 in [6, 10) -> dev  (~4%)
MIN_CHARS, MAX_CHARS = 5, 30  # sentence length in characters, punctuation included
TOP_CHARS = 3000              # keep sentences written only with the training text's 3,000 most
                              # frequent characters (a common-character list; ~97.5% of tokens)

# Corruption. Each (sentence, copy) gets its own RNG seeded from (seed, split, sentence, copy),
# so every line is reproducible on its own, whatever else is in the corpus.
CLEAN_PROB = 0.3              # a sentence is left uncorrupted with this probability
CHAR_ERROR_RATE = 0.05        # otherwise each Han character is replaced with this probability,
                              # and at least one is
TYPE_WEIGHTS = [("homophone", 0.45), ("near-homophone", 0.3), ("visual", 0.25)]
TRAIN_COPIES = 4              # corrupted copies per training sentence (duplicates dropped)
MIN_CANDIDATE_FREQ = 2        # a substitute must occur this often in the clean training text

# Visually similar characters: a small hand-made list of well-known confusions (each group is a
# set of look-alikes); only characters seen in the training text are used.
VISUAL_GROUPS = """
己已巳 未末 戊戌戍 人入八 土士 日曰 天夭 大太犬 木本术 折拆析 休体 鸟乌 王玉主 干千于
甲申由田 免兔 候侯 拨拔 贝见 今令 壁璧 辨辩辫 刺剌 崇祟 径经 母毋 买卖 问间 午牛 延廷
历厉 处外 冶治 汩汨 即既 暮幕慕墓 赢嬴 茶荼 竞竟 孤狐 雨两 风凤 力刀 刀刃 栽裁载 渴喝
徒徙 恃持侍待 眼眠 睛晴情清请 往住佳 漂飘 烂栏拦 锐悦说 洒酒 宇字 毫豪 幸辛 峰锋蜂 暴爆
籍藉 杨扬 抄炒吵 峻俊 苦若 狠很 旦且 目自 白百 斤斥 巨臣 兵乒 羊半 市币 帅师 失矢 末沫
""".split()

# Near-homophones: the same syllable in another tone, or one of these classic confusions of
# initials (flat/retroflex sibilants, n/l) and finals (front/back nasals).
INITIAL_SWAPS = [("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l")]
FINAL_SWAPS = [("ing", "in"), ("eng", "en"), ("ang", "an")]

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
PUNCT = "，、：。！？；《》（）"
SENTENCE_OK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff%s]+$" % re.escape(PUNCT))
ANSI = re.compile(r"\x1b\[[0-9;]*m")
QUOTES = re.compile(r"[“”‘’「」『』\"']")
SENTENCE_END = re.compile(r"[^。！？；]*[。！？；]")
TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}


# --------------------------------------------------------------------------- Debian packages

def fetch_package(cache, pkg, version, digest):
    """Downloads PKG=VERSION's .deb into cache (once) and unpacks it; returns the unpack root."""
    deb = os.path.join(cache, "%s_%s_all.deb" % (pkg, version))
    root = os.path.join(cache, "%s_%s" % (pkg, version))
    if not os.path.isfile(deb):
        os.makedirs(cache, exist_ok=True)
        log("prepare.py: apt-get download %s=%s into %s" % (pkg, version, cache))
        try:
            r = subprocess.run(["apt-get", "download", "%s=%s" % (pkg, version)], cwd=cache,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        except FileNotFoundError:
            die("apt-get not found; this recipe needs Debian's package manager to fetch %s" % pkg)
        if r.returncode != 0 or not os.path.isfile(deb):
            die("'apt-get download %s=%s' failed (exit %d):\n%s\n  (run 'apt-get update' as root "
                "if the package lists are missing)"
                % (pkg, version, r.returncode, r.stdout.strip()))
    got = sha256_file(deb)
    if got != digest:
        die("%s has sha256 %s, expected %s; delete it and rerun" % (deb, got, digest))
    stamp = os.path.join(root, ".unpacked")
    if not os.path.isfile(stamp):
        r = subprocess.run(["dpkg-deb", "-x", deb, root])
        if r.returncode != 0:
            die("'dpkg-deb -x %s %s' failed (exit %d)" % (deb, root, r.returncode))
        with open(stamp, "w") as f:
            f.write(digest + "\n")
    return root


# --------------------------------------------------------------------------- clean sentences

def fortune_sentences(path):
    """Yields the candidate sentences of one fortune file, in file order."""
    with open(path, encoding="utf-8") as f:
        text = ANSI.sub("", f.read())
    for record in re.split(r"\n%\n", text):
        body = []
        for line in record.split("\n"):
            s = line.strip()
            # attributions ("-- 杜甫《…》"), poem headers (title line, 作者/题目 lines)
            if s.startswith("--") or s.startswith("作者") or s.startswith("题目"):
                continue
            if s.startswith("《") and s.endswith("》"):
                continue
            body.append(s)
        # lines break mid-sentence in prose; Chinese needs no space when they are joined
        joined = QUOTES.sub("", "".join(body))
        for sent in SENTENCE_END.findall(joined):
            sent = sent.lstrip(PUNCT)
            yield unicodedata.normalize("NFC", sent)


def sentence_key(sent):
    """What makes two sentences the same: their characters without punctuation."""
    return "".join(c for c in sent if c not in PUNCT)


def clean_sentences(roots):
    seen, out = set(), []
    stats = collections.Counter()
    for rel in FORTUNE_FILES:
        for sent in fortune_sentences(os.path.join(roots["fortunes-zh"], rel)):
            stats["candidates"] += 1
            if not (MIN_CHARS <= len(sent) <= MAX_CHARS) or not SENTENCE_OK.match(sent):
                stats["dropped (length or non-Chinese characters)"] += 1
                continue
            if len(HAN.findall(sent)) < MIN_CHARS - 1:
                stats["dropped (too few Han characters)"] += 1
                continue
            key = sentence_key(sent)
            if key in seen:
                stats["dropped (duplicate)"] += 1
                continue
            seen.add(key)
            out.append(sent)
    return out, stats


def split_of(sent):
    b = md5_int(sentence_key(sent)) % 100
    return "test" if b in TEST_BUCKETS else "dev" if b in DEV_BUCKETS else "train"


# --------------------------------------------------------------------------- confusion sets

def parse_pinyin(syllable):
    """'zhōng' -> ('zhong', 1); neutral tone is 5; ü is written v."""
    tone = 5
    base = []
    for c in unicodedata.normalize("NFD", syllable.lower()):
        if c in TONE_MARKS:
            tone = TONE_MARKS[c]
        elif c == "\u0308":
            base[-1] = "v"
        else:
            base.append(c)
    return "".join(base), tone


def read_mandarin(root):
    """{char: (base syllable, tone)} from kMandarin (its first, most customary reading)."""
    path = os.path.join(root, UNIHAN_READINGS)
    readings = {}
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if "\tkMandarin\t" not in line:
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or not fields[0].startswith("U+"):
                die("%s:%d: malformed kMandarin line %r" % (path, lineno, line))
            char = chr(int(fields[0][2:], 16))
            base, tone = parse_pinyin(fields[2].split()[0])
            if not re.fullmatch(r"[a-zv]+", base):
                die("%s:%d: unexpected pinyin %r" % (path, lineno, fields[2]))
            readings[char] = (base, tone)
    if len(readings) < 10000:
        die("%s: only %d kMandarin readings; not the Unihan file expected" % (path, len(readings)))
    return readings


def read_script_only(root):
    """-> (traditional-only chars, simplified-only chars) from the Unihan variant fields.

    A character whose kSimplifiedVariant list does not include itself is written only in
    traditional text; one whose kTraditionalVariant list does not include itself only in
    simplified text."""
    path = os.path.join(root, UNIHAN_VARIANTS)
    trad_only, simp_only = set(), set()
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[1] not in ("kSimplifiedVariant", "kTraditionalVariant"):
                continue
            try:
                char = chr(int(fields[0][2:], 16))
                others = {chr(int(v.split("<")[0][2:], 16)) for v in fields[2].split()}
            except ValueError:
                die("%s:%d: malformed %s line %r" % (path, lineno, fields[1], line))
            if char not in others:
                (trad_only if fields[1] == "kSimplifiedVariant" else simp_only).add(char)
    if len(trad_only) < 1000 or len(simp_only) < 1000:
        die("%s: too few simplified/traditional variants; not the Unihan file expected" % path)
    return trad_only, simp_only


def near_bases(base):
    """Syllables one classic confusion away from base (zh/z, ch/c, sh/s, n/l, in/ing, …)."""
    out = set()
    for a, b in INITIAL_SWAPS:
        for x, y in ((a, b), (b, a)):
            if base.startswith(x) and not (x in ("z", "c", "s") and base.startswith(x + "h")):
                out.add(y + base[len(x):])
    for a, b in FINAL_SWAPS:
        for x, y in ((a, b), (b, a)):
            if base.endswith(x) and not (x in ("in", "en", "an") and base.endswith(x + "g")):
                out.add(base[: -len(x)] + y)
    out.discard(base)
    return out


def confusion_sets(readings, freq, exclude):
    """{char: {type: [(candidate, weight)]}} over the characters of the training text;
    candidates in `exclude` (the other script's own characters) are left out."""
    vocab = {c for c, n in freq.items()
             if n >= MIN_CANDIDATE_FREQ and c in readings and c not in exclude}
    by_reading = collections.defaultdict(list)
    for c in sorted(vocab):
        by_reading[readings[c]].append(c)
    visual = collections.defaultdict(set)
    for group in VISUAL_GROUPS:
        for a in group:
            visual[a].update(b for b in group if b != a)
    sets = {}
    for c in sorted(freq):
        if c not in readings:
            continue
        base, tone = readings[c]
        homo = [x for x in by_reading[(base, tone)] if x != c]
        near = [x for t in range(1, 6) if t != tone for x in by_reading[(base, t)]]
        near += [x for b in sorted(near_bases(base)) for t in range(1, 6)
                 for x in by_reading[(b, t)] if x != c]
        vis = sorted(x for x in visual.get(c, ()) if x in vocab)
        # an input method offers common characters first: weight by frequency
        sets[c] = {name: [(x, freq[x]) for x in cands]
                   for name, cands in (("homophone", homo), ("near-homophone", near),
                                       ("visual", vis)) if cands}
    return sets


# --------------------------------------------------------------------------- corruption

def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for x, w in weighted:
        r -= w
        if r < 0:
            return x
    return weighted[-1][0]


def corrupt(sent, script_sets, trad_only, rng):
    """-> (corrupted sentence, [error types]); unchanged with probability CLEAN_PROB.
    A sentence with a traditional-only character takes traditional substitutes."""
    sets = script_sets["trad" if any(c in trad_only for c in sent) else "simp"]
    if rng.random() < CLEAN_PROB:
        return sent, []
    positions = [i for i, c in enumerate(sent) if sets.get(c)]
    if not positions:
        return sent, []
    chosen = [i for i in positions if rng.random() < CHAR_ERROR_RATE]
    if not chosen:
        chosen = [rng.choice(positions)]
    chars = list(sent)
    types = []
    for i in chosen:
        options = sets[chars[i]]
        kind = pick(rng, [(t, w) for t, w in TYPE_WEIGHTS if t in options])
        chars[i] = pick(rng, options[kind])
        types.append(kind)
    return "".join(chars), types


def make_pairs(split, sentences, sets, trad_only, seed, copies):
    pairs, types = [], collections.Counter()
    for sent in sentences:
        seen = set()
        for k in range(copies):
            rng = random.Random(md5_int("%d|%s|%d|%s" % (seed, split, k, sent)))
            src, kinds = corrupt(sent, sets, trad_only, rng)
            if src in seen:
                continue
            seen.add(src)
            pairs.append((src, sent))
            types.update(kinds)
            types["clean" if not kinds else "corrupted"] += 1
    return pairs, types


# --------------------------------------------------------------------------- output

def outputs(args):
    roots = {pkg: fetch_package(args.cache, pkg, ver, digest) for pkg, ver, digest in PACKAGES}
    sentences, stats = clean_sentences(roots)
    splits = {"train": [], "dev": [], "test": []}
    for s in sorted(sentences, key=md5_int):   # a fixed shuffle
        splits[split_of(s)].append(s)
    # the common characters are counted on the training split only, then applied to all splits
    counts = collections.Counter(c for s in splits["train"] for c in s)
    common = {c for c, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:TOP_CHARS]}
    for name, sents in splits.items():
        kept = [s for s in sents if all(c in common for c in s)]
        stats["dropped from %s (a character outside the common %d)" % (name, TOP_CHARS)] = (
            len(sents) - len(kept))
        splits[name] = kept
    freq = collections.Counter(c for s in splits["train"] for c in s if HAN.match(c))
    if args.sample:   # a fixed subset of the full outputs: the same lines, the same corruptions
        chosen = set(sorted((s for sents in splits.values() for s in sents), key=md5_int)
                     [: args.sample])
        splits = {name: [s for s in sents if s in chosen] for name, sents in splits.items()}
    readings = read_mandarin(roots["unicode-data"])
    trad_only, simp_only = read_script_only(roots["unicode-data"])
    sets = {"simp": confusion_sets(readings, freq, trad_only),
            "trad": confusion_sets(readings, freq, simp_only)}

    files, report = {}, {"sentences": dict(stats), "seed": args.seed}
    for split, sents in splits.items():
        pairs, types = make_pairs(split, sents, sets, trad_only, args.seed,
                                  TRAIN_COPIES if split == "train" else 1)
        files[split + ".src"] = "".join(s + "\n" for s, _ in pairs)
        files[split + ".tgt"] = "".join(t + "\n" for _, t in pairs)
        files[split + ".clean"] = "".join(s + "\n" for s in sents)
        report[split] = {"clean_sentences": len(sents), "pairs": len(pairs), **dict(types)}
    lines = []
    for script in ("simp", "trad"):
        for c in sorted(sets[script]):
            for kind, cands in sorted(sets[script][c].items()):
                lines.append("%s\t%s\t%s\t%s\n" % (script, c, kind,
                                                    "".join(x for x, _ in cands)))
    files["confusions.tsv"] = "".join(lines)
    files["stats.json"] = json.dumps(report, ensure_ascii=False, indent=1) + "\n"
    return files, report


def up_to_date(out, stamp_text):
    """True if OUT/.prepared (JSON: key and file digests) matches; its own format, not the
    line stamp of prepare_common."""
    stamp = os.path.join(out, STAMP)
    if not os.path.isfile(stamp):
        return False
    with open(stamp, encoding="utf-8") as f:
        recorded = json.load(f)
    if recorded.get("key") != stamp_text:
        return False
    for name, digest in recorded.get("files", {}).items():
        path = os.path.join(out, name)
        if not os.path.isfile(path) or sha256_file(path) != digest:
            return False
    return bool(recorded.get("files"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "data"))
    ap.add_argument("--cache", default=None,
                    help="where the .debs go (default $TANDEM_DATA_CACHE, else OUT/cache)")
    ap.add_argument("--sample", type=int, default=0,
                    help="write only a fixed sample of N clean sentences (for tests)")
    ap.add_argument("--seed", type=int, default=1, help="corruption seed")
    ap.add_argument("--force", action="store_true", help="rewrite every output")
    ap.add_argument("--verbose", action="store_true", help="print the counts")
    args = ap.parse_args()
    if args.sample < 0:
        die("--sample must be >= 0")
    args.cache = (args.cache or os.environ.get("TANDEM_DATA_CACHE")
                  or os.path.join(args.out, "cache"))

    key = "%s|sample=%d|seed=%d" % (sha256_file(os.path.abspath(__file__)), args.sample, args.seed)
    if not args.force and up_to_date(args.out, key):
        if args.verbose:
            log("prepare.py: %s is up to date" % args.out)
        return
    files, report = outputs(args)
    write_if_changed(args.out, files, args.force)
    digests = {name: sha256_file(os.path.join(args.out, name)) for name in files}
    write_atomic(os.path.join(args.out, STAMP),
                 (json.dumps({"key": key, "files": digests}, indent=1) + "\n").encode("utf-8"))
    log("prepare.py: wrote %s: %s" % (args.out, ", ".join(
        "%s %d pairs" % (s, report[s]["pairs"]) for s in ("train", "dev", "test"))))
    if args.verbose:
        log(files["stats.json"].rstrip())


if __name__ == "__main__":
    main()
