"""Bad arguments (wrong types, unknown keys, bad values, a missing folder) raise tandem.Error, a
ValueError, whose message names the argument."""

from __future__ import annotations

import pytest

import tandem


def test_error_is_a_value_error():
    assert issubclass(tandem.Error, ValueError)
    assert tandem.Error.__module__ == "tandem"


@pytest.mark.parametrize("args,kwargs,named", [
    (("/no/such/folder",), {}, r"model_dir: /no/such/folder: no such folder"),
    ((42,), {}, r"model_dir: expected a path"),
    ((None,), {}, r"model_dir: expected a path"),
])
def test_translator_arguments(args, kwargs, named):
    with pytest.raises(tandem.Error, match=named):
        tandem.Translator(*args, **kwargs)


@pytest.mark.parametrize("kwargs,named", [
    ({"threads": "2"}, r"threads: expected an int, got str"),
    ({"threads": -1}, r"threads: expected an int of at least 0"),
    ({"threads": True}, r"threads: expected an int, got bool"),
    ({"precision": 16}, r"precision: expected 'fp32', 'bf16' or None"),
    ({"precision": "fp16"}, r"fp16"),
])
def test_translator_options(python_model, kwargs, named):
    with pytest.raises(tandem.Error, match=named):
        tandem.Translator(python_model[0], **kwargs)


def test_a_folder_without_a_model(tmp_path):
    with pytest.raises(tandem.Error, match=str(tmp_path)):
        tandem.Translator(tmp_path)


@pytest.mark.parametrize("sources,kwargs,named", [
    ("a b c", {}, r"sources: expected a list of str, got str"),
    (iter(["a"]), {}, r"sources: expected a list of str, got list_iterator \(translate_iterable"),
    (["a", 3], {}, r"sources\[1\]: expected a str, got int"),
    (["a"], {"beam_size": 0}, r"beam_size"),
    (["a"], {"beam_size": "wide"}, r"beam_size"),
    (["a"], {"beam_size": 2, "n_best": 3}, r"n_best"),
    (["a"], {"length_penalty": "short"}, r"length_penalty"),
    (["a"], {"beam_size": [2]}, r"beam_size: expected a number, bool or str, got list"),
    (["a"], {"no_such_setting": 1}, r"no_such_setting"),
    (["a"], {"seed": 1}, r"seed"),  # a key outside decode.*
    (["a"], {"return_scores": "yes"}, r"return_scores: expected True or False"),
    (["a"], {"return_attention": 1}, r"return_attention: expected True or False"),
])
def test_translate_arguments(translator, sources, kwargs, named):
    with pytest.raises(tandem.Error, match=named):
        translator.translate(sources, **kwargs)


def test_translate_iterable_arguments(translator):
    with pytest.raises(tandem.Error, match=r"source: expected an iterable of str, got int"):
        translator.translate_iterable(5)
    with pytest.raises(tandem.Error, match=r"chunk_size: expected an int, got float"):
        translator.translate_iterable(["a"], chunk_size=2.5)
    with pytest.raises(tandem.Error, match=r"source line 3: expected a str, got bytes"):
        list(translator.translate_iterable(["a", "b", b"c"]))


def test_score_arguments(translator):
    with pytest.raises(tandem.Error, match=r"targets: expected a list of str, got str"):
        translator.score(["a"], "a")
    with pytest.raises(tandem.Error, match=r"sources\[0\]: expected a str, got NoneType"):
        translator.score([None], ["a"])
    with pytest.raises(tandem.Error, match=r"targets: 2 lines for 1 sources"):
        translator.score(["a"], ["a", "b"])


@pytest.mark.parametrize("args,kwargs,named", [
    ((42,), {}, r"config: expected a YAML file's path or a dict, got int"),
    (("/no/such/config.yaml",), {}, r"/no/such/config.yaml"),
    (({"train": {"max_steps": object()}},), {}, r"config: a value of type object"),
    (({},), {"overrides": ["train.max_steps=3"]}, r"overrides: expected a dict, got list"),
    (({},), {"overrides": {1: 2}}, r"overrides: keys must be str"),
    (({},), {"overrides": {"train.max_steps": None}}, r"overrides: train.max_steps: expected a"),
    (({},), {"resume": "no"}, r"resume: expected True or False"),
    (({},), {"overwrite": 0}, r"overwrite: expected True or False"),
    (({},), {"on_progress": 5}, r"on_progress: expected a callable or None, got int"),
])
def test_train_arguments(args, kwargs, named):
    with pytest.raises(tandem.Error, match=named):
        tandem.train(*args, **kwargs)



def test_text_that_is_not_utf8_names_the_line(translator):
    bad = "a\udcff"  # what errors="surrogateescape" makes of an undecodable byte
    with pytest.raises(tandem.Error, match=r"sources\[1\]: not valid UTF-8 text"):
        translator.translate(["a", bad])
    with pytest.raises(tandem.Error, match=r"targets\[0\]: not valid UTF-8 text"):
        translator.score(["a"], [bad])
    with pytest.raises(tandem.Error, match=r"source line 4: not valid UTF-8 text"):
        list(translator.translate_iterable(["a", "b", "c", bad], chunk_size=2))
    with pytest.raises(tandem.Error, match=r"references\[1\]\[0\]: not valid UTF-8 text"):
        tandem.bleu(["a"], [["a"], [bad]])
