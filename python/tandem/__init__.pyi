# Type stubs of the package tandem (python/tandem/__init__.py and the extension module
# tandem._tandem it wraps), so that an editor shows the signatures. docs/python.md has the rest.
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

__version__: str

_PathLike = Union[str, os.PathLike[str]]
_References = Union[Sequence[str], Sequence[Sequence[str]]]

class Error(ValueError):
    """An error of tandem's: bad input (a file, a setting, an argument), with a message that
    names it."""

class TranslationResult:
    """What translating one source line gives: its n-best outputs, best first."""

    @property
    def hypotheses(self) -> list[str]:
        """The n-best output texts, best first (one empty string for an empty line)."""
    @property
    def tokens(self) -> list[list[str]]:
        """Each hypothesis's output tokens, ending with '</s>'."""
    @property
    def source_tokens(self) -> list[str]:
        """The source line's tokens as the model read them."""
    @property
    def scores(self) -> Optional[list[float]]:
        """Each hypothesis's length-normalised search score, or None unless
        return_scores=True."""
    @property
    def log_probs(self) -> Optional[list[float]]:
        """Each hypothesis's log-probability, or None unless return_scores=True."""
    @property
    def attention(self) -> Optional[list[npt.NDArray[np.float32]]]:
        """Each hypothesis's attention weights, shape (output tokens, source tokens), or None
        unless return_attention=True."""
    @property
    def truncated_from(self) -> int:
        """The line's token count when it was cut to decode.max_input_tokens; else 0."""

class ScoreResult:
    """The model's log-probability of a target given its source."""

    @property
    def source_tokens(self) -> list[str]:
        """The source's tokens."""
    @property
    def tokens(self) -> list[str]:
        """The target's tokens, ending with '</s>'."""
    @property
    def token_log_probs(self) -> list[float]:
        """The log-probability of each target token, '</s>' included."""
    @property
    def log_prob(self) -> float:
        """Their sum."""

class Translator:
    """A trained model folder loaded for translating and scoring; safe to share between
    threads."""

    def __init__(self, model_dir: _PathLike, threads: int = 0,
                 precision: Optional[str] = None) -> None: ...
    @property
    def model_dir(self) -> str:
        """The model folder this translator loaded."""
    @property
    def threads(self) -> int:
        """The CPU threads it uses (never 0)."""
    @property
    def precision(self) -> str:
        """The precision it decodes in: "fp32" or "bf16" ("fp32" where bf16 was asked for and
        the CPU has no AVX512_BF16, with a warning)."""
    def translate(self, sources: Sequence[str], *, beam_size: Optional[int] = None,
                  n_best: Optional[int] = None, length_penalty: Optional[str] = None,
                  max_length_ratio: Optional[float] = None, batch_size: Optional[int] = None,
                  return_scores: bool = False, return_attention: bool = False,
                  **options: Any) -> list[TranslationResult]:
        """Translates each source line; one result per line, in order."""
    def translate_iterable(self, source: Iterable[str], *, chunk_size: Optional[int] = None,
                           beam_size: Optional[int] = None, n_best: Optional[int] = None,
                           length_penalty: Optional[str] = None,
                           max_length_ratio: Optional[float] = None,
                           batch_size: Optional[int] = None, return_scores: bool = False,
                           return_attention: bool = False,
                           **options: Any) -> Iterator[TranslationResult]:
        """Translates lines as an iterable gives them, chunk_size at a time; yields results
        in order."""
    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[ScoreResult]:
        """The model's log-probability of each target given its source."""

class Validation:
    """The dev set's figures at a validation."""

    @property
    def loss(self) -> float: ...
    @property
    def perplexity(self) -> float: ...
    @property
    def exact_match(self) -> float: ...
    @property
    def metric(self) -> str: ...
    @property
    def metric_value(self) -> float: ...

class TrainEvent:
    """What train() passes to on_progress after every update and every validation."""

    @property
    def kind(self) -> str:
        """'step' or 'validation'."""
    @property
    def step(self) -> int: ...
    @property
    def max_steps(self) -> int: ...
    @property
    def epoch(self) -> int: ...
    @property
    def epoch_fraction(self) -> float: ...
    @property
    def loss(self) -> float: ...
    @property
    def tokens(self) -> int: ...
    @property
    def learning_rate(self) -> float: ...
    @property
    def validation(self) -> Optional[Validation]: ...
    @property
    def best(self) -> bool: ...

class TrainSummary:
    """What train() returns."""

    @property
    def steps(self) -> int: ...
    @property
    def last_loss(self) -> float: ...
    @property
    def validated(self) -> bool: ...
    @property
    def best_dev_loss(self) -> Optional[float]: ...
    @property
    def best_dev_exact_match(self) -> Optional[float]: ...
    @property
    def model_dir(self) -> str: ...
    @property
    def interrupted(self) -> bool: ...
    @property
    def checkpoint(self) -> str: ...

class MetricResult:
    """A corpus-level score; str() is the line `tandem eval` prints."""

    @property
    def name(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def details(self) -> str: ...
    @property
    def statistics(self) -> dict[str, float]: ...
    def __float__(self) -> float: ...

def train(config: Union[_PathLike, Mapping[str, Any]],
          overrides: Optional[Mapping[str, Any]] = None, *, resume: bool = False,
          overwrite: bool = False,
          on_progress: Optional[Callable[[TrainEvent], Any]] = None) -> TrainSummary:
    """Trains the model a config (a YAML file's path, or a dict) describes, like
    `tandem train`."""

def evaluate(hypotheses: Sequence[str], references: _References,
             metrics: Sequence[str] = ("bleu",)) -> list[MetricResult]:
    """Scores hypotheses by each metric ("bleu", "chrf", "chrf++", "wer", "per", "exact")."""

def bleu(hypotheses: Sequence[str], references: _References) -> MetricResult:
    """Corpus BLEU as sacreBLEU computes it by default."""

def chrf(hypotheses: Sequence[str], references: _References, *,
         word_order: int = 0) -> MetricResult:
    """chrF2 (word_order=0) or chrF2++ (word_order=2)."""

def wer(hypotheses: Sequence[str], references: _References) -> MetricResult:
    """Word error rate, in percent."""

def per(hypotheses: Sequence[str], references: _References) -> MetricResult:
    """Position-independent error rate, in percent."""

def exact_match(hypotheses: Sequence[str], references: _References) -> MetricResult:
    """The percentage of lines equal to one of their references after trimming."""
