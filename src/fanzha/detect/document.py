"""What the detector reads: one text, or a conversation of turns with speakers.

A chat log pasted as text (``客服：…`` / ``我：…`` lines, optionally with time stamps) and a JSON list of turns
are both parsed into a `Document`: the texts the detector analyses (speaker labels excluded, so a log that
labels the other side "客服" does not itself look like a scammer posing as customer service) and, for every
character, where it is in the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fanzha.records.turns import parse_turns

SELF_SPEAKERS = frozenset(
    {
        "我",
        "本人",
        "自己",
        "me",
        "i",
        "user",
        "用户",
        "客户",
        "顾客",
        "买家",
        "callee",
        "right",
        "受害人",
        "被害人",
    }
)

_TURN_RE = re.compile(
    r"^[ \t]*(?:[\[【(（][^\]】)）\n]{1,40}[\]】)）][ \t]*)?"
    r"(?:\d{1,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[ \t]+)?(?:\d{1,2}:\d{2}(?::\d{2})?[ \t]+)?"
    r"(?P<speaker>[^\s:：\[\]【】]{1,16})[ \t]*[:：][ \t]*(?P<text>.*)$",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a conversation. `start` is its offset in the input the turn came from."""

    speaker: str | None
    text: str
    start: int = 0
    me: bool | None = None  # the export says whether the protected person wrote it (WeChat's IsSender)

    @property
    def is_self(self) -> bool:
        if self.me is not None:
            return self.me
        return self.speaker is not None and self.speaker.strip().lower() in SELF_SPEAKERS


@dataclass(frozen=True, slots=True)
class Document:
    """Input to the detector. `turns` hold the analysed texts; `per_turn` marks a JSON turn list, whose
    findings are reported per turn rather than as offsets into one text."""

    original: str
    turns: tuple[Turn, ...]
    conversation: bool = False
    per_turn: bool = False

    @classmethod
    def from_text(cls, text: str, *, parse_chat: bool = True) -> Document:
        """A single text; when it looks like a chat log (two or more ``speaker：`` lines making up most of it),
        its turns are parsed and continuation lines join the turn above."""
        if parse_chat:
            turns = _parse_chat(text)
            if turns is not None:
                return cls(text, tuple(turns), conversation=True)
        return cls(text, (Turn(None, text, 0),))

    @classmethod
    def from_turns(cls, turns: Any, *, where: str | None = None) -> Document:
        """A conversation given as data: a list of turns (objects, ``[speaker, text]`` pairs, strings) or an
        object holding one, in any of the shapes `fanzha.records.turns.parse_turns` reads (WeChat and QQ
        exports among them)."""
        out = [Turn(t.speaker, t.text, 0, t.me) for t in parse_turns(turns, where=where)]
        return cls("\n".join(t.text for t in out), tuple(out), conversation=True, per_turn=True)

    @classmethod
    def from_any(cls, data: Any, *, where: str | None = None) -> Document:
        """What the detector reads, from anything people give it: a `Document`, a text (a chat log pasted as
        text is parsed into turns), or a conversation as data (`from_turns`)."""
        if isinstance(data, Document):
            return data
        if isinstance(data, str):
            return cls.from_text(data)
        return cls.from_turns(data, where=where)


def _parse_chat(text: str) -> list[Turn] | None:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return None
    matches = list(_TURN_RE.finditer(text))
    if len(matches) < 2 or len(matches) < 0.6 * len(lines):
        return None
    speakers = {m.group("speaker") for m in matches}
    if len(speakers) > max(4, len(matches) // 2):  # "注意：", "时间：" in prose are not a conversation
        return None
    turns: list[Turn] = []
    for i, m in enumerate(matches):
        start = m.start("text")
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[start:end].rstrip()
        turns.append(Turn(m.group("speaker"), body, start))
    return turns
