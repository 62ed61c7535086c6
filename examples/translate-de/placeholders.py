#!/usr/bin/env python3
# Placeholders in software messages (%s, %1$d, %(name)s, %1, {name}, ${var}) and how well a translation keeps them.
"""Usage: python3 placeholders.py SOURCE HYPOTHESIS [REFERENCE]

Prints, over the lines whose source has at least one placeholder, how often the hypothesis
holds exactly the source's placeholders (the same multiset; order may change, as German word
order often needs, and `%1$s` style positions exist for that). With a reference, the same rate
for the reference is printed too: it shows how often the human translators did so.
"""

import collections
import re
import sys

PLACEHOLDER = re.compile(
    r"%%"                                                   # a literal percent sign
    r"|%\d+\$[-+ #0']*\d*(?:\.\d+)?[hlLqjzt]*[A-Za-z]"      # positional printf: %1$s, %2$'d
    r"|%\([A-Za-z0-9_]+\)[-+ #0]*\d*(?:\.\d+)?[A-Za-z]"     # Python named: %(name)s
    r"|%[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlLqjzt]*[A-Za-z<>]"  # printf, GCC %qs %< %>
    r"|%\d+"                                                # Qt/KDE: %1, %2
    r"|\{[A-Za-z0-9_]*\}"                                   # Python/C# format: {name}, {0}, {}
    r"|\$\{[A-Za-z_][A-Za-z0-9_]*\}")                       # shell-like: ${var}


def placeholders(text):
    """-> Counter of the placeholders in text."""
    return collections.Counter(PLACEHOLDER.findall(text))


def kept_rate(sources, outputs):
    """-> (lines whose source has placeholders, of those how many outputs have exactly them)."""
    with_ph = kept = 0
    for src, out in zip(sources, outputs):
        ph = placeholders(src)
        if ph:
            with_ph += 1
            kept += placeholders(out) == ph
    return with_ph, kept


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src = read_lines(argv[1])
    for path in argv[2:]:
        other = read_lines(path)
        if len(other) != len(src):
            print("error: %s has %d lines, %s has %d" % (path, len(other), argv[1], len(src)),
                  file=sys.stderr)
            return 1
        n, kept = kept_rate(src, other)
        share = 100.0 * kept / n if n else 0.0
        print("%s: %d of %d lines whose source has placeholders keep exactly them (%.1f%%)"
              % (path, kept, n, share))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
