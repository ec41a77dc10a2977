"""YAML data files read with the line of every node, for ``file:line: CODE message`` reports.

The knowledge base (`fanzha.kb.loader`), the sequence rules (`fanzha.kb.sequences`) and the entity lexicon
(`fanzha.text.entities`) all read their files through `read`: one parser, one way of finding a line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from fanzha.errors import Coded, check_params

try:  # libyaml when available: the knowledge base loads at every start-up
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue(Coded):
    """One problem found in a data file: a catalogue code and its params (`str(issue)` is
    ``file:line: CODE message`` in the default language; `render(lang)` in another)."""

    file: str
    line: int
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "error"

    @classmethod
    def of(cls, file: str, line: int, code: str, /, *, severity: str | None = None, **params: Any) -> Issue:
        """The issue `code` at `file:line` with the params its message takes (W codes are warnings)."""
        check_params(code, params)
        return cls(file, line, code, params, severity or ("warning" if code.startswith("W") else "error"))

    def location(self) -> str:
        return f"{self.file}:{self.line}"


class YamlSyntaxError(ValueError):
    """A file that is not valid YAML; `line` is where the parser gave up (1-based), `problem` what it says."""

    def __init__(self, line: int, problem: object) -> None:
        super().__init__(f"invalid YAML: {problem}")
        self.line = line
        self.problem = str(problem)


@dataclass
class Source:
    """The data of a YAML file with the line of every key and list item."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)  # path of keys and indexes → line
    object_lines: dict[int, int] = field(default_factory=dict)  # id() of every dict and list → line
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (key, line) of keys given twice

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known prefix of `path` (1-based)."""
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return 1

    def line_of_object(self, obj: Any, default: int = 1) -> int:
        """The line of a dict or list of `data` (`default` for anything else)."""
        return self.object_lines.get(id(obj), default)


def read(path: Path, file: str, *, typed: bool = True) -> Source:
    """Read and parse `path`, reported as `file`.

    With `typed`, scalars are resolved by their YAML tag (str, int, float, bool, null); otherwise every scalar
    stays the string it was written as. Raises `OSError` or `UnicodeDecodeError` when the file cannot be read
    and `YamlSyntaxError` when it is not YAML.
    """
    return parse(path.read_text(encoding="utf-8"), file, typed=typed)


def parse(text: str, file: str, *, typed: bool = True) -> Source:
    """Parse YAML `text` as the contents of `file` (see `read`)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(line, getattr(exc, "problem", exc)) from None
    src = Source(file, None)
    if node is not None:
        src.data = _construct(node, (), src, typed)
    return src


def _construct(node: yaml.Node, path: Path_, src: Source, typed: bool) -> Any:
    src.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if typed else str(key_node.value)
            if key in out:  # YAML itself lets the later key win silently
                src.duplicates.append((str(key), key_node.start_mark.line + 1))
            out[key] = _construct(value_node, (*path, key), src, typed)
            src.lines[(*path, key)] = key_node.start_mark.line + 1
        src.object_lines[id(out)] = node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        items = [_construct(item, (*path, i), src, typed) for i, item in enumerate(node.value)]
        src.object_lines[id(items)] = node.start_mark.line + 1
        return items
    return _scalar(node) if typed else node.value  # untyped: every scalar as the string written


def _scalar(node: yaml.Node) -> Any:
    """Resolve a scalar by the tag the YAML resolver gave it (str, int, float, bool, null)."""
    value = node.value
    tag = node.tag.rsplit(":", 1)[-1]
    if tag == "int":
        return int(value.replace("_", ""), 0) if value.lower().startswith(("0x", "0o", "0b")) else int(value)
    if tag == "float":
        return float(value)
    if tag == "bool":
        return value.lower() in ("true", "yes", "on")
    if tag == "null":
        return None
    return value


def relative(p: Path) -> str:
    """`p` relative to the working folder when it lies below it (the file name in messages)."""
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def read_into(path: Path, file: str, issues: list[Issue], *, typed: bool = True) -> Source | None:
    """`read` with every problem added to `issues`: E101 unreadable, E102 invalid YAML, E106 a key given twice
    (the codes of every file of the knowledge base). None when there is no data to check."""
    try:
        src = read(path, file, typed=typed)
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(Issue.of(file, 1, "E101", reason=str(exc)))
        return None
    except YamlSyntaxError as exc:
        issues.append(Issue.of(file, exc.line, "E102", reason=exc.problem))
        return None
    for key, line in src.duplicates:
        issues.append(Issue.of(file, line, "E106", key=key))
    return src


def validation_issues(src: Source, exc: ValidationError, *, whole: str = "") -> Iterator[Issue]:
    """One E109 per pydantic error of validating the whole of `src`, at the line of the field it names
    (`whole` names the file itself in an error about no field); pydantic's message is the reason."""
    for err in exc.errors():
        loc = tuple(err["loc"])
        field_ = ".".join(map(str, loc)) or whole
        yield Issue.of(src.file, src.line_of(loc), "E109", field=field_, reason=err["msg"])


def validate_list(
    src: Source, key: str, model: type[BaseModel], issues: list[Issue]
) -> Iterator[tuple[Any, int]]:
    """Yield (validated item, line) for each item of the list under `key`, reporting the invalid ones."""
    if not isinstance(src.data, dict) or key not in src.data:
        issues.append(Issue.of(src.file, 1, "E103", key=key))
        return
    items = src.data[key]
    if not isinstance(items, list):
        issues.append(Issue.of(src.file, src.line_of((key,)), "E107", key=key))
        return
    for i, item in enumerate(items):
        try:
            yield model.model_validate(item), src.line_of((key, i))
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                where = ".".join(str(p) for p in loc) or "item"
                ident = item.get("id", f"#{i}") if isinstance(item, dict) else f"#{i}"
                issues.append(
                    Issue.of(
                        src.file,
                        src.line_of((key, i, *loc)),
                        "E104",
                        item=ident,
                        field=where,
                        reason=err["msg"],
                    )
                )
