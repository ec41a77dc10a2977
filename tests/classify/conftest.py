"""Fixtures of the classify tests: a tiny model trained on a few project texts (no corpora needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha.classify.model import TextModel
from fanzha.classify.train import Config

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fanzha" / "examples" / "examples.jsonl"


def tiny_config(seed: int = 7) -> Config:
    """A config that trains in about a second on a fixed sample of the project's own texts."""
    return Config.from_dict(
        {
            "seed": seed,
            "data": {"teleantifraud": False, "synth_per_genre": 12, "limit_per_source": 300},
            "model": {"ngrams": [1, 2, 3], "bits": 12, "dim": 8, "hidden": 8},
            "train": {"epochs": 2, "batch": 32, "folds": 2},
        }
    )


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    from fanzha.classify.train import run

    out = tmp_path_factory.mktemp("tiny-model")
    report = run(tiny_config(), out, examples=EXAMPLES)
    return out, report


@pytest.fixture(scope="session")
def tiny_model(tiny_run: tuple[Path, dict[str, object]]) -> TextModel:
    from fanzha.classify.model import load

    return load(tiny_run[0] / "textmodel.npz")
