"""Load the knowledge base from YAML, reporting every problem as ``file:line: CODE message``.

`load(root)` is the one reader of everything under a knowledge-base folder (``kb/data`` when shipped):

- at once, what the detector needs: ``kb.yaml`` (fusion constants and the stages), categories, variants, advice,
  indicators, spellings, the official domains and hotlines (``official.yaml``) and the entity lexicon
  (``entities.yaml``, `fanzha.kb.lexicon`);
- on demand, from the same folder: the warning engine's signals, sequences and playbook (`LoadedKB.rules`,
  `fanzha.kb.sequences`).

The loader keeps the line of every mapping key and list item, so a pydantic validation error on
``indicators[3].examples.negative`` is reported at the line of that field in its file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from fanzha.errors import KnowledgeBaseError
from fanzha.kb.lexicon import LexiconData, read_lexicon
from fanzha.kb.schema import (
    STAGE_MOVES,
    Advice,
    Category,
    Fusion,
    Indicator,
    KnowledgeBase,
    Meta,
    Organisation,
    Variant,
)
from fanzha.kb.yamlsrc import Issue, Source, read_into, relative, validate_list, validation_issues

if TYPE_CHECKING:
    from fanzha.kb.sequences import RuleSet

__all__ = ["Issue", "LoadedKB", "default_kb", "default_root", "load"]


@dataclass
class LoadedKB:
    """A validated knowledge base with the file and line of every entry (for messages and `kb show`), and the
    parts loaded on demand from the same folder."""

    kb: KnowledgeBase
    origin: dict[str, tuple[str, int]]
    issues: list[Issue]
    root: Path | None = None  # None: the shipped knowledge base
    strict: bool = True
    _rules: Any = field(default=None, repr=False)

    @property
    def rules(self) -> RuleSet:
        """The signals, sequences and playbook of this knowledge base (`fanzha.kb.sequences`), loaded on first
        use and checked against it; with a non-strict load their problems are in `rules.issues`."""
        if self._rules is None:
            from fanzha.kb.sequences import load_rules

            self._rules = load_rules(self.root, kb=self.kb, strict=self.strict)
        rules: RuleSet = self._rules
        return rules


def default_root() -> Path:
    """The knowledge base shipped in the package."""
    return Path(str(resources.files("fanzha.kb") / "data"))


def load(root: Path | None = None, *, strict: bool = True) -> LoadedKB:
    """Load and cross-check the knowledge base under `root` (default: the shipped one).

    With `strict`, any error raises `KnowledgeBaseError` listing every problem; otherwise the problems are
    returned in `LoadedKB.issues` together with whatever did validate (used by `fanzha kb lint`).
    """
    given = root
    root = root or default_root()
    issues: list[Issue] = []
    origin: dict[str, tuple[str, int]] = {}

    def doc_for(name: str) -> Source | None:
        p = root / name
        if not p.exists():
            issues.append(Issue(relative(p), 1, "E105", "file missing"))
            return None
        return read_into(p, relative(p), issues)

    meta = Meta(version="0", fusion=Fusion())
    meta_doc = doc_for("kb.yaml")
    if meta_doc is not None:
        try:
            meta = Meta.model_validate(meta_doc.data)
        except ValidationError as exc:
            issues.extend(validation_issues(meta_doc, exc, "E104"))

    def collect(name: str, key: str, model: type[BaseModel]) -> list[Any]:
        out: list[Any] = []
        doc = doc_for(name)
        if doc is None:
            return out
        for item, line in validate_list(doc, key, model, issues):
            out.append(item)
            origin.setdefault(item.id, (doc.file, line))
        return out

    for st in meta.stages:
        if tuple(st.moves) != STAGE_MOVES[st.id]:
            issues.append(
                Issue(
                    "kb.yaml",
                    1,
                    "E104",
                    f"stage {st.id}: moves {st.moves} differ from {list(STAGE_MOVES[st.id])}",
                )
            )
    if meta.stages and sorted(st.id for st in meta.stages) != [1, 2, 3]:
        issues.append(Issue("kb.yaml", 1, "E104", "stages must define 1, 2 and 3, once each"))
    categories: list[Category] = collect("categories.yaml", "categories", Category)
    variants: list[Variant] = collect("variants.yaml", "variants", Variant)
    advice: list[Advice] = collect("advice.yaml", "advice", Advice)
    indicators: list[Indicator] = []
    ind_dir = root / "indicators"
    files = sorted(ind_dir.glob("*.yaml")) if ind_dir.is_dir() else []
    if not files:
        issues.append(Issue(relative(ind_dir), 1, "E105", "no indicator files"))
    seen_ids: dict[str, tuple[str, int]] = {}
    for p in files:
        doc = read_into(p, relative(p), issues)
        if doc is None:
            continue
        for item, line in validate_list(doc, "indicators", Indicator, issues):
            if item.id in seen_ids:
                f, ln = seen_ids[item.id]
                issues.append(
                    Issue(doc.file, line, "E110", f"duplicate indicator id {item.id!r} (first at {f}:{ln})")
                )
                continue
            seen_ids[item.id] = (doc.file, line)
            origin[item.id] = (doc.file, line)
            indicators.append(item)

    spellings: dict[str, list[str]] = {}
    sp = doc_for("spellings.yaml")
    if sp is not None:
        data = sp.data.get("spellings") if isinstance(sp.data, dict) else None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
            for k, v in data.items()
        ):
            issues.append(
                Issue(sp.file, 1, "E103", "'spellings' must map a canonical form to a list of variants")
            )
        else:
            spellings = data

    lexicon = LexiconData("entities.yaml")
    lex_path = root / "entities.yaml"
    if not lex_path.exists():
        issues.append(Issue(relative(lex_path), 1, "E105", "file missing"))
    else:
        lexicon, lex_issues = read_lexicon(lex_path, relative(lex_path))
        issues.extend(lex_issues)

    official: list[Organisation] = []
    off_doc = doc_for("official.yaml")
    if off_doc is not None:
        official = [item for item, _ in validate_list(off_doc, "organisations", Organisation, issues)]

    _cross_check(categories, variants, advice, indicators, origin, issues)
    adv_ids = {a.id for a in advice}
    for group in (meta.fusion.advice_by_label, meta.fusion.advice_by_kind):
        for key, ids in group.items():
            for a in ids:
                if a not in adv_ids:
                    issues.append(
                        Issue("kb.yaml", 1, "E113", f"fusion advice for {key!r}: unknown advice {a!r}")
                    )
    kb = KnowledgeBase(
        version=meta.version,
        fusion=meta.fusion,
        categories=categories,
        variants=variants,
        advice=advice,
        indicators=indicators,
        spellings=spellings,
        lexicon=lexicon,
        stages=meta.stages,
        official=official,
    )
    if strict and any(i.severity == "error" for i in issues):
        raise KnowledgeBaseError([str(i) for i in issues])
    return LoadedKB(kb, origin, issues, given, strict)


def _cross_check(
    categories: list[Category],
    variants: list[Variant],
    advice: list[Advice],
    indicators: list[Indicator],
    origin: dict[str, tuple[str, int]],
    issues: list[Issue],
) -> None:
    def at(ident: str) -> tuple[str, int]:
        return origin.get(ident, ("kb", 1))

    for kind, items in (("category", categories), ("variant", variants), ("advice", advice)):
        seen: set[str] = set()
        for it in items:
            if it.id in seen:
                issues.append(Issue(*at(it.id), "E110", f"duplicate {kind} id {it.id!r}"))
            seen.add(it.id)
    cat_ids = {c.id for c in categories}
    var_by_id = {v.id: v for v in variants}
    adv_ids = {a.id for a in advice}
    for v in variants:
        if v.category not in cat_ids:
            issues.append(Issue(*at(v.id), "E111", f"variant {v.id!r}: unknown category {v.category!r}"))
    for ind in indicators:
        f, line = at(ind.id)
        if ind.category is not None and ind.category not in cat_ids:
            issues.append(
                Issue(
                    f, line, "E111", f"{ind.id}: unknown category {ind.category!r}; valid: {sorted(cat_ids)}"
                )
            )
        if ind.variant is not None:
            var = var_by_id.get(ind.variant)
            if var is None:
                issues.append(Issue(f, line, "E112", f"{ind.id}: unknown variant {ind.variant!r}"))
            elif var.category != ind.category:
                issues.append(
                    Issue(f, line, "E112", f"{ind.id}: variant {ind.variant!r} is not of {ind.category!r}")
                )
        for a in ind.advice:
            if a not in adv_ids:
                issues.append(Issue(f, line, "E113", f"{ind.id}: unknown advice {a!r}"))
        if ind.role == "scam" and not ind.advice:
            issues.append(Issue(f, line, "E114", f"{ind.id}: a scam indicator needs advice"))
        dup = {t for t in ind.terms if ind.terms.count(t) > 1}
        if dup:
            issues.append(Issue(f, line, "W120", f"{ind.id}: repeated terms {sorted(dup)}", "warning"))


@functools.cache
def default_kb() -> LoadedKB:
    """The shipped knowledge base, loaded once per process."""
    return load()
