#!/usr/bin/env python3
"""Writes the toy task behind the serve demo and load test: reverse a string of Latin letters
and Chinese characters. Its attention is an anti-diagonal, easy to recognise in the heatmap.
Usage: serve_data.py OUT_DIR [--lines N] [--seed S]"""
import argparse
import pathlib
import random

ALPHABET = list("abcdefghijklmnopqrstuvwxyz") + list("你好世界我们学习中文机器翻译模型注意力")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=pathlib.Path)
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, count in (("train", args.lines), ("dev", 200)):
        sources = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(3, 12)))
                   for _ in range(count)]
        for suffix, lines in (("src", sources), ("tgt", [s[::-1] for s in sources])):
            path = args.out_dir / f"{name}.{suffix}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            tmp.replace(path)  # atomic: a reader never sees half a file


if __name__ == "__main__":
    main()
