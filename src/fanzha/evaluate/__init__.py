"""Evaluation: the corpus loaders, the dev / test split, the metrics and the reports of ``fanzha eval``.

from fanzha.evaluate import load, score, predict, parse_example, CategoryNames
records = load("telecom_fraud_texts_5", split="dev")
"""

from fanzha.evaluate.metrics import (
    Binary,
    CategoryNames,
    Example,
    Gold,
    Metrics,
    Outcome,
    Ratio,
    parse_example,
    parse_label,
    predict,
    score,
)
from fanzha.records.corpora import CORPORA, INFO, Record, default_data_dir, load, split_key, split_of

__all__ = [
    "CORPORA",
    "INFO",
    "Binary",
    "CategoryNames",
    "Example",
    "Gold",
    "Metrics",
    "Outcome",
    "Ratio",
    "Record",
    "default_data_dir",
    "load",
    "parse_example",
    "parse_label",
    "predict",
    "score",
    "split_key",
    "split_of",
]
