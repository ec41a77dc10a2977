"""Chat turns in every shape people hand them over: the one parser of a conversation given as data.

A conversation is a list of turns, each a text and (maybe) who said it. People export them in many shapes:

- a list of turns: objects, ``[speaker, text]`` pairs, or bare strings;
- an object holding that list under ``turns``, ``messages``, ``dialogue``, ``conversation``, ``chat``, ``msgs``
  or ``data``, or holding a single ``text``;
- a turn object's text under ``text``, ``content``, ``message``, ``msg``, ``body``, ``StrContent`` /
  ``strContent`` (WeChat exports) or ``content.text`` (QQ exports), and its speaker under ``speaker``,
  ``role``, ``from``, ``sender``, ``name``, ``nickname``, ``NickName``, ``talker``, ``StrTalker``, or a
  ``sender`` object's ``name`` / ``nickname`` / ``uin``;
- whose side a turn is on, when the export says so: ``IsSender`` / ``isSender`` / ``is_sender`` / ``isSend``
  / ``is_self`` / ``self`` / ``me`` / ``fromMe`` / ``from_me`` (1 or true: the person who exported the chat).
  WeChat records that are not text (``Type`` / ``type`` other than 1: pictures, calls, system notes) are left
  out.

A turn without text is E010 and a turn of the wrong type E012 (both with the turn's index), an object with no
turns and no text E013, data that is no conversation at all E011; JSON that does not parse is E021; no turn
with any text is E000 (there is nothing to analyse).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from fanzha.errors import InputError

LIST_KEYS = ("turns", "messages", "dialogue", "conversation", "chat", "msgs", "data")
TEXT_KEYS = ("text", "content", "message", "msg", "body", "StrContent", "strContent")
SPEAKER_KEYS = ("speaker", "role", "from", "sender", "name", "nickname", "NickName", "talker", "StrTalker")
SELF_KEYS = ("IsSender", "isSender", "is_sender", "isSend", "is_self", "self", "me", "fromMe", "from_me")
_TYPE_KEYS = ("Type", "type")
_SENDER_NAME_KEYS = ("name", "nickname", "nickName", "remark", "uin", "uid", "id")


@dataclass(frozen=True, slots=True)
class RawTurn:
    """One turn as given: its text, its speaker (or None) and, when the export says so, whether the person
    who exported the chat wrote it (`me`)."""

    speaker: str | None
    text: str
    me: bool | None = None


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "0", "false", "no"):
        return value.strip().lower() in ("1", "true", "yes")
    return None


def _text_of(item: Mapping[str, Any]) -> str | None:
    for key in TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str):
            return value
        if key == "content" and isinstance(value, Mapping) and isinstance(value.get("text"), str):
            return str(value["text"])  # QQ exports: {"content": {"text": …}}
    return None


def _speaker_of(item: Mapping[str, Any]) -> str | None:
    for key in SPEAKER_KEYS:
        value = item.get(key)
        if value is None:
            continue
        if isinstance(value, Mapping):  # QQ exports: {"sender": {"name": …, "uin": …}}
            for k in _SENDER_NAME_KEYS:
                if value.get(k) not in (None, ""):
                    return str(value[k])
            continue
        return str(value)
    return None


def _not_text(item: Mapping[str, Any]) -> bool:
    """A WeChat record that is not a text message (a picture, a call, a system note)."""
    if "StrContent" not in item and "strContent" not in item:
        return False
    for key in _TYPE_KEYS:
        if key in item:
            return item[key] not in (1, "1")
    return False


def parse_turns(data: Any, *, where: str | None = None) -> list[RawTurn]:
    """The turns of a conversation given as data (see the module docstring for the shapes)."""
    if isinstance(data, Mapping):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            text = _text_of(data)
            if text is None:
                raise InputError("E013", where=where)
            data = [data]
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise InputError("E011", where=where, type=type(data).__name__)
    turns: list[RawTurn] = []
    for i, item in enumerate(data):
        if isinstance(item, RawTurn):
            turns.append(item)
        elif isinstance(item, str):
            turns.append(RawTurn(None, item))
        elif isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[1], str):
            turns.append(RawTurn(None if item[0] is None else str(item[0]), item[1]))
        elif isinstance(item, Mapping):
            if _not_text(item):
                continue
            text = _text_of(item)
            if text is None:
                raise InputError("E010", where=where, index=i)
            me = next((f for k in SELF_KEYS if k in item and (f := _flag(item[k])) is not None), None)
            turns.append(RawTurn(_speaker_of(item), text, me))
        else:
            raise InputError("E012", where=where, index=i, type=type(item).__name__)
    if not any(t.text.strip() for t in turns):
        raise InputError("E000", where=where)
    return turns


def parse_json_turns(text: str, *, where: str | None = None, strict: bool = False) -> list[RawTurn] | None:
    """The turns of a JSON chat export, or None when `text` is not JSON at all.

    A text that starts like JSON but does not parse is E021 when `strict` (a ``.json`` file) and plain text
    otherwise (a chat log whose lines start with ``[2024-05-14 18:02]``).
    """
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return None
    try:
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        if not strict:
            return None
        raise InputError("E021", where=where, reason=str(exc)) from None
    return parse_turns(data, where=where)
