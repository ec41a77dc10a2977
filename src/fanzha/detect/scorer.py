"""The plug of the fusion point: what a trained text model must offer the detector, and how the detector finds
the one it is asked for without importing the package that trains it.

A `TextScorer` scores normalised texts in batches (`ModelScore`: calibrated log-odds, probability, category
log-probabilities), says how it wants to be fused (`mode`, `stack`) and which stretches of a text weighed most
(`spans`). `fanzha.classify.runtime.ModelHook` is the shipped one. The detector asks `resolve(spec)`:

- ``None`` / ``"off"``: no scorer, the rules alone;
- an object with ``predict_batch``: that scorer;
- anything else (``"default"``, ``"only"``, a path, a model): the factory registered as ``default`` in `SCORERS`
  — registered by `fanzha.classify` through the ``fanzha.scorers`` entry point — turns it into a scorer (or
  None). Without a registered factory, ``"default"`` means the rules alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from fanzha.registry import Registry

Mode = Literal["fused", "only"]


class ModelScore(Protocol):
    """A model's view of one text."""

    @property
    def logit(self) -> float: ...  # calibrated scam log-odds

    @property
    def p_scam(self) -> float: ...

    @property
    def category(self) -> str | None: ...

    @property
    def category_p(self) -> float: ...

    @property
    def category_logp(self) -> Sequence[float]: ...  # per category, in `TextScorer.categories()` order


class StackWeights(Protocol):
    """The learned fusion of a trained model: with it, the scam log-odds are ``intercept + w_rules · (bias +
    capped evidence + chain) + w_model · model + w_model_alone · model × [no scam evidence]`` instead of the
    plain sum."""

    @property
    def intercept(self) -> float: ...

    @property
    def w_rules(self) -> float: ...

    @property
    def w_model(self) -> float: ...

    @property
    def w_model_alone(self) -> float: ...


@runtime_checkable
class TextScorer(Protocol):
    """A trained model at the fusion point."""

    mode: Mode  # "fused": through its stack with the rules; "only": the model alone (the ablation)

    def available(self) -> bool:
        """Whether the model can score now (loading it on first use); False: the rules go on alone."""
        ...

    def predict_batch(self, texts: list[str]) -> Sequence[ModelScore] | None:
        """Scores of normalised texts, in order; None when the model is not available."""
        ...

    def stack(self) -> StackWeights | None: ...

    def categories(self) -> Sequence[str]: ...

    def spans(self, text: str) -> list[tuple[int, int, float]]:
        """The stretches of a normalised text that pushed the model towards "scam" most, as (start, end,
        contribution), strongest first."""
        ...


#: factories turning the detector's ``model=`` argument into a scorer (``default``: the shipped model)
SCORERS: Registry[Callable[[Any], TextScorer | None]] = Registry(
    "scorer", code="E608", entry_points="fanzha.scorers"
)


def resolve(spec: Any) -> TextScorer | None:
    """The scorer for the detector's ``model=`` argument (see the module docstring)."""
    if spec is None or spec == "off":
        return None
    if isinstance(spec, TextScorer):
        return spec
    if "default" not in SCORERS:
        if spec == "default":
            return None
        raise ValueError(f"no scorer factory is registered to turn {spec!r} into a model")
    return SCORERS.get("default")(spec)
