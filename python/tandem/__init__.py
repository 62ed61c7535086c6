"""tandem from Python: translate, score, train and evaluate with RNN sequence-to-sequence models.

The work is done by tandem's C++ library (the extension module ``tandem._tandem``), with the
GIL released, so Python threads translating at once use the cores. This module checks the
arguments (a wrong one raises :class:`tandem.Error` naming it) and turns Python values into the
library's settings. docs/python.md documents every function and argument.

>>> import tandem
>>> translator = tandem.Translator("runs/g2p")
>>> translator.translate(["tandem"])[0].hypotheses[0]
'T AE N D AH M'
"""

from __future__ import annotations

import itertools
import json
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Optional, Union

from . import _tandem
from ._tandem import (
    Error,
    MetricResult,
    ScoreResult,
    TrainEvent,
    TrainSummary,
    TranslationResult,
    Validation,
)

__version__: str = _tandem.__version__

__all__ = [
    "Error",
    "MetricResult",
    "ScoreResult",
    "TrainEvent",
    "TrainSummary",
    "TranslationResult",
    "Translator",
    "Validation",
    "bleu",
    "chrf",
    "evaluate",
    "exact_match",
    "per",
    "train",
    "wer",
]

# Lines per library call in translate_iterable, per sentence of a batch: the CLI's chunks of 32
# batches, which sort by length over enough lines to pad little.
_BATCHES_PER_CHUNK = 32

PathLike = Union[str, "os.PathLike[str]"]


def _type_name(value: Any) -> str:
    return type(value).__name__


def _text(name: str, value: str) -> str:
    """`value`, or Error naming the argument where it is no UTF-8 text (a lone surrogate, as
    errors="surrogateescape" makes of undecodable bytes), which the library could not take."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise Error(f"{name}: not valid UTF-8 text ({e.reason} at character {e.start})") from None
    return value


def _path(name: str, value: Any) -> str:
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if isinstance(path, str):
            return _text(name, path)
    raise Error(f"{name}: expected a path (str or os.PathLike), got {_type_name(value)}")


def _lines(name: str, value: Any) -> list[str]:
    """A list of str, or Error naming the argument (and the index of a bad element)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        hint = " (translate_iterable reads an iterable)" if name == "sources" else ""
        raise Error(f"{name}: expected a list of str, got {_type_name(value)}{hint}")
    lines = list(value)
    if not all(type(line) is str for line in lines):
        for i, line in enumerate(lines):
            if not isinstance(line, str):
                raise Error(f"{name}[{i}]: expected a str, got {_type_name(line)}")
    return lines


def _convert(call: Callable[..., Any], *args: Any, lines: Sequence[tuple[str, list[str]]]) -> Any:
    """Calls the module; a str it cannot pass to C++ (a lone surrogate, as errors=
    "surrogateescape" makes of undecodable bytes) is an Error naming the argument and line."""
    try:
        return call(*args)
    except TypeError:
        for name, strings in lines:
            for i, line in enumerate(strings):
                try:
                    line.encode("utf-8")
                except UnicodeEncodeError as e:
                    raise Error(f"{name(i) if callable(name) else f'{name}[{i}]'}: not valid "
                                f"UTF-8 text ({e.reason} at character {e.start})") from None
        raise


def _warn_if_cut(results: Sequence[TranslationResult], where: Callable[[int], str]) -> None:
    """Lines longer than decode.max_input_tokens are cut, not refused, as `tandem translate`
    does; the warning says which line to split."""
    for i, r in enumerate(results):
        if r.truncated_from:
            warnings.warn(f"{where(i)}: {r.truncated_from} source tokens, cut to the first "
                          f"{len(r.source_tokens)} (decode.max_input_tokens)", stacklevel=3)


def _setting_text(name: str, value: Any) -> str:
    """A Python value as the text a config file would hold (validated by the library)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (str, os.PathLike)):
        return _path(name, value)
    raise Error(f"{name}: expected a number, bool or str, got {_type_name(value)}")


def _decode_settings(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Keyword options as decode.* settings; None means the model's own value."""
    return [(_text(key, key), _setting_text(key, value)) for key, value in options.items()
            if value is not None]


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise Error(f"{name}: expected True or False, got {_type_name(value)}")
    return value


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Error(f"{name}: expected an int, got {_type_name(value)}")
    if value < minimum:
        raise Error(f"{name}: expected an int of at least {minimum}, got {value}")
    return value


class Translator:
    """A trained model folder loaded for translating and scoring.

    Safe to use from several Python threads at once: each call runs in C++ without the GIL.

    Args:
        model_dir: the model folder that ``tandem train`` or :func:`tandem.train` wrote.
        threads: CPU threads for this translator's work; 0 means every core (or
            OPENBLAS_NUM_THREADS when it is set). On CPUs without AVX-512 OpenBLAS does the
            products, and a count above 0 sets its threads for the whole process.
        precision: "fp32" or "bf16"; None means the model's decode.precision. bf16 needs a CPU
            with AVX512_BF16; elsewhere it warns once and decodes in fp32.

    Raises:
        tandem.Error: a bad argument, a missing folder or one that does not hold a model.
    """

    def __init__(self, model_dir: PathLike, threads: int = 0,
                 precision: Optional[str] = None) -> None:
        path = _path("model_dir", model_dir)
        if not os.path.isdir(path):
            raise Error(f"model_dir: {path}: no such folder")
        threads = _check_count("threads", threads, 0)
        if precision is not None and not isinstance(precision, str):
            raise Error(f"precision: expected 'fp32', 'bf16' or None, got {_type_name(precision)}")
        self._model_dir = path
        self._impl = _tandem.Translator(path, threads, _text("precision", precision or ""))
        if self._impl.precision != self._impl.wanted_precision:
            warnings.warn(f"precision {self._impl.wanted_precision}: this CPU or build has no "
                          f"AVX512_BF16 kernel; decoding in {self._impl.precision}", stacklevel=2)

    @property
    def model_dir(self) -> str:
        """The model folder this translator loaded."""
        return self._model_dir

    @property
    def threads(self) -> int:
        """The CPU threads it uses (never 0)."""
        return self._impl.threads

    @property
    def precision(self) -> str:
        """The precision it decodes in: "fp32" or "bf16" ("fp32" where bf16 was asked for and
        the CPU has no AVX512_BF16, which __init__ warns of)."""
        return self._impl.precision

    def translate(self, sources: Sequence[str], *, beam_size: Optional[int] = None,
                  n_best: Optional[int] = None, length_penalty: Optional[str] = None,
                  max_length_ratio: Optional[float] = None, batch_size: Optional[int] = None,
                  return_scores: bool = False, return_attention: bool = False,
                  **options: Any) -> list[TranslationResult]:
        """Translates each source line; one result per line, in order.

        Args:
            sources: the lines to translate (a list or tuple of str).
            beam_size: decode.beam_size; 1 is greedy search.
            n_best: decode.n_best, hypotheses per line (at most beam_size).
            length_penalty: decode.length_penalty: "none", "average" or "gnmt" (whose
                exponent is alpha=...).
            max_length_ratio: decode.max_length_ratio.
            batch_size: decode.batch_size, sentences decoded together.
            return_scores: fill each result's scores and log_probs.
            return_attention: fill each result's attention (a model with attention none has
                none: an error).
            **options: any other decode.* setting by its name without "decode."
                (e.g. min_length=2, no_repeat_ngram=3, alpha=0.6).

        None (the default) means the model's own decode.* value. Every setting is checked as a
        config value is; a bad one raises tandem.Error naming it. A line longer than
        decode.max_input_tokens is cut to that many tokens, with a warning (warnings.warn)
        naming it, and its result's truncated_from says so.
        """
        lines = _lines("sources", sources)
        settings = self._settings(beam_size, n_best, length_penalty, max_length_ratio,
                                  batch_size, options)
        results = _convert(self._impl.translate, lines, settings,
                           _check_bool("return_scores", return_scores),
                           _check_bool("return_attention", return_attention),
                           lines=[("sources", lines)])
        _warn_if_cut(results, lambda i: f"sources[{i}]")
        return results

    def translate_iterable(self, source: Iterable[str], *, chunk_size: Optional[int] = None,
                           beam_size: Optional[int] = None, n_best: Optional[int] = None,
                           length_penalty: Optional[str] = None,
                           max_length_ratio: Optional[float] = None,
                           batch_size: Optional[int] = None, return_scores: bool = False,
                           return_attention: bool = False,
                           **options: Any) -> Iterator[TranslationResult]:
        """Translates lines as an iterable gives them: a generator of results, in order.

        Reads at most chunk_size lines, translates them (sorted by length into batches), yields
        their results, then reads on; memory stays bounded on endless input. A trailing line
        end ("\\n" or "\\r\\n") is removed, so an open text file can be passed as it is.

        Args:
            source: an iterable of str (a file, a generator, sys.stdin).
            chunk_size: lines per chunk; None means 32 batches (32 * batch_size). A smaller
                chunk answers sooner (1: each line as soon as it is read) and pads less well.
            The other arguments are translate()'s.

        The settings are checked when translate_iterable is called, before a line is read.
        """
        settings = self._settings(beam_size, n_best, length_penalty, max_length_ratio,
                                  batch_size, options)
        scores = _check_bool("return_scores", return_scores)
        attention = _check_bool("return_attention", return_attention)
        # The library checks the settings now, not when the first chunk has been read.
        batch = self._impl.batch_size(settings, attention)
        if chunk_size is None:
            chunk_size = batch * _BATCHES_PER_CHUNK
        chunk_size = _check_count("chunk_size", chunk_size, 1)
        if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
            raise Error(f"source: expected an iterable of str, got {_type_name(source)}")
        return self._translate_chunks(iter(source), chunk_size, settings, scores, attention)

    def _translate_chunks(self, lines: Iterator[Any], chunk_size: int,
                          settings: list[tuple[str, str]], scores: bool,
                          attention: bool) -> Iterator[TranslationResult]:
        read = 0
        while True:
            chunk = list(itertools.islice(lines, chunk_size))
            if not chunk:
                return
            for i, line in enumerate(chunk):
                if not isinstance(line, str):
                    raise Error(f"source line {read + i + 1}: expected a str, "
                                f"got {_type_name(line)}")
                if line.endswith("\n"):
                    chunk[i] = line[:-2] if line.endswith("\r\n") else line[:-1]
            first = read + 1
            read += len(chunk)
            results = _convert(self._impl.translate, chunk, settings, scores, attention,
                               lines=[(lambda i: f"source line {first + i}", chunk)])
            _warn_if_cut(results, lambda i: f"source line {first + i}")
            yield from results

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[ScoreResult]:
        """The model's log-probability of each target given its source (teacher forcing).

        Args:
            sources: source lines.
            targets: one target line for each source line.

        Returns one ScoreResult per pair, with the log-probability of each target token
        (</s> included) and their sum. The mean of -token_log_probs over all the pairs' tokens
        is the training loss of the same pairs (without dropout and label smoothing). Pairs go
        decode.batch_size at a time.
        """
        source_lines = _lines("sources", sources)
        target_lines = _lines("targets", targets)
        if len(source_lines) != len(target_lines):
            raise Error(f"targets: {len(target_lines)} lines for {len(source_lines)} sources; "
                        "each source needs one target")
        return _convert(self._impl.score, source_lines, target_lines,
                        lines=[("sources", source_lines), ("targets", target_lines)])

    def _settings(self, beam_size: Any, n_best: Any, length_penalty: Any,
                  max_length_ratio: Any, batch_size: Any,
                  options: Mapping[str, Any]) -> list[tuple[str, str]]:
        named = {"beam_size": beam_size, "n_best": n_best, "length_penalty": length_penalty,
                 "max_length_ratio": max_length_ratio, "batch_size": batch_size}
        return _decode_settings({**named, **options})

    def __repr__(self) -> str:
        return f"tandem.Translator({self._model_dir!r}, threads={self.threads})"


def _flatten(prefix: str, mapping: Mapping[Any, Any], out: list[str]) -> None:
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise Error(f"overrides: keys must be str, got {_type_name(key)}")
        name = _text("overrides: " + prefix + key, prefix + key)
        if isinstance(value, Mapping):
            _flatten(name + ".", value, out)
        else:
            out.append(f"{name}={_setting_text('overrides: ' + name, value)}")


def _check_config_text(prefix: str, value: Any) -> None:
    """Error naming the key of the first str in a dict config that is no UTF-8 text."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str):
                _text(f"config: {name}", key)
            _check_config_text(name, item)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_config_text(f"{prefix}[{i}]", item)
    elif isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if isinstance(path, str):
            _text(f"config: {prefix}", path)


def _config_json(config: Mapping[Any, Any]) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        raise Error(f"config: a value of type {_type_name(value)} cannot be a setting")
    _check_config_text("", config)
    try:
        # Characters as they are: yaml-cpp reads no JSON surrogate-pair escapes (\ud83d\ude00).
        return json.dumps(config, default=default, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        if isinstance(e, Error):
            raise
        raise Error(f"config: {e}") from None


def train(config: Union[PathLike, Mapping[str, Any]],
          overrides: Optional[Mapping[str, Any]] = None, *, resume: bool = False,
          overwrite: bool = False,
          on_progress: Optional[Callable[[TrainEvent], Any]] = None) -> TrainSummary:
    """Trains the model a config describes into its train.model_dir, like ``tandem train``.

    Args:
        config: the YAML config file's path, or the config as a dict (nested like the YAML file,
            {"model": {"encoder": {"layers": 2}}}, or with dotted keys); a dict's relative paths
            are read from the working directory. docs/config.md lists every key.
        overrides: settings over the config's, as ``--set`` gives them: {"train.max_steps": 500}
            (nested dicts name dotted keys too).
        resume: continue from the newest checkpoint in train.model_dir.
        overwrite: start anew in a folder that holds an earlier run, removing its files first.
            Without resume or overwrite a folder that holds anything is refused.
        on_progress: called with a TrainEvent after every update and every validation, on the
            calling thread. An exception it raises stops training after a checkpoint is written
            and is raised again from train().

    Ctrl+C (KeyboardInterrupt, or any exception a signal handler raises) stops training after
    the current step, writes a checkpoint, and is raised once that is done; the
    KeyboardInterrupt's message names the checkpoint. train(..., resume=True) continues it.

    Returns a TrainSummary. Raises tandem.Error for a bad config (naming the file or "<config>",
    and the key) or argument.
    """
    if isinstance(config, Mapping):
        path, text = "", _config_json(config)
    elif isinstance(config, (str, os.PathLike)):
        path, text = _path("config", config), ""
    else:
        raise Error(f"config: expected a YAML file's path or a dict, got {_type_name(config)}")
    sets: list[str] = []
    if overrides is not None:
        if not isinstance(overrides, Mapping):
            raise Error(f"overrides: expected a dict, got {_type_name(overrides)}")
        _flatten("", overrides, sets)
    if on_progress is not None and not callable(on_progress):
        raise Error(f"on_progress: expected a callable or None, got {_type_name(on_progress)}")
    return _tandem.train(path, text, sets, _check_bool("resume", resume),
                         _check_bool("overwrite", overwrite), on_progress)


def _streams(references: Any) -> list[list[str]]:
    """One reference stream (a list of str) or several (a list of such lists)."""
    if isinstance(references, (str, bytes)) or not isinstance(references, Sequence):
        raise Error("references: expected a list of str or a list of reference streams, "
                    f"got {_type_name(references)}")
    if all(isinstance(r, str) for r in references):
        return [list(references)]
    return [_lines(f"references[{k}]", stream) for k, stream in enumerate(references)]


def evaluate(hypotheses: Sequence[str], references: Union[Sequence[str], Sequence[Sequence[str]]],
             metrics: Sequence[str] = ("bleu",)) -> list[MetricResult]:
    """Scores hypotheses against references by each metric, like ``tandem eval -m``.

    Args:
        hypotheses: one output per line.
        references: one reference per hypothesis (a list of str), or several reference streams
            (a list of such lists, each with one line per hypothesis), as sacreBLEU takes them.
        metrics: metric ids, in the order wanted: "bleu", "chrf", "chrf++", "wer", "per",
            "exact".

    Returns one MetricResult per metric. Raises tandem.Error for an unknown metric, line counts
    that differ, empty input or invalid UTF-8, naming the stream and line.
    """
    if isinstance(metrics, str):
        metrics = [metrics]
    hypothesis_lines, streams = _lines("hypotheses", hypotheses), _streams(references)
    named = [("hypotheses", hypothesis_lines)]
    named += [("references" if len(streams) == 1 else f"references[{k}]", stream)
              for k, stream in enumerate(streams)]
    return _convert(_tandem.evaluate, hypothesis_lines, streams, _lines("metrics", metrics),
                    lines=named)


def bleu(hypotheses: Sequence[str],
         references: Union[Sequence[str], Sequence[Sequence[str]]]) -> MetricResult:
    """Corpus BLEU as sacreBLEU computes it by default (13a tokenisation); see evaluate()."""
    return evaluate(hypotheses, references, ["bleu"])[0]


def chrf(hypotheses: Sequence[str], references: Union[Sequence[str], Sequence[Sequence[str]]],
         *, word_order: int = 0) -> MetricResult:
    """chrF2 (word_order=0) or chrF2++ (word_order=2) as sacreBLEU computes them; see
    evaluate()."""
    if type(word_order) is not int or word_order not in (0, 2):  # not 2.0, not False
        raise Error(f"word_order: expected 0 (chrF) or 2 (chrF++), got {word_order!r}")
    return evaluate(hypotheses, references, ["chrf" if word_order == 0 else "chrf++"])[0]


def wer(hypotheses: Sequence[str],
        references: Union[Sequence[str], Sequence[Sequence[str]]]) -> MetricResult:
    """Word error rate over whitespace-separated tokens (on phoneme strings, the phoneme error
    rate), in percent; see evaluate()."""
    return evaluate(hypotheses, references, ["wer"])[0]


def per(hypotheses: Sequence[str],
        references: Union[Sequence[str], Sequence[Sequence[str]]]) -> MetricResult:
    """Position-independent error rate, in percent; see evaluate()."""
    return evaluate(hypotheses, references, ["per"])[0]


def exact_match(hypotheses: Sequence[str],
                references: Union[Sequence[str], Sequence[Sequence[str]]]) -> MetricResult:
    """The percentage of lines equal to one of their references after trimming; see
    evaluate()."""
    return evaluate(hypotheses, references, ["exact"])[0]
