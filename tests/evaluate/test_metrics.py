"""Metrics on tiny hand-made label sets whose answers are worked out here, and parsing of labelled lines."""

from __future__ import annotations

from typing import Any

import pytest

from fanzha.detect.verdict import Verdict
from fanzha.errors import InputError
from fanzha.evaluate.metrics import (
    Binary,
    CategoryNames,
    Example,
    Gold,
    Outcome,
    Ratio,
    error_record,
    parse_example,
    parse_label,
    predict,
    score,
    wilson,
)
from fanzha.records.corpora import in_split, sample_key, split_of


def verdict(label: str, kind: str = "attempt", category: str | None = None, **kw: Any) -> Verdict:
    return Verdict(
        label=label,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        category=category,
        variant=kw.get("variant"),
        stage=kw.get("stage"),
        score=0.5,
        findings=(),
        advice=(),
    )


def outcome(gold: Gold, v: Verdict, text: str = "x", seconds: float = 0.01) -> Outcome:
    return Outcome(Example(id=str(id(gold)), data=text, gold=gold), v, seconds)


@pytest.fixture(scope="module")
def names(detector: Any) -> CategoryNames:
    return CategoryNames(detector.kb)


# -- the worked example ---------------------------------------------------------------------------------------
#
#  #  gold                                  verdict                         lenient  strict
#  1  scam  ecommerce_cs                    scam attempt ecommerce_cs       TP       TP     category right (fired)
#  2  scam  fake_loan|fake_credit           suspicious attempt fake_credit  TP       FN     right (fired, 2nd alt.)
#  3  scam  ecommerce_cs                    suspicious attempt other        TP       FN     wrong (fired)
#  4  scam  impersonate_authority           safe other, impersonate_auth.   FN       FN     right, but did not fire
#  5  scam  (no category)                   safe other                      FN       FN     -
#  6  safe                                  safe other                      TN       TN
#  7  safe                                  safe notice                     TN       TN
#  8  safe                                  suspicious attempt              FP       TN     flagged, as an attempt
#  9  safe                                  scam narrative                  FP       FP     flagged, not an attempt
# 10  suspicious                            suspicious attempt              FP       TN     (not a safe line)
#
# lenient: TP 3, FP 3, FN 2, TN 2 → P 3/6 = 0.5, R 3/5 = 0.6, F1 = 2·0.5·0.6/1.1 = 6/11
# strict:  TP 1, FP 1, FN 4, TN 4 → P 1/2, R 1/5, F1 = 2·0.5·0.2/0.7 = 2/7
# category over gold scam with a category (1–4): fired 1, 2, 3 → 2 right of 3; all → 1, 2, 4 right: 3 of 4
# alarms on the 4 safe lines (6–9): flagged 2 (8, 9) = 0.5; flagged as an attempt 1 (8) = 0.25


@pytest.fixture(scope="module")
def worked() -> list[Outcome]:
    return [
        outcome(Gold("scam", ("ecommerce_cs",)), verdict("scam", category="ecommerce_cs")),
        outcome(Gold("scam", ("fake_loan", "fake_credit")), verdict("suspicious", category="fake_credit")),
        outcome(Gold("scam", ("ecommerce_cs",)), verdict("suspicious", category="other")),
        outcome(Gold("scam", ("impersonate_authority",)), verdict("safe", "other", "impersonate_authority")),
        outcome(Gold("scam"), verdict("safe", "other")),
        outcome(Gold("safe"), verdict("safe", "other")),
        outcome(Gold("safe"), verdict("safe", "notice")),
        outcome(Gold("safe"), verdict("suspicious", "attempt")),
        outcome(Gold("safe"), verdict("scam", "narrative")),
        outcome(Gold("suspicious"), verdict("suspicious", "attempt")),
    ]


def test_scam_vs_not_lenient_and_strict(worked: list[Outcome]) -> None:
    m = score(worked)
    assert m.n == 10 and m.gold_labels == {"scam": 5, "suspicious": 1, "safe": 4}
    assert (m.lenient.tp, m.lenient.fp, m.lenient.fn, m.lenient.tn) == (3, 3, 2, 2)
    assert m.lenient.precision == pytest.approx(0.5)
    assert m.lenient.recall == pytest.approx(0.6)
    assert m.lenient.f1 == pytest.approx(6 / 11)
    assert (m.strict.tp, m.strict.fp, m.strict.fn, m.strict.tn) == (1, 1, 4, 4)
    assert m.strict.f1 == pytest.approx(2 / 7)


def test_category_accuracy_over_fired_and_over_all(worked: list[Outcome]) -> None:
    m = score(worked)
    assert (m.category_of_predicted.k, m.category_of_predicted.n) == (2, 3)
    assert (m.category_of_all.k, m.category_of_all.n) == (3, 4)
    assert (m.category_fired_and_right.k, m.category_fired_and_right.n) == (2, 4)
    assert m.category_confusion == {
        "ecommerce_cs": {"ecommerce_cs": 1, "other": 1},
        "fake_loan|fake_credit": {"fake_credit": 1},
        "impersonate_authority": {"impersonate_authority": 1},
    }
    assert m.by_category["ecommerce_cs"]["recall"]["rate"] == 1.0
    assert m.by_category["impersonate_authority"]["recall"]["rate"] == 0.0


def test_alarms_on_safe_lines(worked: list[Outcome]) -> None:
    m = score(worked)
    assert (m.safe_flagged.k, m.safe_flagged.n) == (2, 4)
    assert (m.safe_flagged_attempt.k, m.safe_flagged_attempt.n) == (1, 4)


def test_label_confusion(worked: list[Outcome]) -> None:
    m = score(worked)
    assert m.label_confusion == {
        "scam": {"scam": 1, "suspicious": 2, "safe": 2},
        "suspicious": {"scam": 0, "suspicious": 1, "safe": 0},
        "safe": {"scam": 1, "suspicious": 1, "safe": 2},
    }
    assert sum(sum(r.values()) for r in m.label_confusion.values()) == m.n


def test_variant_stage_kind_over_the_lines_that_carry_them() -> None:
    outs = [
        outcome(
            Gold("scam", variant=("lost_parcel",), stage=3, kind="attempt"),
            verdict("scam", variant="lost_parcel", stage=2),
        ),
        outcome(Gold("scam", variant=("quality_refund", "other")), verdict("scam", variant="other")),
        outcome(Gold("safe", kind="notice"), verdict("safe", "notice")),
        outcome(Gold("safe"), verdict("safe", "other")),
    ]
    m = score(outs)
    assert (m.variant.k, m.variant.n) == (2, 2)
    assert (m.stage.k, m.stage.n) == (0, 1)
    assert (m.kind.k, m.kind.n) == (2, 2)
    assert outs[0].errors() == ["stage"]
    assert outs[3].errors() == []


def test_undefined_figures_are_none_not_zero() -> None:
    m = score([outcome(Gold("safe"), verdict("safe", "other"))])
    assert m.lenient.precision is None and m.lenient.recall is None and m.lenient.f1 is None
    assert m.category_of_all.rate is None and m.variant.rate is None
    assert Binary(tp=0, fp=2, fn=3).f1 == 0.0
    assert m.to_dict()["scam_vs_not"]["lenient"]["f1"] is None


def test_throughput_is_texts_over_summed_seconds() -> None:
    m = score([outcome(Gold("safe"), verdict("safe"), text="abcd", seconds=0.5)] * 4)
    assert m.texts_per_second == pytest.approx(2.0) and m.chars == 16


def test_wilson_interval() -> None:
    assert wilson(0, 0) is None
    lo, hi = wilson(0, 10) or (None, None)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(5, 10) or (None, None)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    assert Ratio(1, 4).to_dict()["rate"] == 0.25


def test_errors_name_what_went_wrong(worked: list[Outcome]) -> None:
    assert worked[0].errors() == []
    assert worked[1].errors() == ["label"]  # scam predicted suspicious: fired, but not the gold label
    assert worked[2].errors() == ["label", "category"]
    assert worked[3].errors() == ["missed"]
    assert worked[7].errors() == ["false_alarm"]
    assert worked[9].errors() == []  # gold suspicious, predicted suspicious
    rec = error_record(worked[3])
    assert rec["errors"] == ["missed"] and rec["gold"]["category"] == "impersonate_authority"
    assert rec["verdict"]["label"] == "safe" and rec["text"] == "x"
    assert "text" not in error_record(worked[3], include_data=False)


# -- parsing labelled lines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, label",
    [
        ("scam", "scam"),
        ("Suspicious", "suspicious"),
        (" safe ", "safe"),
        (1, "scam"),
        (0, "safe"),
        (True, "scam"),
        (False, "safe"),
        ("1", "scam"),
        ("0", "safe"),
        ("true", "scam"),
        ("FALSE", "safe"),
    ],
)
def test_label_values(value: Any, label: str) -> None:
    assert parse_label(value) == label


@pytest.mark.parametrize("value", ["fraud", 2, -1, None, 0.5, "", ["scam"]])
def test_unknown_label_values(value: Any) -> None:
    with pytest.raises(InputError) as exc:
        parse_label(value)
    assert exc.value.code == "E311"


def test_parse_example_fields(names: CategoryNames) -> None:
    ex = parse_example(
        {
            "id": 7,
            "text": "t",
            "label": "scam",
            "category": "冒充客服诈骗 | fake_loan",
            "variant": "lost_parcel",
            "stage": 2,
            "kind": "attempt",
        },
        names,
    )
    assert ex.id == "7" and ex.data == "t"
    assert ex.gold == Gold("scam", ("ecommerce_cs", "fake_loan"), ("lost_parcel",), 2, "attempt")
    turns = [{"speaker": "客服", "text": "a"}, {"speaker": None, "text": "b"}]
    ex = parse_example({"turns": turns, "label": 0}, names, default_id="line-3")
    assert ex.id == "line-3" and ex.data == turns and ex.gold.label == "safe" and ex.chars == 2


@pytest.mark.parametrize(
    "obj, code",
    [
        ({"id": "a", "text": "t"}, "E310"),
        ({"id": "a", "text": "t", "label": None}, "E310"),
        ({"id": "a", "text": "t", "label": "maybe"}, "E311"),
        ({"id": "a", "label": "safe"}, "E312"),
        ({"id": "a", "text": 3, "label": "safe"}, "E312"),
        ({"id": "a", "text": "  ", "label": "safe"}, "E312"),
        ({"id": "a", "turns": [], "label": "safe"}, "E000"),
        ({"id": "a", "turns": [{"speaker": "x"}], "label": "safe"}, "E010"),
        ({"id": "a", "turns": "text", "label": "safe"}, "E011"),
        ({"id": "a", "text": "t", "label": "scam", "stage": 4}, "E313"),
        ({"id": "a", "text": "t", "label": "scam", "stage": True}, "E313"),
        ({"id": "a", "text": "t", "label": "scam", "variant": ""}, "E318"),
        ({"id": "a", "text": "t", "label": "scam", "category": "no_such"}, "E314"),
        ({"id": "a", "text": "t", "label": "scam", "category": "|"}, "E318"),
        ({"id": "", "text": "t", "label": "scam"}, "E315"),
        ({"id": "a", "text": "t", "label": "scam", "kind": "rumour"}, "E316"),
    ],
)
def test_parse_example_rejects_bad_fields(obj: dict[str, Any], code: str, names: CategoryNames) -> None:
    with pytest.raises(InputError) as exc:
        parse_example(obj, names)
    assert exc.value.code == code


def test_unknown_category_suggests_close_names(names: CategoryNames) -> None:
    with pytest.raises(InputError) as exc:
        names.resolve("ecommerce-cs")
    assert "ecommerce_cs" in (exc.value.hint() or "")


def test_predict_reports_refused_examples_and_times_the_others() -> None:
    def analyze(data: Any) -> Verdict:
        if data == "bad":
            raise InputError("E010", index=0)
        return verdict("safe", "other")

    examples = [Example("1", "ok", Gold("safe")), Example("2", "bad", Gold("safe"))]
    refused: list[str] = []
    ticks: list[int] = []
    outs = predict(analyze, examples, on_error=lambda ex, e: refused.append(ex.id), progress=ticks.append)
    assert [o.example.id for o in outs] == ["1"] and refused == ["2"] and ticks == [1, 1]
    assert all(o.seconds >= 0 for o in outs)
    with pytest.raises(InputError):
        predict(analyze, examples)


# -- the split ------------------------------------------------------------------------------------------------


def test_split_is_a_stable_hash_of_the_id() -> None:
    # Golden values: changing the split function would silently move records between dev and test.
    assert split_of("a") == "test"
    assert split_of("telecom_fraud_texts_5:label00:1") == "test"
    assert split_of("teleantifraud:fraud_dialogues-20250228_023012:tts_fraud_00079") == "dev"
    counts = {"dev": 0, "test": 0}
    for i in range(4000):
        counts[split_of(f"id-{i}")] += 1
    assert 1880 < counts["dev"] < 2120
    assert all(in_split(f"id-{i}", "all") for i in range(10))
    assert in_split("a", "test") and not in_split("a", "dev")
    assert sample_key("a") == sample_key("a") != sample_key("b")
