"""Golden tests on the seeds (../shared/seeds, not part of the repository; skipped when absent).

Each case of tests/data/seed_cases.yaml, cut from its article by quoted anchors, is a narrative of
冒充电商物流客服类 with the expected variant and stage; each article as a whole is a notice, not an attempt.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fanzha.detect import Detector

pytestmark = pytest.mark.seeds

CASES = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "seed_cases.yaml").read_text(encoding="utf-8")
)["cases"]


def _case_text(seeds_dir: Path, case: dict[str, str]) -> str:
    text = (seeds_dir / case["file"]).read_text(encoding="utf-8")
    start = text.index(case["start"])
    return text[start : text.index(case["end"], start)]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_seed_case(detector: Detector, seeds_dir: Path, case: dict[str, str]) -> None:
    text = _case_text(seeds_dir, case)
    v = detector.analyze(text)
    got = (v.label, v.kind, v.category, v.variant, v.stage)
    assert got == ("scam", "narrative", "ecommerce_cs", case["variant"], case["stage"]), [
        (f.indicator, f.text) for f in v.findings
    ]
    for f in v.findings:
        assert text[f.start : f.end] == f.text


def test_every_seed_article_is_covered_by_a_case(seeds_dir: Path) -> None:
    files = {p.name for p in seeds_dir.glob("*.txt")}
    assert files <= {c["file"] for c in CASES}


@pytest.mark.parametrize("name", sorted(c["file"] for c in {c["file"]: c for c in CASES}.values()))
def test_seed_article_as_a_whole_is_not_an_attempt(detector: Detector, seeds_dir: Path, name: str) -> None:
    v = detector.analyze((seeds_dir / name).read_text(encoding="utf-8"))
    assert v.kind == "notice" and v.label == "safe"
    assert v.category == "ecommerce_cs"  # the article's topic
