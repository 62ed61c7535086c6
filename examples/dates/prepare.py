#!/usr/bin/env python3
"""Generate the dates data: human-written dates (English and Chinese) -> ISO 8601.

Every calendar day from 1950-01-01 to 2049-12-31 is written in formats such as
"3rd of March 2021", "Mar 3, 21", "2021/03/03", "03.03.2021", "Wednesday, March 3rd 2021",
"2021年3月3日", "二〇二一年三月三日", "21年3月3号"; the target is always "2021-03-03".

Python 3 standard library only, no network. Deterministic: the split and every random choice
come from md5 hashes and string-seeded random.Random instances, the same on every platform.
The split is by calendar day, so no date of the test set is ever seen in training (in any
format), and since every input names exactly one day, no input is in two splits; both are
asserted before anything is written. Idempotent: files whose content is unchanged are not
rewritten, and a run that changes nothing prints nothing (unless --verbose).

Usage: python3 prepare.py [--out DIR] [--verbose]
"""

import datetime
import os
import random
import sys

sys.dont_write_bytecode = True   # importing the shared helpers must leave no __pycache__ behind
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from prepare_common import argument_parser, log, md5_int, write_if_changed  # noqa: E402

FIRST_DAY = datetime.date(1950, 1, 1)
LAST_DAY = datetime.date(2049, 12, 31)
# Two-digit years ("Mar 3, 21", "21年3月3号") are read with a pivot that matches the range:
# 50-99 -> 1950-1999, 00-49 -> 2000-2049, so every input names exactly one day.
PIVOT = 50

SPLITS = ("train", "dev", "test")
TEST_BUCKETS = range(0, 5)   # md5(iso date) mod 100 in [0, 5)  -> test (~5% of the days)
DEV_BUCKETS = range(5, 10)   # md5(iso date) mod 100 in [5, 10) -> dev  (~5% of the days)
TRAIN_FAMILIES_PER_DAY = 2   # each training day appears in two different families
DEV_SMALL_PER_FAMILY = 200   # the dev set used for validation while training (600 lines)

HERE = os.path.dirname(os.path.abspath(__file__))

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MONS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ZH_DIGITS = "〇一二三四五六七八九"
ZH_WEEKDAYS = "一二三四五六日"


def ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return "%d%s" % (n, suffix)


def zh_number(n):
    """1..31 in Chinese numerals: 三, 十, 十二, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    text = ("" if tens < 2 else ZH_DIGITS[tens]) + ("十" if tens else "")
    return text + (ZH_DIGITS[ones] if ones else "")


def zh_year(y, zero="〇"):
    """Years are read digit by digit: 2021 -> 二〇二一 (or 二零二一)."""
    return "".join(ZH_DIGITS[int(c)] for c in str(y)).replace("〇", zero)


def fields(d):
    """Every piece a format may use, for one day."""
    wd = d.weekday()
    return {
        "Y": "%04d" % d.year, "yy": "%02d" % (d.year % 100),
        "m": str(d.month), "mm": "%02d" % d.month,
        "d": str(d.day), "dd": "%02d" % d.day, "ord": ordinal(d.day),
        "Month": MONTHS[d.month - 1], "Mon": MONS[d.month - 1],
        "Weekday": WEEKDAYS[wd], "Wkd": WEEKDAYS[wd][:3],
        "Ycn": zh_year(d.year), "Ycn0": zh_year(d.year, "零"),
        "mcn": zh_number(d.month), "dcn": zh_number(d.day),
        "xingqi": "星期" + ZH_WEEKDAYS[wd], "zhou": "周" + ZH_WEEKDAYS[wd],
    }


def upper(fmt):
    return lambda f: fmt.format(**f).upper()


def lower(fmt):
    return lambda f: fmt.format(**f).lower()


# family -> [(format name, template or function of fields)]. Numeric conventions are fixed so
# that nothing is ambiguous: year first = Y/M/D, slashes with the year last = US M/D/Y, dots or
# dashes with the year last = D.M.Y.
FORMATS = {
    "en-numeric": [
        ("Y-mm-dd", "{Y}-{mm}-{dd}"),
        ("Y/mm/dd", "{Y}/{mm}/{dd}"),
        ("Y/m/d", "{Y}/{m}/{d}"),
        ("Y.mm.dd", "{Y}.{mm}.{dd}"),
        ("Ymmdd", "{Y}{mm}{dd}"),
        ("dd.mm.Y", "{dd}.{mm}.{Y}"),
        ("d.m.Y", "{d}.{m}.{Y}"),
        ("dd.mm.yy", "{dd}.{mm}.{yy}"),
        ("dd-mm-Y", "{dd}-{mm}-{Y}"),
        ("mm/dd/Y", "{mm}/{dd}/{Y}"),
        ("m/d/Y", "{m}/{d}/{Y}"),
        ("m/d/yy", "{m}/{d}/{yy}"),
    ],
    "en-month": [
        ("ord of Month Y", "{ord} of {Month} {Y}"),
        ("the ord of Month, Y", "the {ord} of {Month}, {Y}"),
        ("Month d, Y", "{Month} {d}, {Y}"),
        ("Mon d, yy", "{Mon} {d}, {yy}"),
        ("Mon. d, Y", "{Mon}. {d}, {Y}"),
        ("d Month Y", "{d} {Month} {Y}"),
        ("Weekday, Month ord Y", "{Weekday}, {Month} {ord} {Y}"),
        ("Weekday d Month Y", "{Weekday} {d} {Month} {Y}"),
        ("Wkd d Mon Y", "{Wkd} {d} {Mon} {Y}"),
        ("d-Mon-Y", "{d}-{Mon}-{Y}"),
        ("dd-MON-yy", upper("{dd}-{Mon}-{yy}")),
        ("Month ord, 'yy", "{Month} {ord}, '{yy}"),
        ("MONTH d Y", upper("{Month} {d} {Y}")),
        ("month d Y", lower("{Month} {d} {Y}")),
        ("Y Month d", "{Y} {Month} {d}"),
    ],
    "zh": [
        ("Y年m月d日", "{Y}年{m}月{d}日"),
        ("Y年mm月dd日", "{Y}年{mm}月{dd}日"),
        ("〇年月日", "{Ycn}年{mcn}月{dcn}日"),
        ("零年月日", "{Ycn0}年{mcn}月{dcn}日"),
        ("〇年月号", "{Ycn}年{mcn}月{dcn}号"),
        ("yy年m月d号", "{yy}年{m}月{d}号"),
        ("Y年m月d号", "{Y}年{m}月{d}号"),
        ("Y年m月d日星期", "{Y}年{m}月{d}日{xingqi}"),
        ("Y年m月d日（周）", "{Y}年{m}月{d}日（{zhou}）"),
        ("星期，Y年m月d日", "{xingqi}，{Y}年{m}月{d}日"),
        ("公元Y年m月d日", "公元{Y}年{m}月{d}日"),
    ],
}
FAMILIES = tuple(FORMATS)


def render(fmt, d):
    f = fields(d)
    return fmt(f) if callable(fmt) else fmt.format(**f)


def bucket(text, salt=""):
    """Stable integer hash (independent of PYTHONHASHSEED and platform)."""
    return md5_int(salt + text)


def split_of(day):
    b = bucket(day.isoformat()) % 100
    return "test" if b in TEST_BUCKETS else "dev" if b in DEV_BUCKETS else "train"


def all_days():
    d = FIRST_DAY
    while d <= LAST_DAY:
        yield d
        d += datetime.timedelta(days=1)


def examples_for(day, split):
    """-> [(source, target, family, format name)] for one day: one example per family in dev and
    test (so every family is measured on the same days), TRAIN_FAMILIES_PER_DAY in train."""
    rng = random.Random("dates:" + day.isoformat())   # str seeds are platform-independent
    families = list(FAMILIES)
    if split == "train":
        families = sorted(rng.sample(families, TRAIN_FAMILIES_PER_DAY), key=FAMILIES.index)
    out = []
    for fam in families:
        name, fmt = rng.choice(FORMATS[fam])
        out.append((render(fmt, day), day.isoformat(), fam, name))
    return out


def build():
    """-> ({relative path: text}, counts). Asserts the split rules before anything is written."""
    rows = {s: [] for s in SPLITS}
    days = {s: set() for s in SPLITS}
    for day in all_days():
        s = split_of(day)
        days[s].add(day.isoformat())
        rows[s].extend(examples_for(day, s))

    inputs = [r[0] for s in SPLITS for r in rows[s]]
    assert len(set(inputs)) == len(inputs), "an input is generated twice"
    for i, a in enumerate(SPLITS):
        for b in SPLITS[i + 1:]:
            assert not days[a] & days[b], "days in %s and %s" % (a, b)
            inputs = {r[0] for r in rows[a]} & {r[0] for r in rows[b]}
            assert not inputs, "inputs in %s and %s: %s" % (a, b, sorted(inputs)[:5])
    for s in SPLITS:
        assert all("\t" not in r[0] and "\n" not in r[0] for r in rows[s])

    # Training order is shuffled once, deterministically; dev/test stay in calendar order.
    random.Random("dates:shuffle").shuffle(rows["train"])
    # The validation set: the first DEV_SMALL_PER_FAMILY dev days by a salted hash, every family.
    dev_days = sorted(days["dev"], key=lambda iso: (bucket(iso, "small:"), iso))
    chosen = set(dev_days[:DEV_SMALL_PER_FAMILY])
    dev_small = [r for r in rows["dev"] if r[1] in chosen]

    files = {}
    for name, lst in (("train", rows["train"]), ("dev", rows["dev"]), ("test", rows["test"]),
                      ("dev.small", dev_small)):
        files[name + ".src"] = "".join(r[0] + "\n" for r in lst)
        files[name + ".tgt"] = "".join(r[1] + "\n" for r in lst)
        if name != "train":
            files[name + ".tsv"] = "".join("\t".join(r) + "\n" for r in lst)
    counts = {s: (len(days[s]), len(rows[s])) for s in SPLITS}
    counts["dev.small"] = (len(chosen), len(dev_small))
    return files, counts


def main():
    ap = argument_parser(__doc__, HERE)
    ap.add_argument("--verbose", action="store_true",
                    help="print the counts even when nothing changed")
    args = ap.parse_args()

    files, counts = build()
    changed = write_if_changed(args.out, files)
    if changed or args.verbose:
        for s, (n_days, n_rows) in counts.items():
            log("%-9s %6d days %7d examples" % (s, n_days, n_rows))
        log("wrote %d file(s) under %s" % (len(changed), args.out) if changed else
            "all %d files under %s are up to date" % (len(files), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
