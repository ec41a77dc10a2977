"""The detector: `Detector().analyze(text_or_turns) -> Verdict`."""

from fanzha.detect.document import Document, Turn
from fanzha.detect.engine import Detector
from fanzha.detect.verdict import Finding, Verdict

__all__ = ["Detector", "Document", "Finding", "Turn", "Verdict"]
