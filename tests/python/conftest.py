"""Shared fixtures of the Python tests: the tandem command, the reverse-task corpus, and tiny
models trained once per session, one from Python and one by the command."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

import tandem

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tandem_binary() -> str:
    """The tandem command to compare with: $TANDEM_BINARY, else the release build's."""
    path = os.environ.get("TANDEM_BINARY") or str(REPO / "build" / "release" / "src" / "tandem")
    if not os.access(path, os.X_OK):
        pytest.fail(f"the tandem command is missing: {path} (build the release preset, or set "
                    "TANDEM_BINARY)")
    return path


def run_cli(binary: str, *args: str, stdin: str | None = None) -> str:
    """Runs the tandem command and returns its standard output; a failure fails the test."""
    r = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, f"tandem {' '.join(args)}: exit {r.returncode}\n{r.stderr}"
    return r.stdout


def reverse_corpus(n: int, seed: int) -> tuple[list[str], list[str]]:
    """n lines of 1-6 symbols from a-f separated by spaces, and their reversals (the C++
    tests' reverse task, tests/support/reverse_corpus.h)."""
    rng = random.Random(seed)
    sources, targets = [], []
    for _ in range(n):
        symbols = [rng.choice("abcdef") for _ in range(rng.randint(1, 6))]
        sources.append(" ".join(symbols))
        targets.append(" ".join(reversed(symbols)))
    return sources, targets


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def tiny_config(folder: Path, name: str, steps: int = 60) -> dict:
    """A config of a tiny model on the reverse task, with a dev set validated at the end only
    (so the folder's best model is the last one)."""
    train_src, train_tgt = reverse_corpus(200, seed=1)
    dev_src, dev_tgt = reverse_corpus(20, seed=2)
    return {
        "data": {
            "train_source": write_lines(folder / f"{name}.train.src", train_src),
            "train_target": write_lines(folder / f"{name}.train.tgt", train_tgt),
            "dev_source": write_lines(folder / f"{name}.dev.src", dev_src),
            "dev_target": write_lines(folder / f"{name}.dev.tgt", dev_tgt),
            "source_tokenizer": "word",
            "target_tokenizer": "word",
        },
        "model": {"embedding_size": 8, "encoder": {"hidden_size": 12},
                  "decoder": {"hidden_size": 16}},
        "train": {"model_dir": str(folder / name), "max_steps": steps, "batch_size": 16,
                  "valid_every": steps, "checkpoint_every": steps, "log_every": steps,
                  "learning_rate": 0.01},
    }


# Source lines for translating: the dev set's, an empty line, and one symbol the model never
# saw in training (read as <unk>).
PROBE_LINES = reverse_corpus(12, seed=3)[0] + ["", "a x b"]


@pytest.fixture(scope="session")
def python_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, tandem.TrainSummary]:
    """A tiny model trained by tandem.train: (its folder, its config, the summary)."""
    folder = tmp_path_factory.mktemp("python_model")
    config = tiny_config(folder, "model")
    summary = tandem.train(config)
    return config["train"]["model_dir"], config, summary


@pytest.fixture(scope="session")
def cli_model(tmp_path_factory: pytest.TempPathFactory, tandem_binary: str) -> str:
    """A tiny model trained by `tandem train --config` (with a --set), its folder."""
    import json

    folder = tmp_path_factory.mktemp("cli_model")
    config = tiny_config(folder, "model", steps=40)
    path = folder / "model.yaml"
    path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    run_cli(tandem_binary, "train", "--config", str(path), "--set", "model.cell=lstm")
    return config["train"]["model_dir"]


@pytest.fixture(scope="session")
def translator(python_model) -> tandem.Translator:
    return tandem.Translator(python_model[0], threads=1)
