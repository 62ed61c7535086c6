"""tandem.train: configs as a file or a dict with overrides, progress events, stopping by an
exception or by Ctrl+C with a checkpoint that resume=True continues exactly, and models that
the tandem command reads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tandem
from conftest import PROBE_LINES, reverse_corpus, run_cli, tiny_config, write_lines


def checkpoints(model_dir: str) -> list[str]:
    folder = Path(model_dir) / "checkpoints"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def test_progress_events_and_summary(tmp_path):
    config = tiny_config(tmp_path, "m", steps=12)
    config["train"]["valid_every"] = 6
    events = []
    summary = tandem.train(config, on_progress=events.append)
    steps = [e for e in events if e.kind == "step"]
    validations = [e for e in events if e.kind == "validation"]
    assert [e.step for e in steps] == list(range(1, 13))
    assert all(e.max_steps == 12 and e.tokens > 0 and e.loss > 0 and e.validation is None
               for e in steps)
    assert [e.step for e in validations] == [6, 12]
    assert all(0 <= e.validation.exact_match <= 1 and e.validation.loss > 0 for e in validations)
    assert validations[0].best
    assert summary.steps == 12 and not summary.interrupted
    assert summary.last_loss == pytest.approx(steps[-1].loss)
    best = min(validations, key=lambda e: e.validation.loss)
    assert summary.best_dev_loss == pytest.approx(best.validation.loss)
    assert summary.model_dir == config["train"]["model_dir"]


def test_a_yaml_file_with_overrides_and_the_command_reads_the_model(tmp_path, tandem_binary):
    config = tiny_config(tmp_path, "m", steps=60)
    path = tmp_path / "m.yaml"
    path.write_text(json.dumps(config), encoding="utf-8")
    summary = tandem.train(path, {"train": {"max_steps": 5}, "model.cell": "lstm"})
    assert summary.steps == 5
    saved = (Path(summary.model_dir) / "config.yaml").read_text(encoding="utf-8")
    assert "lstm" in saved
    expected = run_cli(tandem_binary, "translate", "--model", summary.model_dir, "--threads", "1",
                       stdin="".join(line + "\n" for line in PROBE_LINES)).splitlines()
    got = tandem.Translator(summary.model_dir).translate(PROBE_LINES)
    assert [r.hypotheses[0] for r in got] == expected


def test_an_exception_in_on_progress_stops_with_a_checkpoint_and_resume_is_exact(tmp_path,
                                                                                 python_model):
    class Stop(Exception):
        pass

    def stop_at_7(event):
        if event.step == 7:
            raise Stop("enough")

    config = tiny_config(tmp_path, "m")  # the session model's config: 60 steps
    with pytest.raises(Stop, match="enough"):
        tandem.train(config, on_progress=stop_at_7)
    assert checkpoints(config["train"]["model_dir"]) == ["step-00000007"]
    summary = tandem.train(config, resume=True)
    assert summary.steps == 60
    # The same parameters as the session's run of the same config, never stopped.
    sources, targets = reverse_corpus(10, seed=9)
    resumed = tandem.Translator(summary.model_dir).score(sources, targets)
    straight = tandem.Translator(python_model[0]).score(sources, targets)
    assert [r.token_log_probs for r in resumed] == [r.token_log_probs for r in straight]


def test_a_used_folder_needs_resume_or_overwrite(tmp_path):
    config = tiny_config(tmp_path, "m", steps=3)
    tandem.train(config)
    with pytest.raises(tandem.Error, match="overwrite"):
        tandem.train(config)
    assert tandem.train(config, {"train.max_steps": 4}, overwrite=True).steps == 4


CHILD = textwrap.dedent("""
    import json, sys
    import tandem

    def on_progress(event):
        pass

    callback = on_progress if sys.argv[2] == "on_progress" else None
    tandem.train(json.loads(sys.argv[1]), on_progress=callback)
    print("not interrupted", flush=True)
""")


@pytest.mark.parametrize("callback", ["on_progress", "none"])
def test_ctrl_c_stops_after_the_step_with_a_checkpoint_and_resume_continues(tmp_path, callback):
    config = tiny_config(tmp_path, "m", steps=1_000_000)
    config["train"]["checkpoint_every"] = 1_000_000
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(config), callback],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The trainer's first line says the data is read: training starts.
        first = child.stderr.readline()
        assert first.startswith("training: "), first
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert "not interrupted" not in out
    assert child.returncode != 0
    assert "KeyboardInterrupt: training stopped at step" in err, err
    assert "resume=True" in err
    [checkpoint] = checkpoints(config["train"]["model_dir"])
    step = int(checkpoint.split("-")[1])
    assert step >= 1
    assert str(Path(config["train"]["model_dir"]) / "checkpoints" / checkpoint) in err
    summary = tandem.train(config, {"train.max_steps": step + 3}, resume=True)
    assert summary.steps == step + 3 and not summary.interrupted


def test_config_errors_are_the_commands(tmp_path, tandem_binary):
    config = tiny_config(tmp_path, "m", steps=3)
    config["train"]["max_stepz"] = 3
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(config), encoding="utf-8")
    r = subprocess.run([tandem_binary, "train", "--config", str(path)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 1 and r.stderr.startswith("error: ")
    message = r.stderr.removeprefix("error: ").strip()
    assert "max_stepz" in message
    with pytest.raises(tandem.Error) as e:
        tandem.train(path)
    assert str(e.value) == message
    # The same config as a dict names the key too.
    with pytest.raises(tandem.Error, match="max_stepz"):
        tandem.train(config)
    with pytest.raises(tandem.Error, match="max_steps"):
        tandem.train(tiny_config(tmp_path, "n"), {"train.max_steps": "many"})
    with pytest.raises(tandem.Error, match="no_such_key"):
        tandem.train(tiny_config(tmp_path, "n"), {"train.no_such_key": 1})


def test_training_data_errors_name_the_file(tmp_path):
    config = tiny_config(tmp_path, "m", steps=3)
    config["data"]["train_target"] = write_lines(tmp_path / "short.tgt", ["a"])
    with pytest.raises(tandem.Error, match="short.tgt"):
        tandem.train(config)
