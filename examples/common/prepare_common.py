# Helpers shared by the examples' prepare.py/evaluate.py: messages, hashes, stamps, atomic writes.
"""Python 3 standard library only. Imported by examples/*/prepare.py and evaluate.py, which put
this folder on sys.path (and set sys.dont_write_bytecode, so that no __pycache__ is left here).

A stamp file (OUT/.prepared) is: a first line, the key (what the outputs were made from), then
one line `SHA256  RELATIVE/PATH` per output file."""

import argparse
import hashlib
import os
import sys

STAMP = ".prepared"


def log(msg):
    """Prints a message on stderr."""
    print(msg, file=sys.stderr)


def die(msg, prog="prepare.py"):
    """Prints `PROG: error: MSG` on stderr and exits with status 1."""
    log(prog + ": error: " + msg)
    sys.exit(1)


def sha256_file(path):
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def md5_int(text):
    """Stable integer hash of a string (independent of PYTHONHASHSEED and platform)."""
    return int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16)


def argument_parser(doc, here):
    """A parser described by the first line of doc, with --out (default: HERE/data)."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "data"),
                    help="output folder (default: examples/%s/data)" % os.path.basename(here))
    return ap


def default_cache(here):
    """The download cache: $TANDEM_DATA_CACHE if set, else HERE/data/cache."""
    return os.environ.get("TANDEM_DATA_CACHE") or os.path.join(here, "data", "cache")


def read_lines(path, prog="evaluate.py"):
    """The lines of a UTF-8 text file (without line ends); dies with a clear message if it
    cannot be read or is not UTF-8."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except OSError as e:
        die("cannot read %s: %s" % (path, e.strerror), prog)
    except UnicodeDecodeError as e:
        die("%s is not UTF-8 (byte %d)" % (path, e.start), prog)


def has_bytes(path, data):
    """True if the file at path exists and holds exactly these bytes."""
    try:
        with open(path, "rb") as f:
            return f.read() == data
    except FileNotFoundError:
        return False


def write_atomic(path, data):
    """Writes bytes to path through path.tmp and a rename: readers see the old file or the new."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def write_if_changed(out, files, force=False):
    """Writes {relative path: text} under out as UTF-8, skipping files whose bytes are already
    the same (unless force); returns the sorted relative paths written."""
    changed = []
    for rel, text in sorted(files.items()):
        path = os.path.join(out, rel)
        data = text.encode("utf-8")
        if force or not has_bytes(path, data):
            write_atomic(path, data)
            changed.append(rel)
    return changed


def stamp_ok(out, key):
    """True if OUT/.prepared has this key and every file it lists still has its sha256."""
    try:
        with open(os.path.join(out, STAMP), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return False
    if len(lines) < 2 or lines[0] != key:
        return False
    for line in lines[1:]:
        digest, _, rel = line.partition("  ")
        try:
            if sha256_file(os.path.join(out, rel)) != digest:
                return False
        except FileNotFoundError:
            return False
    return True


def write_stamp(out, key, files):
    """Writes OUT/.prepared for the key and {relative path: text} (atomically; not if unchanged)."""
    lines = [key] + ["%s  %s" % (hashlib.sha256(text.encode("utf-8")).hexdigest(), rel)
                     for rel, text in sorted(files.items())]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path = os.path.join(out, STAMP)
    if not has_bytes(path, data):
        write_atomic(path, data)
