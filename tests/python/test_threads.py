"""Python threads: two translating with one Translator at once get the single-thread outputs,
and the GIL is released while C++ works, so other Python threads run meanwhile."""

from __future__ import annotations

import threading
import time

import tandem
from conftest import reverse_corpus

LINES = reverse_corpus(300, seed=11)[0]


def test_two_threads_translating_at_once_get_the_single_thread_outputs(python_model):
    translator = tandem.Translator(python_model[0], threads=1)
    greedy = [r.hypotheses for r in translator.translate(LINES, batch_size=8)]
    beam = [r.hypotheses for r in translator.translate(LINES, beam_size=3, n_best=2,
                                                       batch_size=8)]
    start = threading.Barrier(2)
    got: dict[str, list] = {}
    errors: list[BaseException] = []

    def work(name: str, **options) -> None:
        try:
            start.wait()
            outputs = []
            for _ in range(8):
                outputs.append([r.hypotheses for r in translator.translate(LINES, batch_size=8,
                                                                           **options)])
            got[name] = outputs
        except BaseException as e:  # noqa: BLE001 - reported below, on the test's thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=("greedy",)),
               threading.Thread(target=work, args=("beam",), kwargs={"beam_size": 3,
                                                                      "n_best": 2})]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert got["greedy"] == [greedy] * 8
    assert got["beam"] == [beam] * 8


def ticks_during(call) -> tuple[int, float]:
    """How often another Python thread ran (a loop of 1 ms sleeps) while `call` ran."""
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.01)
    before = ticks
    started = time.perf_counter()
    call()
    seconds = time.perf_counter() - started
    after = ticks
    done.set()
    counter.join()
    return after - before, seconds


def test_the_gil_is_released_while_translating_and_scoring(python_model):
    translator = tandem.Translator(python_model[0], threads=1)
    calls = {"translate": lambda lines: translator.translate(lines, beam_size=4),
             "score": lambda lines: translator.score(lines, lines)}
    for name, call in calls.items():
        # Input enough for a call of 0.1 s at least: shorter ones prove little.
        lines = LINES
        while True:
            started = time.perf_counter()
            call(lines)
            if time.perf_counter() - started >= 0.1 or len(lines) > 500_000:
                break
            lines = lines * 2
        ticks, seconds = ticks_during(lambda: call(lines))
        # Holding the GIL, the counter would run only around the call (a tick or two); without
        # it, about once a millisecond.
        assert seconds > 0.05, f"{name} took {seconds:.3f} s: make it longer"
        assert ticks >= 10, f"{name}: {ticks} ticks in {seconds:.3f} s"


def test_the_gil_is_released_while_training(tmp_path):
    from conftest import tiny_config

    config = tiny_config(tmp_path, "m", steps=600)
    ticks, seconds = ticks_during(lambda: tandem.train(config))
    assert seconds > 0.05, f"training took {seconds:.3f} s: make it longer"
    assert ticks >= 10, f"{ticks} ticks in {seconds:.3f} s"
