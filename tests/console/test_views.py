"""The console's pure functions: evidence segments on the original text, the steps picture, the flow graph,
minutes since the last move and the forms' fields."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.console import views
from fanzha.errors import InputError


@st.composite
def text_and_findings(draw: st.DrawFn) -> tuple[str, list[dict[str, object]]]:
    text = draw(st.text(alphabet="淘宝客服退款QQ转账 ，。a1", min_size=0, max_size=40))
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=6))
    return text, [
        {"start": min(a, b), "end": max(a, b), "indicator": f"i{k}", "reason": "r"}
        for k, (a, b) in enumerate(spans)
    ]


@settings(max_examples=60, deadline=None)
@given(text_and_findings())
def test_segments_give_the_text_back_and_mark_exactly_the_findings(
    case: tuple[str, list[dict[str, object]]],
) -> None:
    text, findings = case
    ev = views.evidence(text, findings)
    assert "".join(s["text"] for s in ev["segments"]) == text
    pos = 0
    for seg in ev["segments"]:
        for f in ev["findings"]:
            inside = f["start"] <= pos and pos + len(seg["text"]) <= f["end"]
            assert (f["n"] in seg["marks"]) == inside
        pos += len(seg["text"])
    assert sorted(n for s in ev["segments"] for n in s["ends"]) == [f["n"] for f in ev["findings"]]


def test_overlapping_findings_are_numbered_in_text_order_and_marked_together() -> None:
    text = "给您三倍赔偿，加QQ 28374655"
    findings = [
        {"indicator": "b", "start": 2, "end": 6, "text": "三倍赔偿", "reason": "x"},
        {"indicator": "a", "start": 0, "end": 6, "text": "给您三倍赔偿", "reason": "y"},
        {"indicator": "a", "start": 0, "end": 6, "text": "给您三倍赔偿", "reason": "y"},  # the same twice
        {"indicator": "c", "start": 7, "end": 10, "text": "加QQ", "reason": "z", "turn": None},
    ]
    ev = views.evidence(text, findings)
    assert [f["n"] for f in ev["findings"]] == [1, 2, 3]
    assert ev["segments"][0] == {"text": "给您", "marks": [1], "ends": []}
    assert ev["segments"][1] == {"text": "三倍赔偿", "marks": [1, 2], "ends": [1, 2]}


def test_the_steps_reached() -> None:
    names = {1: "取得联系", 2: "寻找借口", 3: "实施诈骗"}
    steps = views.stages(2, names)
    assert [s["reached"] for s in steps] == [True, True, False]
    assert [s["current"] for s in steps] == [False, True, False]
    assert not any(s["reached"] for s in views.stages(None, names))


def test_the_clock_and_minutes_since() -> None:
    wall = 1_800_000_000_000_000
    assert views.clock_us(wall, wall - 5_000_000) == wall
    assert views.clock_us(wall, wall - 400 * 86_400_000_000) == wall - 400 * 86_400_000_000
    assert views.clock_us(wall, 0) == wall
    assert views.minutes_since("2024-03-05T10:00:00+08:00", 1_709_604_000_000_000 + 13 * 60_000_000) == 13
    assert views.minutes_since(None, wall) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 0.0), (None, 0.0), ("200000", 200000.0), ("1,999.50", 1999.5), (" 12 ", 12.0)],
)
def test_amounts(value: str | None, expected: float) -> None:
    assert views.amount(value) == expected


@pytest.mark.parametrize("value", ["abc", "-1", "1e12", "nan", "inf"])
def test_bad_amounts_are_E950(value: str) -> None:
    with pytest.raises(InputError) as exc:
        views.amount(value)
    assert exc.value.code == "E950"


def test_choices_and_bounded_fields() -> None:
    assert views.choice("high", ("low", "high"), "level") == "high"
    with pytest.raises(InputError, match="E951") as exc:
        views.choice("urgent", ("low", "high"), "level")
    assert exc.value.code == "E951"
    assert views.bounded("  派出所 \x00", "station", 10) == "派出所"
    with pytest.raises(InputError) as e2:
        views.bounded("", "station", 10, required=True)
    assert e2.value.code == "E955"
    with pytest.raises(InputError) as e3:
        views.bounded("x" * 11, "station", 10)
    assert e3.value.code == "E954"


def test_the_flow_graph_sums_edges_and_names_victims_mules_and_cash_outs() -> None:
    flows = [
        {"src": "V", "dst": "M1", "amount": "100.00", "hop": "1", "time": "2024-03-05T10:00:00+08:00"},
        {"src": "M1", "dst": "M2", "amount": "60.00", "hop": "2", "time": "2024-03-05T11:00:00+08:00"},
        {"src": "M1", "dst": "M2", "amount": "40.00", "hop": "2", "time": "2024-03-05T10:30:00+08:00"},
    ]
    cash = [
        {"account_id": "M2", "kind": "atm", "location": "南宁", "amount": "99.00", "time": "2024-03-05T12:00"}
    ]
    g = views.flow_graph(flows, cash)
    kinds = {n["id"]: n["kind"] for n in g["nodes"]}
    assert kinds == {"V": "victim", "M1": "mule", "M2": "mule", "atm:南宁": "cash_out"}
    m1m2 = next(e for e in g["edges"] if (e["source"], e["target"]) == ("M1", "M2"))
    assert m1m2["amount"] == 100.0 and m1m2["time"] == "2024-03-05T10:30:00+08:00"
    assert m1m2["label"] == "100.00\n03-05 10:30"
    assert views.flow_graph(flows, cash, top=1)["shown"] == 1
