"""Recall at equal false alarms (needs the corpora)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha.evaluate import curves


@pytest.mark.corpora
@pytest.mark.slow
def test_curves_table(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_DATA", str(data_dir))
    out = curves.table("dev", [0.005])
    normal = int(out.split("TF5 normal (")[1].split(")")[0].replace(",", ""))
    rows = [line for line in out.splitlines() if line.startswith("| 0.50 %")]
    assert [r.split("|")[2].strip() for r in rows] == ["rules", "model", "fused"]
    for row in rows:
        recall5, recall8 = (float(c) for c in row.split("|")[3:5])
        assert 0.0 <= recall5 <= 1.0 and 0.0 <= recall8 <= 1.0
        flagged = int(row.split("(")[1].split(")")[0])
        assert flagged <= int(0.005 * normal)


def test_scores_use_the_artifact_the_detector_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`$FANZHA_MODEL_PATH` picks the artifact for the curves as for the detector: a missing one is an E600
    naming that path, not a silent fall back to the shipped model."""
    from fanzha.classify.model import ModelError, default_path
    from fanzha.classify.runtime import shipped_path

    monkeypatch.delenv("FANZHA_MODEL_PATH", raising=False)
    assert shipped_path() == default_path()
    missing = tmp_path / "nowhere.npz"
    monkeypatch.setenv("FANZHA_MODEL_PATH", str(missing))
    assert shipped_path() == missing
    with pytest.raises(ModelError) as err:
        curves.scores("model", ["您好"])
    assert err.value.code == "E600" and str(missing) in str(err.value.where)
