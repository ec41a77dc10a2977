"""Checking a batch: a JSONL file of ``{id, text | turns, …}`` objects in, one verdict line per accepted line out.

`check_jsonl` reads the lines (`fanzha.records.files.iter_jsonl`: any common encoding, a bad line reported
with its ``file:line``), analyses the good ones `BATCH` at a time (the trained model scores a batch in one
pass), and writes each output line — the input's fields without ``text`` / ``turns``, then the verdict's — in
input order, to a stream or to a file that appears whole when the batch is done (`fanzha.records.outputs`). It
returns how many lines were accepted and every rejected one. `fanzha check --jsonl` is a thin layer over it;
the HTTP service uses the same code.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import orjson

from fanzha.detect.document import Document
from fanzha.detect.verdict import Verdict
from fanzha.errors import InputError
from fanzha.progress import Progress, silent
from fanzha.records.files import JsonlRecord, count_lines, iter_jsonl
from fanzha.records.outputs import atomic_file, check_output

#: the fields of an output line besides the input's own (the stable interface documented in docs/cli.md)
FIELDS = ("id", "label", "kind", "category", "variant", "stage", "score", "findings", "advice")
BATCH = 256  # lines analysed together


class Analyzer(Protocol):
    """What a batch needs of a detector (`fanzha.detect.Detector`)."""

    def analyze_many(
        self, items: Iterable[str | Document], *, lang: str | None = ..., explain: bool = ...
    ) -> Iterator[Verdict]: ...


@dataclass
class BatchResult:
    """What a batch did: how many lines got a verdict, and each rejected line's error (its `where` is the
    ``file:line``), in input order."""

    accepted: int = 0
    rejected: list[InputError] = field(default_factory=list)


def batch_input(obj: dict[str, Any]) -> str | Document:
    """What a batch object asks to analyse: its ``turns`` (a conversation in any shape `Document.from_any`
    reads) or its ``text`` (E024 when it has neither, E025 when the text is not a string)."""
    turns = obj.get("turns")
    if turns is not None:
        return Document.from_any(turns)
    if "text" not in obj:
        raise InputError("E024", fields="text")
    body = obj["text"]
    if isinstance(body, str):
        return body
    raise InputError("E025")


def record(obj: dict[str, Any], verdict: Verdict, *, explain: bool = False) -> dict[str, Any]:
    """The output object of a batch object: its fields but ``text`` / ``turns``, then the verdict's."""
    out = {k: v for k, v in obj.items() if k not in ("text", "turns")}
    out.update(verdict.to_dict(explain=explain))
    return out


def output_lines(
    detector: Analyzer, pending: list[tuple[dict[str, Any], str | Document]], lang: str, explain: bool
) -> Iterator[bytes]:
    """The output lines (JSON and a line break) of (input object, what to analyse) pairs, analysed together."""
    verdicts = detector.analyze_many([data for _, data in pending], lang=lang, explain=explain)
    for (obj, _), verdict in zip(pending, verdicts, strict=True):
        yield orjson.dumps(record(obj, verdict, explain=explain), option=orjson.OPT_APPEND_NEWLINE)


def check_records(
    detector: Analyzer,
    records: Iterable[JsonlRecord],
    sink: BinaryIO,
    *,
    lang: str,
    explain: bool = False,
    on_rejected: Callable[[InputError], None] | None = None,
    progress: Callable[[int], None] | None = None,
    where: str = "",
) -> BatchResult:
    """Analyse the accepted `records` `BATCH` at a time and write their output lines to `sink`; every rejected
    one goes to `on_rejected` as it is met (its error's `where` is ``where:line``). `progress` gets the line
    number reached."""
    result = BatchResult()
    pending: list[tuple[dict[str, Any], str | Document]] = []
    line = 0

    def flush() -> None:
        for out in output_lines(detector, pending, lang, explain):
            sink.write(out)
            result.accepted += 1
        pending.clear()
        if progress is not None:
            progress(line)

    for rec in records:
        line = rec.line
        error = rec.error
        if error is None:
            assert rec.data is not None  # iter_jsonl gives each line its data or an error
            try:
                pending.append((rec.data, batch_input(rec.data)))
            except InputError as exc:
                exc.where = f"{where}:{rec.line}"
                error = exc
        if error is not None:
            result.rejected.append(error)
            if on_rejected is not None:
                on_rejected(error)
        if len(pending) >= BATCH:
            flush()
    flush()
    return result


def check_jsonl(
    detector: Analyzer,
    src: Path,
    out: Path | BinaryIO,
    *,
    lang: str,
    explain: bool = False,
    on_rejected: Callable[[InputError], None] | None = None,
    progress: Progress = silent,
) -> BatchResult:
    """Check the JSONL file `src` into `out`: a stream, or a file path written beside its target and renamed
    into place when the batch is done (refused before any work when it is `src`, or its folder is missing or
    read-only: E040 / E041). `progress` is told the lines read of the file's lines (stage: the file's name)."""
    src = Path(src)
    records = iter_jsonl(src, required=("id",))
    first = next(records, None)  # the input's own errors (E001, E003 …) before the output is looked at
    lines = count_lines(src) if progress is not silent else None
    stage = src.name

    def report(done: int) -> None:
        progress(stage, done, lines)

    def run(sink: BinaryIO) -> BatchResult:
        return check_records(
            detector,
            itertools.chain([] if first is None else [first], records),
            sink,
            lang=lang,
            explain=explain,
            on_rejected=on_rejected,
            progress=report,
            where=str(src),
        )

    report(0)
    if not isinstance(out, Path):
        result = run(out)
    else:
        check_output(out, inputs=[src])
        with atomic_file(out, inputs=[src]) as fh:
            result = run(fh)
    if lines is not None:
        report(lines)
    return result
