"""Translator.translate gives the tandem command's outputs on the same model: greedy and beam,
n-best lists with their scores, attention weights; and translate_iterable gives translate's."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

import tandem
from conftest import PROBE_LINES, run_cli, write_lines


def cli_translate(binary: str, model: str, tmp_path, *args: str) -> list[str]:
    source = write_lines(tmp_path / "probe.src", PROBE_LINES)
    return run_cli(binary, "translate", "--model", model, "--input", source, "--threads", "1",
                   *args).splitlines()


@pytest.mark.parametrize("beam", [1, 4])
def test_best_outputs_equal_the_commands(translator, python_model, tandem_binary, tmp_path, beam):
    expected = cli_translate(tandem_binary, python_model[0], tmp_path, "--beam", str(beam))
    results = translator.translate(PROBE_LINES, beam_size=beam)
    assert [r.hypotheses for r in results] == [[line] for line in expected]
    # The model is trained enough to tell greedy from random: most outputs are non-empty.
    assert sum(1 for line in expected if line) >= len(expected) // 2


def test_n_best_lists_and_scores_equal_the_commands(translator, python_model, tandem_binary,
                                                    tmp_path):
    lines = cli_translate(tandem_binary, python_model[0], tmp_path, "--beam", "4", "--n-best",
                          "3")
    expected: dict[int, list[tuple[str, float]]] = {}
    for line in lines:
        index, text, score = line.split(" ||| ")
        expected.setdefault(int(index), []).append((text, float(score)))
    results = translator.translate(PROBE_LINES, beam_size=4, n_best=3, return_scores=True)
    assert len(results) == len(PROBE_LINES) == len(expected)
    for i, r in enumerate(results):
        assert r.hypotheses == [text for text, _ in expected[i]]
        # The command prints 6 significant digits.
        assert r.scores == pytest.approx([score for _, score in expected[i]], rel=1e-5, abs=1e-6)
        assert len(r.log_probs) == len(r.hypotheses)
        assert len(r.tokens) == len(r.hypotheses)
    # An ordinary line gets 3 outputs, the empty line one empty output.
    assert len(results[0].hypotheses) == 3
    empty = results[PROBE_LINES.index("")]
    assert empty.hypotheses == [""] and empty.source_tokens == []


def test_scores_and_attention_only_when_asked(translator):
    r = translator.translate(["a b"])[0]
    assert r.scores is None and r.log_probs is None and r.attention is None


def test_attention_shapes_row_sums_and_the_commands_weights(translator, python_model,
                                                            tandem_binary, tmp_path):
    lines = cli_translate(tandem_binary, python_model[0], tmp_path, "--beam", "3",
                          "--attention-json")
    results = translator.translate(PROBE_LINES, beam_size=3, return_attention=True,
                                   return_scores=True)
    assert len(lines) == len(results)
    for line, r in zip(lines, results):
        text, _, blob = line.partition("\t")
        expected = json.loads(blob)
        assert r.hypotheses[0] == text
        assert r.source_tokens == expected["source"]
        assert r.tokens[0] == expected["output"]
        assert r.tokens[0][-1:] == ["</s>"] or r.source_tokens == []
        weights = r.attention[0]
        assert isinstance(weights, np.ndarray) and weights.dtype == np.float32
        assert weights.shape == (len(r.tokens[0]), len(r.source_tokens))
        if weights.size:
            np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)
            np.testing.assert_allclose(weights, np.array(expected["attention"]), atol=1e-6)
        assert r.scores[0] == pytest.approx(expected["score"], rel=1e-6)


def test_a_cli_trained_model_translates_as_the_command_does(cli_model, tandem_binary, tmp_path):
    expected = cli_translate(tandem_binary, cli_model, tmp_path, "--beam", "2")
    results = tandem.Translator(cli_model, threads=1).translate(PROBE_LINES, beam_size=2)
    assert [r.hypotheses[0] for r in results] == expected


def test_settings_of_a_call_do_not_stay(translator):
    greedy = [r.hypotheses for r in translator.translate(PROBE_LINES)]
    translator.translate(PROBE_LINES, beam_size=4, n_best=4, min_length=3)
    assert [r.hypotheses for r in translator.translate(PROBE_LINES)] == greedy


def test_other_decode_settings_by_name(translator):
    results = translator.translate(PROBE_LINES[:5], min_length=4, batch_size=2)
    for r in results:
        assert len(r.tokens[0]) >= 5  # 4 tokens, then </s>


def test_translate_iterable_gives_translates_results_in_order(translator):
    expected = [r.hypotheses for r in translator.translate(PROBE_LINES, beam_size=2)]
    # Lines as a file gives them, with line ends, in chunks smaller than the input.
    got = translator.translate_iterable((line + "\n" for line in PROBE_LINES), chunk_size=3,
                                        beam_size=2)
    assert [r.hypotheses for r in got] == expected
    got = translator.translate_iterable([line + "\r\n" for line in PROBE_LINES], beam_size=2)
    assert [r.hypotheses for r in got] == expected


def test_translate_iterable_reads_a_chunk_at_a_time(translator):
    read = 0

    def endless():
        nonlocal read
        for i in itertools.count():
            read += 1
            yield PROBE_LINES[i % len(PROBE_LINES)]

    results = translator.translate_iterable(endless(), chunk_size=5)
    assert read == 0  # nothing is read before the first result is asked for
    first = next(results)
    assert read == 5 and first.hypotheses == translator.translate(PROBE_LINES[:1])[0].hypotheses
    taken = list(itertools.islice(results, 11))  # results 2..12: the chunks of lines 6..15
    assert len(taken) == 11 and read == 15


def test_translate_iterable_checks_settings_before_reading(translator):
    def never():
        raise AssertionError("read")
        yield ""

    with pytest.raises(tandem.Error, match="beam_size"):
        translator.translate_iterable(never(), beam_size=0)
    with pytest.raises(tandem.Error, match="chunk_size"):
        translator.translate_iterable(never(), chunk_size=0)


def test_a_line_over_max_input_tokens_is_cut_with_a_warning(translator):
    with pytest.warns(UserWarning, match=r"sources\[1\]: 12 source tokens, cut to the first 5"):
        results = translator.translate(["a b", "a " * 12], max_input_tokens=5,
                                       return_attention=True)
    assert results[0].truncated_from == 0
    assert results[1].truncated_from == 12 and len(results[1].source_tokens) == 5
    assert results[1].attention[0].shape[1] == 5
    with pytest.warns(UserWarning, match=r"source line 3: 12 source tokens"):
        list(translator.translate_iterable(["a", "b", "a " * 12], max_input_tokens=5,
                                           chunk_size=2))
