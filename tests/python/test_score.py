"""Translator.score: the log-probabilities of given targets agree with the training loss the
trainer reported on the same pairs, and with the search's own scores."""

from __future__ import annotations

import math

import pytest

import tandem
from conftest import reverse_corpus


def test_mean_negative_log_prob_is_the_trainers_dev_loss(translator, python_model):
    _, config, summary = python_model
    # The folder's model is the one validated last (valid_every = max_steps): the best.
    assert summary.validated and summary.best_dev_loss is not None
    dev_src, dev_tgt = reverse_corpus(20, seed=2)  # the config's dev set
    results = translator.score(dev_src, dev_tgt)
    tokens = sum(len(r.token_log_probs) for r in results)
    mean_loss = -sum(sum(r.token_log_probs) for r in results) / tokens
    assert mean_loss == pytest.approx(summary.best_dev_loss, rel=1e-4)
    # The model learned something: far below the uniform loss over its vocabulary.
    assert mean_loss < math.log(6) * 0.9


def test_a_pairs_parts(translator):
    [r] = translator.score(["a b c"], ["c b a"])
    assert r.source_tokens == ["a", "b", "c"]
    assert r.tokens == ["c", "b", "a", "</s>"]
    assert len(r.token_log_probs) == 4
    assert all(p <= 0 for p in r.token_log_probs)
    assert r.log_prob == pytest.approx(sum(r.token_log_probs), rel=1e-5)


def test_greedy_output_scores_its_search_log_prob(translator):
    lines = reverse_corpus(8, seed=5)[0]
    results = translator.translate(lines, return_scores=True)
    scored = translator.score(lines, [r.hypotheses[0] for r in results])
    for t, s in zip(results, scored):
        assert s.tokens == t.tokens[0]
        assert s.log_prob == pytest.approx(t.log_probs[0], rel=1e-4, abs=1e-5)


def test_unknown_target_tokens_score_as_unk(translator):
    [r] = translator.score(["a b"], ["b zzz"])
    assert len(r.tokens) == 3 and r.tokens[-1] == "</s>"
    assert all(p <= 0 and math.isfinite(p) for p in r.token_log_probs)
    # Another word outside the vocabulary is the same <unk>: the same log-probability.
    [other] = translator.score(["a b"], ["b qqqq"])
    assert other.token_log_probs == r.token_log_probs
    # A word in the vocabulary is not <unk>.
    [known] = translator.score(["a b"], ["b a"])
    assert known.token_log_probs[1] != r.token_log_probs[1]


def test_counts_must_agree(translator):
    with pytest.raises(tandem.Error, match="targets"):
        translator.score(["a", "b"], ["a"])
