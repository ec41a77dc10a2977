"""`fanzha kb lint`: every problem of a knowledge base, as ``file:line: CODE message``, pySigma-style.

Loading reports what the files themselves get wrong (schema, references, duplicates: E101–E116, E35x,
E720–E736, and the text templates' E140–E149). Then every registered `Validator` runs on what loaded. A validator is a named check with a
severity; those that need more than the knowledge base register from their own floor through the
``fanzha.validators`` entry points (see pyproject.toml), so this module imports no engine:

- ``indicator_examples`` (`fanzha.detect.kbcheck`): every indicator's positive example is found by the
  detector, no negative one is (E130 / E131);
- ``lexicon_aliases`` (`fanzha.text.kbcheck`): no alias of the entity lexicon names two things (E355);
- ``sequence_examples`` (`fanzha.warn.kbcheck`): every sequence's example timelines replayed through a fresh
  engine (E726 / E727).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fanzha.errors import FanzhaError
from fanzha.kb.loader import LoadedKB, load
from fanzha.kb.templates import check_templates
from fanzha.kb.yamlsrc import Issue
from fanzha.registry import Registry

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Validator:
    """A named check of a loaded knowledge base: what it checks (`doc`), how bad its findings are
    (`severity`, given to every issue it returns), and the check itself."""

    name: str
    severity: Severity
    check: Callable[[LoadedKB], Iterable[Issue]]
    doc: str

    def __call__(self, loaded: LoadedKB) -> list[Issue]:
        return [
            i if i.severity == self.severity else dataclasses.replace(i, severity=self.severity)
            for i in self.check(loaded)
        ]


#: the registered validators (the engine-level ones arrive through the ``fanzha.validators`` entry points)
VALIDATORS: Registry[Validator] = Registry("validator", code="E121", entry_points="fanzha.validators")


@dataclass(frozen=True)
class LintReport:
    issues: list[Issue]
    indicators: int
    examples: int  # indicator examples the detector ran

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


def lint(root: Path | None = None) -> LintReport:
    """All problems of the knowledge base under `root` (default: the shipped one): load problems of every
    file (the sequence rules and playbook included), then — when none of them is an error — every validator."""
    loaded = load(root, strict=False)
    issues = list(loaded.issues)
    issues.extend(loaded.rules.issues)
    issues.extend(check_templates(None if root is None else root / "templates")[1])
    examples = 0
    if not any(i.severity == "error" for i in issues):
        # a validator that could not run says why (E122), unless the issues it failed on are reported already
        failed: list[tuple[Issue, set[tuple[str, int, str]]]] = []
        for _, validator in sorted(VALIDATORS.items()):
            try:
                issues.extend(validator(loaded))
            except FanzhaError as exc:
                file, _, line = (exc.where or "kb").rpartition(":")
                where = (file, int(line)) if line.isdigit() else (exc.where or "kb", 1)
                inner = getattr(exc, "issues", [])
                causes = {(i.file, i.line, i.code) for i in inner if isinstance(i, Issue)} or {
                    (*where, exc.code)
                }
                failed.append((Issue.of(*where, "E122", validator=validator.name, error=exc), causes))
        seen = {(i.file, i.line, i.code) for i in issues}
        issues.extend(i for i, causes in failed if not causes <= seen)
        examples = sum(
            len(i.examples.positive) + len(i.examples.negative)
            for i in loaded.kb.indicators
            if i.status != "deprecated"
        )
    return LintReport(issues, len(loaded.kb.indicators), examples)
