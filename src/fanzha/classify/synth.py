"""Project-owned synthetic texts for training: benign genres and scams of every category.

The one corpus that may train the shipped model (teleantifraud) is phone calls, and its benign side is narrow
(ordering food, taxis). Real phones receive much more: operator marketing, bank balance notices, one-time codes,
parcel and food-delivery notices, family chats, users' own questions about 花呗 and 借呗, refunds that really were
made, anti-fraud campaigns. This module writes such texts — and scam texts of the categories the knowledge base
names — from the text templates (``src/fanzha/kb/data/templates/``, rendered by `fanzha.text.templates`), written
for fanzha from general knowledge of these genres (no text of any evaluation corpus was used). Every draw comes
from the `numpy.random.Generator` given, so a seed gives the same texts.

`generate(rng, per_genre)` returns `Sample`s: text, label (1 scam, 0 not), category (a knowledge-base category
id for scams, else None) and group (the genre, used to hold out whole genres when fitting the fusion). What is
here is the training set's plan: which genres, how many texts of each, and their labels and groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fanzha.text.templates import COMPOSERS, TextBank, TrainingTexts, training_texts


@dataclass(frozen=True, slots=True)
class Sample:
    """One training text."""

    text: str
    label: int
    category: str | None
    group: str
    weight: float = 1.0


def generate(rng: np.random.Generator, per_genre: int, texts: TrainingTexts | None = None) -> list[Sample]:
    """`per_genre` texts of every benign genre and scam category of the templates, plus the sim's phrasings
    (scam scripts and ordinary life). `texts`: other templates than the shipped ones."""
    w = texts or training_texts()
    t = w.t
    out: list[Sample] = []
    for genre, templates in t.training.benign.items():
        for _ in range(per_genre):
            text = w.render(rng, templates[int(rng.integers(len(templates)))])
            out.append(Sample(w.decorate_benign(rng, text, genre), 0, None, f"benign.{genre}"))
    for genre, times in t.training_benign.composed.items():
        compose = COMPOSERS[genre]
        for _ in range(per_genre * times):
            out.append(Sample(compose(w, rng), 0, None, f"benign.{genre}"))
    for category in t.training.scam:
        n = per_genre if category != "ecommerce_cs" else per_genre * 2
        for _ in range(n):
            out.append(Sample(w.one_line_scam(rng, category), 1, category, f"scam.{category}"))
        for _ in range(n * 2):
            out.append(Sample(w.composed_scam(rng, category), 1, category, f"scam.{category}"))
        for _ in range(n):
            out.append(Sample(w.verbose_scam(rng, category), 1, category, f"scam.{category}"))
    for category, weight in t.training_registers.weights.items():  # the registers and letters
        for _ in range(int(per_genre * weight)):
            text = w.surface(rng, w.render(rng, w.scam_template(rng, category)))
            out.append(Sample(text, 1, category, f"scam.{category}"))
    for genre, weight in t.training_benign.registers.items():  # their vocabulary without their moves
        for _ in range(int(per_genre * weight)):
            text = w.surface(rng, w.render(rng, w.benign_template(rng, genre)))
            out.append(Sample(text, 0, None, f"benign.{genre}"))
    benign = [s for s in out if s.label == 0 and not s.group.endswith(".short")]
    mixed = t.training.separators.mixed
    for _ in range(per_genre * 4):  # longer benign texts: several messages of a thread or a day, together
        k = int(rng.integers(2, 5))
        picks = [benign[int(i)].text for i in rng.integers(0, len(benign), k)]
        sep = mixed[int(rng.integers(len(mixed)))]
        out.append(Sample(sep.join(picks), 0, None, "benign.mixed"))
    bank = _bank(rng)
    for family in t.world.benign:
        for _ in range(max(1, per_genre // 2)):
            slots = w.all_slots(rng)
            out.append(Sample(bank.benign(family, slots), 0, None, f"sim.benign.{family}"))
    for script in t.training.sim_scripts:
        for _ in range(max(1, per_genre // 2)):
            slots = w.all_slots(rng)
            text = "".join(bank.scam(move, slots) for move in script)
            out.append(Sample(text, 1, None, "sim.scam"))  # one category only: would bias the category head
    refusals = t.world.scam["victim.refuse"]
    for _ in range(max(1, per_genre // 4)):  # the person's own words refusing: not a scam on their own
        out.append(Sample(w.render(rng, refusals[int(rng.integers(len(refusals)))]), 0, None, "sim.refusal"))
    return out


def _bank(rng: np.random.Generator) -> TextBank:
    """The world's phrasings, drawn from `rng` (Python numbers for the bank's protocol)."""
    gen = rng

    class _R:
        def random(self) -> float:
            return float(gen.random())

        def integers(self, lo: int, hi: int | None = None) -> int:
            return int(gen.integers(lo, hi)) if hi is not None else int(gen.integers(lo))

    return TextBank(_R())
