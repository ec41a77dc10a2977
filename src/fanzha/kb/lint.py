"""`fanzha kb lint`: load problems plus the behaviour of every example."""

from __future__ import annotations

from pathlib import Path

from fanzha.kb.loader import Issue, LoadedKB, load


def example_issues(loaded: LoadedKB) -> tuple[list[Issue], int]:
    """Run every indicator's examples: a positive must produce a finding of that indicator, a negative none.

    Returns the problems and the number of examples run.
    """
    from fanzha.detect.engine import Detector

    detector = Detector(loaded)
    issues: list[Issue] = []
    count = 0
    for ind in detector.compiled.indicators:
        file, line = loaded.origin.get(ind.id, ("kb", 1))
        for kind, texts in (("positive", ind.examples.positive), ("negative", ind.examples.negative)):
            for text in texts:
                count += 1
                verdict = detector.analyze(text, explain=True)
                hit = any(f.indicator == ind.id for f in verdict.findings)
                if kind == "positive" and not hit:
                    issues.append(
                        Issue(file, line, "E130", f"{ind.id}: positive example not matched: {text!r}")
                    )
                if kind == "negative" and hit:
                    issues.append(Issue(file, line, "E131", f"{ind.id}: negative example matched: {text!r}"))
    return issues, count


def lint(root: Path | None = None) -> tuple[list[Issue], int, int]:
    """All problems of the knowledge base under `root`: (issues, indicators, examples run)."""
    loaded = load(root, strict=False)
    issues = list(loaded.issues)
    count = 0
    if not any(i.severity == "error" for i in issues):
        more, count = example_issues(loaded)
        issues.extend(more)
        # the warning engine's sequence rules and playbook (kb/data/sequences/, playbooks.yaml): load problems
        # and every example timeline replayed (not counted among the indicators' examples)
        from fanzha.warn.lint import sequence_issues

        issues.extend(sequence_issues(root, loaded.kb)[0])
    return issues, len(loaded.kb.indicators), count
