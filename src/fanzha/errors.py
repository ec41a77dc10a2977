"""Coded errors. Every error a person can see carries a stable code, a message and, where possible, a hint.

Codes are grouped: E0xx input, E1xx knowledge base, E2xx detector, E3xx evaluation and data loaders.
"""

from __future__ import annotations


class FanzhaError(Exception):
    """An error with a stable code, a location when known, and a hint that suggests the fix."""

    def __init__(self, code: str, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.code = code
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.code} {self.message}"
        if self.where:
            text = f"{self.where}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class InputError(FanzhaError, ValueError):
    """The input given to a command or function cannot be used as it is."""


class KnowledgeBaseError(FanzhaError):
    """The knowledge base failed to load or validate; `issues` holds every problem found."""

    def __init__(self, issues: list[str]) -> None:
        self.issues = issues
        super().__init__("E100", f"knowledge base has {len(issues)} problem(s):\n" + "\n".join(issues))
