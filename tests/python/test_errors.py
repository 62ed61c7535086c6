"""Bad arguments (wrong types, unknown keys, bad values, a missing folder) raise tandem.Error, a
ValueError, whose message names the argument."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import tandem
from conftest import tiny_config


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


def test_training_errors_name_the_arguments_not_the_commands_flags(tmp_path):
    config = tiny_config(tmp_path, "m", steps=2)
    tandem.train(config)
    expected = [
        ({}, r"continue it with resume=True, or start anew with overwrite=True"),
        ({"resume": True, "overwrite": True}, r"^resume=True and overwrite=True together"),
        ({"overrides": {"train.nope": 1}}, r"^overrides: .*train\.nope"),
        ({"resume": True}, r"^resume=True: nothing to do: .*\(overrides train\.max_steps=N\)"),
        ({"resume": True, "overrides": {"model.cell": "lstm", "train.max_steps": 4}},
         r"(?s)^resume=True: these settings differ.*train with overwrite=True"),
    ]
    for kwargs, named in expected:
        with pytest.raises(tandem.Error, match=named) as e:
            tandem.train(config, **kwargs)
        assert "--" not in str(e.value)


def test_another_precision_in_a_call_names_the_translators_argument(translator):
    other = "bf16" if translator.precision == "fp32" else "fp32"
    with pytest.raises(tandem.Error, match=r"Translator\(precision=") as e:
        translator.translate(["a"], precision=other)
    assert "TranslatorOptions" not in str(e.value)


def test_bf16_that_falls_back_warns_and_says_so(python_model):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = tandem.Translator(python_model[0], threads=1, precision="bf16")
    fallback = [w for w in caught if "bf16" in str(w.message)]
    assert t.precision in ("fp32", "bf16")
    # Where the CPU has AVX512_BF16 it decodes in bf16, silently; elsewhere in fp32, warned once.
    assert len(fallback) == (1 if t.precision == "fp32" else 0)
    assert tandem.Translator(python_model[0], threads=1).precision == "fp32"


def test_a_dict_config_with_a_character_outside_the_bmp(tmp_path):
    config = tiny_config(tmp_path, "m\U0001F600", steps=2)
    assert tandem.train(config).model_dir.endswith("m\U0001F600")


def test_a_lone_surrogate_in_a_dict_config_names_the_key(tmp_path):
    config = tiny_config(tmp_path, "m", steps=2)
    config["data"]["train_source"] = "a\udcff"
    with pytest.raises(tandem.Error, match=r"config: data\.train_source: not valid UTF-8"):
        tandem.train(config)


def test_an_unknown_key_in_a_dict_config_names_the_config_and_key():
    with pytest.raises(tandem.Error, match=r"<config>.*train\.nope|<config>.*nope"):
        tandem.train({"train": {"nope": 1}})


def test_lone_surrogates_in_arguments_are_errors_naming_them(tmp_path, python_model, translator):
    bad = "a\udcff"
    with pytest.raises(tandem.Error, match=r"^model_dir: not valid UTF-8"):
        tandem.Translator(bad)
    with pytest.raises(tandem.Error, match=r"^model_dir: not valid UTF-8"):
        tandem.Translator(Path(bad))
    with pytest.raises(tandem.Error, match=r"^precision: not valid UTF-8"):
        tandem.Translator(python_model[0], precision=bad)
    with pytest.raises(tandem.Error, match=r"^length_penalty: not valid UTF-8"):
        translator.translate_iterable(["a"], length_penalty=bad)
    with pytest.raises(tandem.Error, match=r"^length_penalty: not valid UTF-8"):
        translator.translate(["a"], length_penalty=bad)
    with pytest.raises(tandem.Error, match=r"^config: not valid UTF-8"):
        tandem.train(str(tmp_path / bad))
    with pytest.raises(tandem.Error, match=r"^overrides: train\.log_file: not valid UTF-8"):
        tandem.train(tiny_config(tmp_path, "m", steps=2), {"train.log_file": bad})
