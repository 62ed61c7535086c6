#!/usr/bin/env python3
"""Prepare English->German software-message pairs from the gettext catalogs of Debian packages.

Source: the German catalogs (/usr/share/locale/de/LC_MESSAGES/*.mo) inside a fixed list of
Debian 12 packages, pinned by version (PACKAGES below). Each package is fetched with
`apt-get download PKG=VERSION` (the only network access) into a cache folder and read from the
.deb with `dpkg-deb --fsys-tarfile`; nothing is installed and the system is not changed.

Python 3 standard library only (plus apt-get and dpkg-deb). Idempotent: a stamp file
(data/.prepared) records this script, the .deb files and the sha256 of every output; when they
all still match, the script exits at once, quietly. See README.md for the cleaning and split
rules.

Usage: python3 prepare.py [--out DIR] [--cache DIR] [--mo-dir DIR] [--any-version]
                          [--test-min N] [--dev-min N] [--force] [--verbose]
"""

import glob
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import unicodedata

sys.dont_write_bytecode = True   # importing mo.py and the shared helpers must leave no __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from mo import MoError, read_mo  # noqa: E402
from prepare_common import (argument_parser, default_cache, die, log,  # noqa: E402
                            md5_int, sha256_file, stamp_ok, write_if_changed, write_stamp)

# Debian 12 (bookworm) packages with German catalogs, and the versions used (bookworm,
# bookworm-updates and bookworm-security as of 2026-11-29). Chosen for variety: GNU and system
# command-line tools, GNOME, KDE, Xfce and other desktop programs.
PACKAGES = [
    ("apt", "2.6.2"),
    ("aptitude-common", "0.8.13-5"),
    ("audacity-data", "3.2.4+dfsg-1"),
    ("baobab", "43.0-1"),
    ("bash", "5.2.15-2+b13"),
    ("binutils-common", "2.40-2"),
    ("bison", "2:3.8.2+dfsg-1+b1"),
    ("brasero-common", "3.12.3-2"),
    ("cheese-common", "43.0-1"),
    ("claws-mail-i18n", "4.1.1-2"),
    ("coreutils", "9.1-1"),
    ("diffutils", "1:3.8-4"),
    ("dolphin", "4:22.12.3-1"),
    ("dpkg", "1.21.23"),
    ("eog", "43.2-1+deb12u1"),
    ("epiphany-browser-data", "43.1-1"),
    ("evince-common", "43.1-2+deb12u1"),
    ("evolution-common", "3.46.4-2+deb12u1"),
    ("evolution-data-server-common", "3.46.4-2+deb12u1"),
    ("file-roller", "43.0-1"),
    ("filezilla-common", "3.63.0-1+deb12u3"),
    ("findutils", "4.9.0-4"),
    ("flex", "2.6.4-8.2"),
    ("gawk", "1:5.2.1-2"),
    ("gcc-12-locales", "12.2.0-14+deb12u1"),
    ("geany-common", "1.38-1"),
    ("gedit-common", "44.2-1"),
    ("gettext-base", "0.21-12"),
    ("gettext", "0.21-12"),
    ("gimp-data", "2.10.34-1+deb12u10"),
    ("git", "1:2.39.5-0+deb12u3"),
    ("gnome-boxes", "43.2-1"),
    ("gnome-builder", "43.6-3"),
    ("gnome-calendar", "43.1-2"),
    ("gnome-control-center-data", "1:43.6-2~deb12u1"),
    ("gnome-disk-utility", "43.0-1"),
    ("gnome-maps", "43.5-2~deb12u1"),
    ("gnome-shell-common", "43.9-0+deb12u2"),
    ("gnome-software-common", "43.5-1~deb12u2"),
    ("gnome-system-monitor", "42.0-2"),
    ("gnome-terminal-data", "3.46.8-1"),
    ("gnucash-common", "1:4.13-1"),
    ("gnupg-l10n", "2.2.40-1.1+deb12u2"),
    ("grep", "3.8-5"),
    ("gthumb-data", "3:3.12.2-3"),
    ("gucharmap", "1:15.0.2-1"),
    ("hexchat-common", "2.16.1-1"),
    ("inkscape", "1.2.2-2+deb12u1"),
    ("kio", "5.103.0-1+deb12u1"),
    ("konsole", "4:22.12.3-1+deb12u1"),
    ("krb5-locales", "1.20.1-2+deb12u5"),
    ("libc-l10n", "2.36-9+deb12u14"),
    ("libglib2.0-data", "2.74.6-2+deb12u9"),
    ("libgtk-3-common", "3.24.38-2~deb12u3"),
    ("libgtk2.0-common", "2.24.33-2+deb12u1"),
    ("m4", "1.4.19-3"),
    ("make", "4.3-4.1"),
    ("man-db", "2.11.2-2"),
    ("mc-data", "3:4.8.29-2"),
    ("mousepad", "0.5.10-2"),
    ("mutt", "2.2.12-0.1~deb12u2"),
    ("nano", "7.2-1+deb12u1"),
    ("nautilus-data", "43.2-1"),
    ("network-manager", "1.42.4-1+deb12u1"),
    ("orca", "43.1-1"),
    ("pidgin-data", "2.14.12-1"),
    ("postgresql-15", "15.20-0+deb12u1"),
    ("procps", "2:4.0.2-3"),
    ("pulseaudio", "16.1+dfsg1-2+b1"),
    ("rhythmbox-data", "3.4.6-2"),
    ("seahorse", "43.0-1"),
    ("sed", "4.9-1+deb12u1"),
    ("shotwell-common", "0.30.17-1"),
    ("simple-scan", "42.5-2"),
    ("synaptic", "0.91.3"),
    ("systemd", "252.39-1~deb12u2"),
    ("tar", "1.34+dfsg-1.2+deb12u1"),
    ("texinfo", "6.8-6+b1"),
    ("thunar-data", "4.18.4-1"),
    ("totem-common", "43.0-2"),
    ("util-linux-locales", "2.38.1-5+deb12u3"),
    ("vlc-l10n", "3.0.24-0+deb12u1"),
    ("wget", "1.21.3-1+deb12u1"),
    ("xfce4-panel", "4.18.2-1"),
    ("xfce4-settings", "4.18.2-1"),
]
# Catalogs that hold names rather than messages (time-zone city names).
EXCLUDED_DOMAINS = {"gnome-control-center-2.0-timezones"}
# msgids that ask for the translators' names, not for a translation.
CREDITS = {"translator-credits", "translator_credits", "translators", "your names",
           "your emails", "name of translators", "email of translators"}

LOCALE_DIR = re.compile(r"^\./usr/share/locale/de/LC_MESSAGES/([^/]+)\.mo$")
MAX_SOURCE_CHARS = 200
MAX_TARGET_CHARS = 300
MAX_HELDOUT_PACKAGE = 1000   # bigger packages always train: a test set of several programs, not one
SPLITS = ("train", "dev", "test")
HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------- getting the packages

def deb_field(path, field):
    r = subprocess.run(["dpkg-deb", "-f", path, field], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        die("dpkg-deb -f %s %s failed: %s" % (path, field, r.stderr.strip()))
    return r.stdout.strip()


def cached_deb(debs, pkg, version):
    """The cached .deb of pkg (at version, or any version if version is None), or None."""
    for path in sorted(glob.glob(os.path.join(debs, glob.escape(pkg) + "_*.deb"))):
        if deb_field(path, "Package") != pkg:
            continue
        if version is None or deb_field(path, "Version") == version:
            return path
    return None


def fetch(debs, pkg, version, any_version):
    """-> (path of the .deb, its version); downloads it with apt-get when not cached."""
    path = cached_deb(debs, pkg, None if any_version else version)
    if path is None:
        spec = pkg if any_version else "%s=%s" % (pkg, version)
        log("prepare.py: apt-get download %s" % spec)
        r = subprocess.run(["apt-get", "download", "-q", spec], cwd=debs,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           universal_newlines=True)
        path = cached_deb(debs, pkg, None if any_version else version)
        if r.returncode != 0 or path is None:
            die("'apt-get download %s' failed (exit %d): %s\n"
                "  Is this Debian 12 (bookworm) with its package lists (apt-get update)? A pinned\n"
                "  version replaced by a later stable/security update leaves the archive: rerun\n"
                "  with --any-version to take apt's candidate version (recorded in packages.tsv)."
                % (spec, r.returncode, " ".join(r.stderr.split())[-400:]))
    return path, deb_field(path, "Version")


def catalogs_in_deb(path):
    """-> {domain: bytes of its German .mo} read from the .deb's data archive."""
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", path], stdout=subprocess.PIPE)
    out = {}
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            m = LOCALE_DIR.match(member.name)
            if m and member.isfile():   # links duplicate a catalog of the same package
                out[m.group(1)] = tar.extractfile(member).read()
    if proc.wait() != 0:
        die("dpkg-deb --fsys-tarfile %s failed" % path)
    return out


def catalogs_in_dir(mo_dir):
    """-> [(package, version, sha256, {domain: bytes})] from MO_DIR/PACKAGE/DOMAIN.mo (tests)."""
    found = []
    for pkg in sorted(os.listdir(mo_dir)):
        cats = {}
        for path in sorted(glob.glob(os.path.join(mo_dir, pkg, "*.mo"))):
            with open(path, "rb") as f:
                cats[os.path.basename(path)[:-3]] = f.read()
        found.append((pkg, "local", "-", cats))
    return found


# --------------------------------------------------------------------------- cleaning

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LETTER = re.compile(r"[^\W\d_]")
SPACES = re.compile(r"  +")


def clean(entry):
    """-> (source, target) or (None, reason it is skipped)."""
    src, tgt = entry.msgid, entry.msgstr
    if not tgt:
        return None, "untranslated"
    if src.strip().lower() in CREDITS:
        return None, "translator credits"
    src = unicodedata.normalize("NFC", src).strip()
    tgt = unicodedata.normalize("NFC", tgt).strip()
    if CONTROL.search(src) or CONTROL.search(tgt):
        return None, "multi-line or control characters"
    # Runs of spaces (column alignment in --help texts) become one: SentencePiece would
    # collapse them anyway, and one line per message has no columns to align.
    src, tgt = SPACES.sub(" ", src), SPACES.sub(" ", tgt)
    if not LETTER.search(src):
        return None, "source has no letter"
    if not tgt:
        return None, "untranslated"
    if len(src) > MAX_SOURCE_CHARS or len(tgt) > MAX_TARGET_CHARS:
        return None, "too long"
    return (src, tgt), None


MNEMONIC = re.compile(r"[_&]")
TRAILING = re.compile(r"[\s.:;!?…]+$")


def source_key(src):
    """The key by which a dev/test source counts as seen in training: case, mnemonic markers
    (_File, &File), spacing and trailing punctuation (…, :, .) do not make a message new."""
    key = unicodedata.normalize("NFKC", src).casefold()
    key = MNEMONIC.sub("", key)
    key = " ".join(key.split())
    return TRAILING.sub("", key)


# --------------------------------------------------------------------------- splitting

def split_packages(pairs_by_pkg, test_min, dev_min):
    """-> {package: split}. Packages in the order of md5("split:" + name); each goes to test
    until test holds test_min pairs, then to dev until dev holds dev_min, except packages with
    more than MAX_HELDOUT_PACKAGE pairs, which always go to train."""
    split, size = {}, {"test": 0, "dev": 0}
    for pkg in sorted(pairs_by_pkg, key=lambda p: (md5_int("split:" + p), p)):
        n = len(pairs_by_pkg[pkg])
        choice = "train"
        if 0 < n <= MAX_HELDOUT_PACKAGE:
            if size["test"] < test_min:
                choice = "test"
            elif size["dev"] < dev_min:
                choice = "dev"
        if choice != "train":
            size[choice] += n
        split[pkg] = choice
    return split


def build(pairs_by_pkg, split_of):
    """-> ({split: [(package, domain, source, target)]}, counts of held-out drops)."""
    rows = {s: [] for s in SPLITS}
    seen_pair = set()
    for pkg in sorted(pairs_by_pkg):
        if split_of[pkg] != "train":
            continue
        for domain, src, tgt in pairs_by_pkg[pkg]:
            if (src, tgt) not in seen_pair:   # the same pair in several catalogs: once
                seen_pair.add((src, tgt))
                rows["train"].append((pkg, domain, src, tgt))
    taken = {source_key(r[2]) for r in rows["train"]}
    dropped = {"dev": {"seen in train": 0, "repeat": 0}, "test": {"seen in train": 0, "repeat": 0}}
    for s in ("test", "dev"):   # test first: dev gives way to it
        train_keys = set(taken)
        for pkg in sorted(pairs_by_pkg):
            if split_of[pkg] != s:
                continue
            for domain, src, tgt in pairs_by_pkg[pkg]:
                key = source_key(src)
                if key in train_keys:
                    dropped[s]["seen in train"] += 1
                elif key in taken:   # same source again (other context, other test catalog)
                    dropped[s]["repeat"] += 1
                else:
                    taken.add(key)
                    rows[s].append((pkg, domain, src, tgt))
    check_disjoint(rows)
    return rows, dropped


def check_disjoint(rows):
    """No package and no source key in two splits; no source key twice in dev or test."""
    pkgs = {s: {r[0] for r in rows[s]} for s in SPLITS}
    keys = {s: [source_key(r[2]) for r in rows[s]] for s in SPLITS}
    for i, a in enumerate(SPLITS):
        for b in SPLITS[i + 1:]:
            both = pkgs[a] & pkgs[b]
            assert not both, "packages in both %s and %s: %s" % (a, b, sorted(both))
            both = set(keys[a]) & set(keys[b])
            assert not both, "sources in both %s and %s: %s" % (a, b, sorted(both)[:5])
    for s in ("dev", "test"):
        assert len(set(keys[s])) == len(keys[s]), "a source twice in " + s


# --------------------------------------------------------------------------- outputs

def outputs(rows, manifest):
    files = {}
    for s in SPLITS:
        files[s + ".src"] = "".join(r[2] + "\n" for r in rows[s])
        files[s + ".tgt"] = "".join(r[3] + "\n" for r in rows[s])
        files[s + ".origin"] = "".join("%s\t%s\n" % (r[0], r[1]) for r in rows[s])
    files["packages.tsv"] = ("package\tversion\tsha256\tsplit\tcatalogs\tentries\tkept\tlines\n"
                             + "".join("\t".join(map(str, m)) + "\n" for m in manifest))
    return files


def stamp_key(inputs, args):
    me = sha256_file(os.path.abspath(__file__))
    mo = sha256_file(os.path.join(HERE, "mo.py"))
    return "prepare.py %s mo.py %s test %d dev %d inputs %s" % (
        me, mo, args.test_min, args.dev_min,
        hashlib.sha256("\n".join(inputs).encode("utf-8")).hexdigest())


# --------------------------------------------------------------------------- main

def main():
    ap = argument_parser(__doc__, HERE)
    ap.add_argument("--cache", default=default_cache(HERE),
                    help="the .deb files go to CACHE/debs (default: $TANDEM_DATA_CACHE "
                         "or examples/translate-de/data/cache)")
    ap.add_argument("--mo-dir", help="read MO_DIR/PACKAGE/DOMAIN.mo instead of the packages "
                                     "(for tests)")
    ap.add_argument("--any-version", action="store_true",
                    help="take apt's candidate version when a pinned one is not available")
    ap.add_argument("--test-min", type=int, default=2500,
                    help="fill the test split with packages until it has this many pairs")
    ap.add_argument("--dev-min", type=int, default=1500,
                    help="then fill the dev split until it has this many pairs")
    ap.add_argument("--force", action="store_true", help="rewrite every output file")
    ap.add_argument("--verbose", action="store_true",
                    help="print the counts even when nothing changed")
    args = ap.parse_args()

    # 1. The catalogs, and a description of the inputs for the stamp.
    if args.mo_dir:
        if not os.path.isdir(args.mo_dir):
            die("--mo-dir %s: no such folder" % args.mo_dir)
        sources = catalogs_in_dir(args.mo_dir)
        inputs = ["%s %s %s" % (p, d, hashlib.sha256(b).hexdigest())
                  for p, _, _, cats in sources for d, b in sorted(cats.items())]
    else:
        debs = os.path.join(args.cache, "debs")
        os.makedirs(debs, exist_ok=True)
        got = []
        for pkg, version in PACKAGES:
            path = cached_deb(debs, pkg, None if args.any_version else version)
            got.append((pkg, version, path))
        inputs = ["%s %s" % (p, os.path.basename(path) if path else "-") for p, _, path in got]
        if all(path for _, _, path in got) and not args.force and not args.verbose \
                and stamp_ok(args.out, stamp_key(inputs, args)):
            return 0   # up to date: nothing to do, nothing to say
        sources = []
        for pkg, version in PACKAGES:
            path, got_version = fetch(debs, pkg, version, args.any_version)
            if got_version != version:
                log("prepare.py: note: %s %s instead of the pinned %s" % (pkg, got_version, version))
            sources.append((pkg, got_version, sha256_file(path), catalogs_in_deb(path)))
        inputs = ["%s %s" % (pkg, os.path.basename(cached_deb(debs, pkg, v)))
                  for pkg, v, _, _ in sources]
    if args.mo_dir and not args.force and not args.verbose \
            and stamp_ok(args.out, stamp_key(inputs, args)):
        return 0

    # 2. Read and clean every catalog; pairs deduplicated within a package.
    pairs_by_pkg, reasons, entries = {}, {}, {}
    n_entries = n_plural = n_context = 0
    for pkg, _, _, cats in sources:
        seen, pairs = set(), []
        entries[pkg] = 0
        for domain in sorted(cats):
            if domain in EXCLUDED_DOMAINS:
                continue
            try:
                _, ents = read_mo(cats[domain], "%s: %s.mo" % (pkg, domain))
            except MoError as e:
                die(str(e))
            entries[pkg] += len(ents)
            for e in ents:
                n_entries += 1
                n_plural += e.plural
                n_context += e.context is not None
                pair, why = clean(e)
                if pair is None:
                    reasons[why] = reasons.get(why, 0) + 1
                elif pair in seen:
                    reasons["repeat within package"] = reasons.get("repeat within package", 0) + 1
                else:
                    seen.add(pair)
                    pairs.append((domain,) + pair)
        pairs_by_pkg[pkg] = pairs
        if not cats:
            log("prepare.py: warning: %s has no German catalog" % pkg)

    # 3. Split by package, and the outputs.
    split_of = split_packages(pairs_by_pkg, args.test_min, args.dev_min)
    rows, dropped = build(pairs_by_pkg, split_of)
    lines = {}
    for s in SPLITS:
        for r in rows[s]:
            lines[r[0]] = lines.get(r[0], 0) + 1
    manifest = [(pkg, version, sha, split_of[pkg],
                 ",".join(sorted(d for d in cats if d not in EXCLUDED_DOMAINS)) or "-",
                 entries[pkg], len(pairs_by_pkg[pkg]), lines.get(pkg, 0))
                for pkg, version, sha, cats in sources]
    files = outputs(rows, manifest)
    changed = write_if_changed(args.out, files, args.force)
    write_stamp(args.out, stamp_key(inputs, args), files)

    if changed or args.verbose:
        log("%d packages, %d catalogs, %d entries (%d plural, %d with a context)"
            % (len(sources), sum(len(c) for _, _, _, c in sources), n_entries, n_plural, n_context))
        log("skipped: " + ", ".join("%s %d" % kv for kv in sorted(reasons.items())))
        for s in SPLITS:
            pk = sorted({r[0] for r in rows[s]})
            extra = ""
            if s in dropped:
                extra = "; dropped: %d seen in train, %d repeats" % (
                    dropped[s]["seen in train"], dropped[s]["repeat"])
            log("  %-5s %6d pairs from %2d packages%s" % (s, len(rows[s]), len(pk), extra))
            if s != "train":
                log("        " + " ".join(pk))
        log("wrote %d file(s) under %s" % (len(changed), args.out) if changed
            else "all %d files under %s are up to date" % (len(files), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
