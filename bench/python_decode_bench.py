#!/usr/bin/env python3
"""Decoding speed through the Python package: greedy and beam-5 sentences/s at batch 64, the
same work as bench/tools/decode_bench (its first two figures), to set Python's overhead against
the library's in the same sitting. Run with the venv that has tandem installed
(scripts/test-python.sh makes one in build/python-venv):

  build/python-venv/bin/python bench/python_decode_bench.py MODEL_DIR SOURCE_FILE \\
      [greedy_lines beam_lines threads precision]
"""

import json
import sys
import time

import tandem


def speed(translator: tandem.Translator, lines: list, beam: int) -> float:
    """Sentences per second of one translate() call, as decode_bench times one batch run."""
    if not lines:
        return 0.0
    start = time.perf_counter()
    translator.translate(lines, beam_size=beam, n_best=1, batch_size=64)
    return len(lines) / (time.perf_counter() - start)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    model, source = sys.argv[1], sys.argv[2]
    count = lambda i, fallback: int(sys.argv[i]) if len(sys.argv) > i else fallback
    greedy_n, beam_n, threads = count(3, 3000), count(4, 640), count(5, 1)
    precision = sys.argv[6] if len(sys.argv) > 6 else None
    with open(source, encoding="utf-8") as f:
        lines = f.read().splitlines()
    translator = tandem.Translator(model, threads=threads, precision=precision)
    print(json.dumps({
        "greedy_sentences_per_s": round(speed(translator, lines[:greedy_n], 1), 1),
        "beam5_sentences_per_s": round(speed(translator, lines[:beam_n], 5), 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
