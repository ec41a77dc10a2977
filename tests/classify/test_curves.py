"""Recall at equal false alarms (needs the corpora)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha.classify import curves


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
