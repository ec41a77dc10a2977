"""Shared fixtures: one Detector per session, and the locations of ../shared (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fanzha.detect import Detector

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FANZHA_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"seeds not found at {path} (they are not part of the repository)")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = Path(os.environ.get("FANZHA_DATA", SHARED / "data"))
    if not path.is_dir():
        pytest.skip(f"corpora not found at {path} (they are not part of the repository)")
    return path
