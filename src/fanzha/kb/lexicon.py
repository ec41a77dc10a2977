"""The entity lexicon (``kb/data/entities.yaml``): apps, shopping platforms, couriers, the context words that say
what a number or an id is, and well-known service numbers — read and checked, every problem as
``entities.yaml:LINE: E35x message``:

- E350 the file cannot be read or is not YAML;
- E351 a section or an entry has the wrong shape (no name, aliases not a list of strings …);
- E352 an app's role is not one of `APP_ROLES`;
- E353 a courier's tracking-number pattern does not compile;
- E354 a context kind is not one of `CONTEXT_KINDS`;
- E355 one alias names two things (checked where aliases are normalised: `fanzha.text.entities`);
- E356 a service number is not 3 to 8 digits.

`fanzha.text.entities` compiles the result into its automaton.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanzha.kb.yamlsrc import Issue, YamlSyntaxError, read

APP_ROLES: tuple[str, ...] = ("chat", "meeting", "remote_control", "payment", "loan")
CONTEXT_KINDS: tuple[str, ...] = (
    "qq",
    "qq_group",
    "wechat_id",
    "meeting_id",
    "order_number",
    "partial_number",
    "payment_account",
)
MERCHANT_SUFFIX_GROUPS: tuple[str, ...] = ("strong", "quoted", "outlet", "generic")


@dataclass(frozen=True, slots=True)
class Named:
    """An app, platform or courier: its canonical name, further spellings, the app's role, its line."""

    name: str
    aliases: tuple[str, ...]
    line: int
    role: str | None = None
    tracking: tuple[tuple[str, bool], ...] = ()  # couriers: (full-match pattern, anchored only)


@dataclass(frozen=True)
class LexiconData:
    """The checked contents of an entities file (`fanzha.text.entities.compile_lexicon` compiles it)."""

    file: str
    apps: tuple[Named, ...] = ()
    platforms: tuple[Named, ...] = ()
    couriers: tuple[Named, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_line: int = 1
    #: context kind → (before words, after words, line)
    context: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = field(default_factory=dict)
    service_numbers: dict[str, str] = field(default_factory=dict)
    #: endings of shop and outlet names, by group (`MERCHANT_SUFFIX_GROUPS`)
    merchant_suffixes: dict[str, tuple[str, ...]] = field(default_factory=dict)


def read_lexicon(path: Path, file: str | None = None) -> tuple[LexiconData, list[Issue]]:
    """Read and check an entities file: what is well-formed, and an issue for everything that is not."""
    label = file or path.name
    issues: list[Issue] = []

    def add(line: int, code: str, /, **params: Any) -> None:
        issues.append(Issue.of(label, line, code, **params))

    try:
        src = read(path, label, typed=False)  # every scalar as a string: names and numbers alike
    except (OSError, UnicodeDecodeError) as exc:
        add(1, "E350", reason=str(exc))
        return LexiconData(label), issues
    except YamlSyntaxError as exc:
        add(exc.line, "E350", reason=exc.problem)
        return LexiconData(label), issues
    data = src.data
    if not isinstance(data, dict):
        add(1, "E351", item=label, expected="{apps: [...], platforms: [...], couriers: [...]}")
        return LexiconData(label), issues
    line_of = src.line_of_object

    def entries(section: str) -> list[tuple[dict[str, Any], int]]:
        """The well-formed items of a section, each with its line."""
        items = data.get(section, [])
        if not isinstance(items, list):
            add(line_of(data), "E351", item=section, expected="[...]")
            return []
        good: list[tuple[dict[str, Any], int]] = []
        for i, item in enumerate(items):
            where = line_of(item, line_of(items))
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("name"), str)
                or not item["name"].strip()
            ):
                add(where, "E351", item=f"{section}[{i}]", expected="{name: <non-empty text>, ...}")
                continue
            aliases = item.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                add(where, "E351", item=f"{section}[{i}] {item['name']}", expected="aliases: [<text>, ...]")
                continue
            good.append(({**item, "aliases": aliases}, where))
        return good

    apps: list[Named] = []
    for item, where in entries("apps"):
        role = item.get("role")
        if role not in APP_ROLES:
            add(where, "E352", name=item["name"], role=role, valid=APP_ROLES)
            continue
        apps.append(Named(item["name"], tuple(item["aliases"]), where, role))
    platforms = [Named(item["name"], tuple(item["aliases"]), where) for item, where in entries("platforms")]
    couriers: list[Named] = []
    for item, where in entries("couriers"):
        formats = item.get("tracking", [])
        if not isinstance(formats, list):
            add(where, "E351", item=item["name"], expected="tracking: [...]")
            continue
        tracking: list[tuple[str, bool]] = []
        for fmt in formats:
            if not isinstance(fmt, dict) or not isinstance(fmt.get("pattern"), str):
                add(
                    line_of(fmt, where),
                    "E351",
                    item=item["name"],
                    expected="tracking: [{pattern: <regex>}, ...]",
                )
                continue
            try:
                re.compile(fmt["pattern"])
            except re.error as exc:
                add(line_of(fmt, where), "E353", name=item["name"], pattern=fmt["pattern"], reason=str(exc))
                continue
            tracking.append((fmt["pattern"], str(fmt.get("anchored", "true")).lower() == "true"))
        couriers.append(Named(item["name"], tuple(item["aliases"]), where, None, tuple(tracking)))
    ignore = data.get("ignore", [])
    ignore_words = tuple(str(p) for p in ignore) if isinstance(ignore, list) else ()
    context: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {}
    spec_all = data.get("context", {})
    if isinstance(spec_all, dict):
        for kind, spec in spec_all.items():
            where = line_of(spec, line_of(spec_all))
            if kind not in CONTEXT_KINDS:
                add(where, "E354", kind=kind, valid=CONTEXT_KINDS)
                continue
            if not isinstance(spec, dict):
                add(where, "E351", item=f"context.{kind}", expected="{before: [...], after: [...]}")
                continue
            words: dict[str, tuple[str, ...]] = {}
            for direction in ("before", "after"):
                got = spec.get(direction, [])
                if not isinstance(got, list):
                    add(where, "E351", item=f"context.{kind}.{direction}", expected="[...]")
                    got = []
                words[direction] = tuple(str(w) for w in got)
            context[kind] = (words["before"], words["after"], where)
    services = data.get("service_numbers", {})
    service_numbers: dict[str, str] = {}
    if isinstance(services, dict):
        for number, name in services.items():
            if not number.isdigit() or not 3 <= len(number) <= 8:
                add(line_of(services), "E356", number=number)
                continue
            service_numbers[number] = str(name)
    suffixes: dict[str, tuple[str, ...]] = {}
    spec_suffix: Any = data.get("merchant_suffixes", {})
    if isinstance(spec_suffix, dict):
        for group, endings in spec_suffix.items():
            if group not in MERCHANT_SUFFIX_GROUPS:
                add(line_of(spec_suffix), "E357", group=group, valid=MERCHANT_SUFFIX_GROUPS)
                continue
            if not isinstance(endings, list):
                add(line_of(spec_suffix), "E351", item=f"merchant_suffixes.{group}", expected="[...]")
                continue
            suffixes[group] = tuple(str(w) for w in endings if str(w).strip())
    else:
        add(line_of(spec_suffix, 1), "E351", item="merchant_suffixes", expected="{group: [...]}")
    lex = LexiconData(
        label,
        tuple(apps),
        tuple(platforms),
        tuple(couriers),
        ignore_words,
        line_of(ignore) if isinstance(ignore, list) else 1,
        context,
        service_numbers,
        suffixes,
    )
    return lex, issues
