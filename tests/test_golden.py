"""Behaviour kept: the digests of `tests/golden/build.py` equal the ones committed in `tests/golden/digests.json`.

A change meant to change behaviour (a new indicator, an event kind, a sim rule) regenerates the file in the same
commit (`python tests/golden/build.py tests/golden/digests.json`) and says which digests moved and why.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "golden"
EXPECTED: dict[str, Any] = json.loads((HERE / "digests.json").read_text(encoding="utf-8"))
DATA = Path(os.environ.get("FANZHA_SHARED", HERE.parents[1].parent / "shared")) / "data"


def _build() -> Any:
    spec = importlib.util.spec_from_file_location("golden_build", HERE / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _diff(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    keys = sorted(set(got) | set(want))
    return [f"{k}: {want.get(k)} -> {got.get(k)}" for k in keys if got.get(k) != want.get(k)][:20]


def test_verdicts_of_every_shipped_example() -> None:
    got = _build().verdicts()
    assert got == EXPECTED["verdicts"], _diff(got, EXPECTED["verdicts"])


@pytest.mark.corpora
@pytest.mark.slow
def test_verdicts_of_3000_teleantifraud_dialogues() -> None:
    if not (DATA / "teleantifraud").is_dir():
        pytest.skip("../shared/data/teleantifraud is absent")
    got = _build().tele(len(EXPECTED["tele"]))
    assert got == EXPECTED["tele"], _diff(got, EXPECTED["tele"])


@pytest.mark.slow
def test_sim_warn_and_trace_outputs_of_a_seed_7_world(tmp_path: Path) -> None:
    got = _build().worlds(tmp_path, {"sim", "warn", "trace"})
    for part in ("sim", "warn", "trace"):
        assert got[part] == EXPECTED[part], (part, _diff(got[part], EXPECTED[part]))
