# Reads and writes GNU gettext binary catalogs (.mo files), Python 3 standard library only.
"""The .mo format (GNU gettext manual, "The Format of GNU MO Files"):

    magic (0x950412de, in the file's byte order) | revision | N | offset of the original-string
    table | offset of the translation table | ...; each table holds N (length, offset) pairs.

An original string is `msgid`, or `msgctxt "\\x04" msgid` when it has a context, and for a
plural entry `msgid "\\0" msgid_plural`; the translation of a plural entry is its forms joined
by "\\0". The entry with the empty msgid is the header, whose Content-Type names the charset.
`msgfmt` leaves fuzzy and untranslated entries out of a .mo by default.

`write_mo` exists for the tests, which build small catalogs of their own.
"""

import re
import struct

MAGIC = 0x950412DE
CHARSET = re.compile(r"charset=([A-Za-z0-9_.:-]+)", re.IGNORECASE)


class MoError(ValueError):
    pass


class Entry:
    """One catalog entry, decoded: context (or None), the msgid and the first translation form."""

    __slots__ = ("context", "msgid", "plural", "msgstr")

    def __init__(self, context, msgid, plural, msgstr):
        self.context = context   # msgctxt, or None
        self.msgid = msgid       # singular English text
        self.plural = plural     # True for an entry with msgid_plural
        self.msgstr = msgstr     # the first form (the singular form in German)


def read_mo(data, name="<mo>"):
    """-> (charset, [Entry]) from the bytes of a .mo file; raises MoError naming `name`."""
    if len(data) < 20:
        raise MoError("%s: too short for a .mo file (%d bytes)" % (name, len(data)))
    for order in ("<", ">"):
        if struct.unpack(order + "I", data[:4])[0] == MAGIC:
            break
    else:
        raise MoError("%s: not a .mo file (bad magic number)" % name)
    revision, n, orig_at, trans_at = struct.unpack(order + "4I", data[4:20])
    if revision >> 16 > 1:
        raise MoError("%s: unsupported .mo major revision %d" % (name, revision >> 16))

    def string(table, i):
        at = table + 8 * i
        if at + 8 > len(data):
            raise MoError("%s: string table entry %d lies outside the file" % (name, i))
        length, offset = struct.unpack(order + "2I", data[at:at + 8])
        if offset + length > len(data):
            raise MoError("%s: string %d lies outside the file" % (name, i))
        return data[offset:offset + length]

    raw = [(string(orig_at, i), string(trans_at, i)) for i in range(n)]
    charset = "utf-8"
    for orig, trans in raw:
        if orig == b"":   # the header
            m = CHARSET.search(trans.decode("ascii", "replace"))
            if m and m.group(1).upper() != "CHARSET":
                charset = m.group(1)
            break
    try:
        "".encode(charset)
    except LookupError:
        raise MoError("%s: unknown charset %r in the header" % (name, charset))

    entries = []
    for i, (orig, trans) in enumerate(raw):
        if orig == b"":
            continue
        try:
            orig_s, trans_s = orig.decode(charset), trans.decode(charset)
        except UnicodeDecodeError as e:
            raise MoError("%s: entry %d is not valid %s: %s" % (name, i, charset, e))
        context = None
        if "\x04" in orig_s:
            context, orig_s = orig_s.split("\x04", 1)
        msgid, plural, _ = orig_s.partition("\0")
        entries.append(Entry(context, msgid, bool(plural), trans_s.split("\0")[0]))
    return charset, entries


def write_mo(pairs, charset="UTF-8"):
    """-> bytes of a .mo file (little-endian, no hash table) for [(original, translation)], where
    an original may hold "\\x04" (context) and "\\0" (plural), as in the file itself."""
    header = ("Content-Type: text/plain; charset=%s\n" % charset)
    items = sorted([("", header)] + list(pairs), key=lambda p: p[0].encode(charset))
    origs = [o.encode(charset) for o, _ in items]
    trans = [t.encode(charset) for _, t in items]
    n = len(items)
    orig_at = 28
    trans_at = orig_at + 8 * n
    data_at = trans_at + 8 * n
    blob = b""
    orig_tab, trans_tab = b"", b""
    for table, strings in ((0, origs), (1, trans)):
        for s in strings:
            entry = struct.pack("<2I", len(s), data_at + len(blob))
            blob += s + b"\0"
            if table == 0:
                orig_tab += entry
            else:
                trans_tab += entry
    head = struct.pack("<7I", MAGIC, 0, n, orig_at, trans_at, 0, data_at)
    return head + orig_tab + trans_tab + blob
