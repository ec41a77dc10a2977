"""The project's own test sets (eval/testsets): as recorded when they were written, never read by training, and
measured by `fanzha.evaluate.testsets`."""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fanzha.detect.engine import Detector
from fanzha.errors import InputError
from fanzha.evaluate import testsets as ts
from fanzha.evaluate.metrics import CategoryNames

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "eval" / "testsets"
README = (SETS / "README.md").read_text(encoding="utf-8")
RULES = Detector(model=None)


def _errors(exc: InputError) -> None:
    raise exc


def test_every_file_is_as_recorded_when_it_was_written() -> None:
    """The README records each file's SHA-256 at the time it was written: an edit after seeing figures fails."""
    recorded = dict(re.findall(r"\| `([a-z_]+\.jsonl)` \| \d+ \| `([0-9a-f]{64})`", README))
    on_disk = {p.name for p in SETS.glob("*.jsonl")}
    assert set(recorded) == on_disk
    for name, digest in recorded.items():
        assert hashlib.sha256((SETS / name).read_bytes()).hexdigest() == digest, name


def test_the_sets_parse_and_hold_what_the_readme_says() -> None:
    sets = ts.load_sets(SETS, CategoryNames(RULES.kb), _errors)
    fc = sets["first_contact"]
    variants = Counter(ex.gold.variant[0] for ex in fc if ex.gold.variant)
    assert variants == {
        "quality_refund": 23,
        "lost_parcel": 24,
        "membership_cancel": 24,
        "credit_repair": 20,
        "reserve_fund": 20,
        "tax_refund": 20,
        "other": 21,
    }
    assert Counter(ex.gold.label for ex in fc) == {"scam": 152, "safe": 110}
    assert Counter(ex.gold.stage for ex in sets["staged"]) == {1: 20, 2: 22, 3: 22}
    assert len(sets["paraphrases"]) == 74
    assert len(sets["paraphrases_polished"]) == 50
    ac = sets["accounts"]
    assert Counter(ex.gold.label for ex in ac) == {"scam": 34, "safe": 24}
    assert Counter(ex.gold.variant[0] for ex in ac if ex.gold.variant) == {
        "quality_refund": 6,
        "lost_parcel": 6,
        "membership_cancel": 6,
        "credit_repair": 5,
        "reserve_fund": 4,
        "tax_refund": 3,
        "other": 4,
    }
    assert {ex.gold.kind for ex in ac} == {"narrative"}
    every = [ex.data for name in ts.SETS for ex in sets[name]]
    assert len(set(every)) == len(every), "a text appears twice"
    assert all(ts.glued(ex.data) == g.data for ex, g in zip(fc, sets["first_contact.glued"], strict=True))


_OPENED: list[str] = []
_RECORD = [False]


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _RECORD[0] and event == "open" and args and isinstance(args[0], str | bytes | Path):
        _OPENED.append(str(args[0]))


sys.addaudithook(_audit)


def test_the_training_assembly_does_not_read_the_test_sets() -> None:
    """Assembling the training data (every source of the project's own; TeleAntiFraud needs the corpora and
    reads only its own folder) opens no file of eval/testsets."""
    from fanzha.classify.data import assemble

    _OPENED.clear()
    _RECORD[0] = True
    try:
        items = assemble(
            RULES,
            seed=7,
            tele_root=None,
            tele_split="dev",
            windows=True,
            per_genre=3,
            use_kb=True,
            examples=ROOT / "src" / "fanzha" / "examples" / "examples.jsonl",
        )
    finally:
        _RECORD[0] = False
    assert items
    assert not [p for p in _OPENED if "testsets" in p], "training opened a test set"


def _grams(text: str) -> set[str]:
    s = "".join(c for c in RULES.normalize(re.sub(r"\{[a-z_]+\}", "", text)).text if c.isalnum())
    return {s[i : i + 3] for i in range(len(s) - 2)}


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_no_test_line_is_close_to_a_text_the_project_trains_on() -> None:
    """Against every indicator example, examples.jsonl and every line of the text templates: a test line sharing
    half or more of its character 3-grams is one of the overlaps the README lists (found before tuning)."""
    import json

    import yaml

    own = [t for ind in RULES.kb.indicators for t in (*ind.examples.positive, *ind.examples.negative)]
    examples = ROOT / "src" / "fanzha" / "examples" / "examples.jsonl"
    own += [json.loads(line).get("text", "") for line in examples.read_text(encoding="utf-8").splitlines()]
    for path in sorted((ROOT / "src" / "fanzha" / "kb" / "data" / "templates").glob("*.yaml")):
        own += _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    grams = [g for g in (_grams(t) for t in own if t) if len(g) >= 5]
    sets = ts.load_sets(SETS, CategoryNames(RULES.kb), _errors)
    close = set()
    for name in ts.SETS:
        for ex in sets[name]:
            g = _grams(ex.data)
            if any(len(g & h) >= 0.5 * len(g | h) for h in grams):
                close.add(ex.id)
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \| ", README.split("### Known overlaps")[1], re.M))
    assert close == listed


def test_windows_are_cut_the_same_way_every_time() -> None:
    rec: Any = {"id": "d1", "label": "scam", "turns": [{"speaker": "a", "text": str(i)} for i in range(9)]}
    windows = list(ts.cut(rec))
    assert [w.size for w in windows] == [3, 4, 5]
    assert all(0 <= w.start <= 9 - w.size for w in windows)
    assert [w.start for w in windows] == [w.start for w in ts.cut(rec)]
    assert [t["text"] for t in windows[0].turns] == [str(windows[0].start + k) for k in range(3)]
    assert list(ts.cut({"id": "d2", "label": "safe", "turns": rec["turns"][:2]})) == []


def test_glued_text_loses_punctuation_and_spaces_only() -> None:
    assert ts.glued("【京东】您好，请回电 021-6281 7745。\n工号：9527") == "京东您好请回电02162817745工号9527"


def test_figures_and_markdown_of_a_run_without_windows() -> None:
    result = ts.run(RULES, RULES, SETS, windows=False, on_error=_errors)
    figs = ts.figures(result)
    assert set(figs) == {f"{n}{g}" for n in ts.SETS for g in ("", ".glued")}
    assert figs["paraphrases"]["recall"]["fused"] == figs["paraphrases"]["recall"]["rules"]
    bars = {b["bar"]: b for b in ts.bars(figs)}
    assert bars["paraphrases: fused recall not below the rules'"]["met"] is True
    meta = {"command": "x", "date": "d", "commit": "c", "dirty": [], "kb_version": "v", "kb_digest": "k"}
    md = ts.markdown(figs, meta)
    assert "#### The bars" in md and "quality_refund" in md and "Gold stage ×" in md
    assert "#### Victims' accounts (`accounts.jsonl`)" in md and "all ordinary accounts" in md
    told = figs["accounts"]["as_account"]["fused"]
    assert told.n == figs["accounts"]["scams"]["fused"].k  # of the flagged scams
    assert ts.to_json(figs, meta)["staged"]["fused"]["all"]["flagged"]["n"] == 64


@pytest.mark.slow
def test_windows_of_the_corpora(data_dir: Path) -> None:
    examples = ts.window_examples(data_dir)
    scams = [ex for ex in examples if ex.gold.positive]
    assert scams and all(ex.source == "teleantifraud" for ex in scams)
    assert {ex.source for ex in examples if not ex.gold.positive} == {
        "teleantifraud",
        "taobao_ecd_sample",
        "imfraud_benign_cs",
    }
    assert all(3 <= len(ex.data) <= 5 for ex in examples)
