"""tandem.bleu / chrf / wer / per / exact_match and evaluate() print what `tandem eval` prints,
with one reference stream or several."""

from __future__ import annotations

import pytest

import tandem
from conftest import run_cli, write_lines

HYPOTHESES = ["the cat sat on the mat", "a dog barks loudly", "hello wörld", "same line"]
REFERENCES = ["the cat sat on a mat", "the dog barked loudly", "hello world", "same line"]
SECOND = ["a cat was sitting on the mat", "a dog barks loudly", "hello wörld", "a same line"]

CASES = [
    (tandem.bleu, {}, "bleu"),
    (tandem.chrf, {}, "chrf"),
    (tandem.chrf, {"word_order": 2}, "chrf++"),
    (tandem.wer, {}, "wer"),
    (tandem.per, {}, "per"),
    (tandem.exact_match, {}, "exact"),
]


@pytest.mark.parametrize("function,kwargs,metric", CASES, ids=[c[2] for c in CASES])
@pytest.mark.parametrize("streams", [1, 2])
def test_each_metric_prints_what_tandem_eval_prints(tandem_binary, tmp_path, function, kwargs,
                                                    metric, streams):
    hyp = write_lines(tmp_path / "hyp.txt", HYPOTHESES)
    refs = [write_lines(tmp_path / "ref1.txt", REFERENCES), write_lines(tmp_path / "ref2.txt",
                                                                        SECOND)][:streams]
    expected = run_cli(tandem_binary, "eval", "-i", hyp, "-r", *refs, "-m", metric)
    references = REFERENCES if streams == 1 else [REFERENCES, SECOND]
    result = function(HYPOTHESES, references, **kwargs)
    assert str(result) + "\n" == expected
    # The score is the printed one before rounding to 2 decimals.
    printed = float(expected.split(" = ")[1].split()[0])
    assert result.score == pytest.approx(printed, abs=0.005)
    assert float(result) == result.score
    assert expected.startswith(result.name + " = ")


def test_evaluate_gives_every_metric_in_order(tandem_binary, tmp_path):
    hyp = write_lines(tmp_path / "hyp.txt", HYPOTHESES)
    ref = write_lines(tmp_path / "ref.txt", REFERENCES)
    metrics = ["wer", "bleu", "chrf++", "exact"]
    expected = run_cli(tandem_binary, "eval", "-i", hyp, "-r", ref, "-m", *metrics)
    results = tandem.evaluate(HYPOTHESES, REFERENCES, metrics)
    assert "".join(str(r) + "\n" for r in results) == expected
    assert tandem.evaluate(HYPOTHESES, REFERENCES, "bleu")[0].name == "BLEU"


def test_statistics_and_details():
    result = tandem.bleu(HYPOTHESES, REFERENCES)
    assert result.statistics["hyp_len"] > 0 and "ref_len" in result.statistics
    assert result.details and result.details in str(result)
    assert tandem.exact_match(HYPOTHESES, REFERENCES).score == pytest.approx(25.0)


def test_errors_name_the_stream():
    with pytest.raises(tandem.Error, match=r"line counts differ: 4 in hypotheses, 3 in references"):
        tandem.bleu(HYPOTHESES, REFERENCES[:3])
    with pytest.raises(tandem.Error, match=r"references\[1\]"):
        tandem.bleu(HYPOTHESES, [REFERENCES, SECOND[:2]])
    with pytest.raises(tandem.Error, match="nothing to evaluate"):
        tandem.bleu([], [])
    with pytest.raises(tandem.Error, match="unknown metric 'blue'"):
        tandem.evaluate(HYPOTHESES, REFERENCES, ["blue"])
    with pytest.raises(tandem.Error, match="word_order"):
        tandem.chrf(HYPOTHESES, REFERENCES, word_order=1)
    for not_an_int in (2.0, 0.0, True, False):  # ints only: 2.0 == 2 and False == 0 in Python
        with pytest.raises(tandem.Error, match="word_order"):
            tandem.chrf(HYPOTHESES, REFERENCES, word_order=not_an_int)
    with pytest.raises(tandem.Error, match=r"hypotheses\[1\]: expected a str, got int"):
        tandem.bleu(["a", 2], ["a", "b"])
    with pytest.raises(tandem.Error, match="references: expected a list"):
        tandem.bleu(["a"], "a")
