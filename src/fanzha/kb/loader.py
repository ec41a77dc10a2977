"""Load the knowledge base from YAML, reporting every problem as ``file:line: CODE message``.

`load(root)` is the one reader of everything under a knowledge-base folder (``kb/data`` when shipped):

- at once, what the detector needs: ``kb.yaml`` (fusion constants and the stages), categories, variants, advice,
  indicators, spellings, the official domains and hotlines (``official.yaml``) and the entity lexicon
  (``entities.yaml``, `fanzha.kb.lexicon`);
- on demand, from the same folder: the warning engine's signals, sequences and playbook (`LoadedKB.rules`,
  `fanzha.kb.sequences`), and the text templates of the training texts and the synthetic world
  (`LoadedKB.templates`, `fanzha.kb.templates`).

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
    from fanzha.kb.templates import Templates

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

    @property
    def templates(self) -> Templates:
        """The text templates of this knowledge base (``templates/``: the training texts' and the synthetic
        world's phrasings, `fanzha.kb.templates`), read and checked on first use (E100 when they do not check)."""
        from fanzha.kb.templates import load_templates

        return load_templates(None if self.root is None else self.root / "templates")


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
            issues.append(Issue.of(relative(p), 1, "E105"))
            return None
        return read_into(p, relative(p), issues)

    meta = Meta(version="0", fusion=Fusion())
    meta_doc = doc_for("kb.yaml")
    if meta_doc is not None:
        try:
            meta = Meta.model_validate(meta_doc.data)
        except ValidationError as exc:
            issues.extend(validation_issues(meta_doc, exc))

    def collect(name: str, key: str, kind: str, model: type[BaseModel]) -> list[Any]:
        out: list[Any] = []
        doc = doc_for(name)
        if doc is None:
            return out
        first: dict[str, int] = {}
        for item, line in validate_list(doc, key, model, issues):
            out.append(item)
            if item.id in first:
                where = f"{doc.file}:{first[item.id]}"
                issues.append(Issue.of(doc.file, line, "E110", kind=kind, id=item.id, first=where))
            first.setdefault(item.id, line)
            origin.setdefault(item.id, (doc.file, line))
        return out

    for st in meta.stages:
        if tuple(st.moves) != STAGE_MOVES[st.id]:
            issues.append(
                Issue.of(
                    "kb.yaml",
                    1,
                    "E117",
                    stage=st.id,
                    expected=", ".join(STAGE_MOVES[st.id]),
                    got=", ".join(st.moves),
                )
            )
    if meta.stages and sorted(st.id for st in meta.stages) != [1, 2, 3]:
        issues.append(Issue.of("kb.yaml", 1, "E118"))
    categories: list[Category] = collect("categories.yaml", "categories", "category", Category)
    variants: list[Variant] = collect("variants.yaml", "variants", "variant", Variant)
    advice: list[Advice] = collect("advice.yaml", "advice", "advice", Advice)
    indicators: list[Indicator] = []
    ind_dir = root / "indicators"
    files = sorted(ind_dir.glob("*.yaml")) if ind_dir.is_dir() else []
    if not files:
        issues.append(Issue.of(relative(ind_dir), 1, "E115"))
    seen_ids: dict[str, tuple[str, int]] = {}
    for p in files:
        doc = read_into(p, relative(p), issues)
        if doc is None:
            continue
        for item, line in validate_list(doc, "indicators", Indicator, issues):
            if item.id in seen_ids:
                f, ln = seen_ids[item.id]
                issues.append(
                    Issue.of(doc.file, line, "E110", kind="indicator", id=item.id, first=f"{f}:{ln}")
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
            issues.append(Issue.of(sp.file, 1, "E108", key="spellings"))
        else:
            spellings = data

    lexicon = LexiconData("entities.yaml")
    lex_path = root / "entities.yaml"
    if not lex_path.exists():
        issues.append(Issue.of(relative(lex_path), 1, "E105"))
    else:
        lexicon, lex_issues = read_lexicon(lex_path, relative(lex_path))
        issues.extend(lex_issues)

    official: list[Organisation] = []
    off_doc = doc_for("official.yaml")
    if off_doc is not None:
        official = [item for item, _ in validate_list(off_doc, "organisations", Organisation, issues)]
    # an organisation's short hotline (12366 the tax office's, 95338 顺丰's) is a service number wherever a text
    # names it, as the lexicon's own are: a reporter who called it, or a fake base station that showed it, says
    # nothing of a gang
    for org in official:
        for number in org.hotlines:
            if len(number) <= 8:
                lexicon.service_numbers.setdefault(number, org.name)

    _cross_check(categories, variants, advice, indicators, origin, issues)
    adv_ids = {a.id for a in advice}
    for field_ in ("advice_by_label", "advice_by_kind"):
        for key, ids in getattr(meta.fusion, field_).items():
            for a in ids:
                if a not in adv_ids:
                    issues.append(Issue.of("kb.yaml", 1, "E113", item=f"fusion.{field_}.{key}", advice=a))
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
        raise KnowledgeBaseError(issues)
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

    cat_ids = {c.id for c in categories}
    var_by_id = {v.id: v for v in variants}
    adv_ids = {a.id for a in advice}
    for v in variants:
        if v.category not in cat_ids:
            issues.append(Issue.of(*at(v.id), "E111", item=v.id, category=v.category, valid=sorted(cat_ids)))
    for ind in indicators:
        f, line = at(ind.id)
        if ind.category is not None and ind.category not in cat_ids:
            issues.append(
                Issue.of(f, line, "E111", item=ind.id, category=ind.category, valid=sorted(cat_ids))
            )
        if ind.variant is not None:
            var = var_by_id.get(ind.variant)
            if var is None:
                issues.append(Issue.of(f, line, "E112", item=ind.id, variant=ind.variant))
            elif var.category != ind.category:
                issues.append(
                    Issue.of(f, line, "E116", item=ind.id, variant=ind.variant, category=ind.category)
                )
        for a in ind.advice:
            if a not in adv_ids:
                issues.append(Issue.of(f, line, "E113", item=ind.id, advice=a))
        if ind.role == "scam" and not ind.advice:
            issues.append(Issue.of(f, line, "E114", item=ind.id))
        dup = {t for t in ind.terms if ind.terms.count(t) > 1}
        if dup:
            issues.append(Issue.of(f, line, "W120", item=ind.id, terms=sorted(dup)))


@functools.cache
def default_kb() -> LoadedKB:
    """The shipped knowledge base, loaded once per process."""
    return load()
