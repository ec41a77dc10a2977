"""`fanzha check`: one text, a file (text or JSON chat export), stdin, or a JSONL batch."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
import orjson

from fanzha.cli.common import lang_option
from fanzha.errors import InputError
from fanzha.records.files import decode_bytes, iter_jsonl, read_text_file
from fanzha.records.turns import parse_json_turns

# Fields of a batch output line (the stable interface documented in docs/cli.md).
BATCH_FIELDS = ("id", "label", "kind", "category", "variant", "stage", "score", "findings", "advice")


@click.command("check")
@click.argument("text", required=False)
@click.option(
    "--file", "file_", type=click.Path(dir_okay=False, path_type=Path), help="A text file or a JSON chat."
)
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Batch: one {id, text} per line.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Batch output (default: stdout)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--explain", is_flag=True, help="Include every hit's score and the fusion trail.")
@click.option("--no-model", is_flag=True, help="The knowledge base's rules only, without the trained model.")
@lang_option()
def check(
    text: str | None,
    file_: Path | None,
    jsonl: Path | None,
    out: Path | None,
    as_json: bool,
    explain: bool,
    no_model: bool,
    lang: str,
) -> None:
    """Is TEXT a scam? Reads TEXT, --file PATH, or standard input; --jsonl IN [--out OUT] for batches.

    \b
    Examples:
      fanzha check "您好，我是淘宝客服，您购买的商品有质量问题，给您三倍赔偿"
      fanzha check --file chat.txt --lang en
      fanzha check --jsonl messages.jsonl --out verdicts.jsonl
    """
    given = [x for x in (text, file_, jsonl) if x is not None]
    if len(given) > 1:
        raise click.UsageError("give only one of TEXT, --file or --jsonl")
    if out is not None and jsonl is None:
        raise click.UsageError("--out is for batch mode (--jsonl)")
    from fanzha.detect.engine import Detector

    detector = Detector(lang=lang, model=None if no_model else "default")
    if jsonl is not None:
        _batch(detector, jsonl, out, lang, explain)
        return
    if file_ is not None:
        raw = read_text_file(file_)
        where = str(file_)
    elif text is not None:
        raw, where = text, "TEXT"
    else:
        if sys.stdin.isatty():
            raise click.UsageError("give TEXT, --file PATH or --jsonl PATH, or pipe text to standard input")
        raw, where = decode_bytes(sys.stdin.buffer.read(), where="stdin"), "stdin"
    if not raw.strip():
        raise InputError("E000", where=where)
    strict = file_ is not None and file_.suffix.lower() == ".json"
    turns = (
        parse_json_turns(raw, where=where, strict=strict) if file_ is not None or where == "stdin" else None
    )
    verdict = detector.analyze(turns if turns is not None else raw, lang=lang, explain=explain)
    if as_json:
        click.echo(orjson.dumps(verdict.to_dict(explain=explain), option=orjson.OPT_INDENT_2).decode())
        return
    from rich.console import Console

    from fanzha.cli.render import VerdictView

    texts = [t_.text for t_ in turns] if turns is not None else [raw]
    Console().print(VerdictView(verdict, texts, detector.kb, lang))


def batch_record(detector: Any, obj: dict[str, Any], lang: str, explain: bool) -> dict[str, Any]:
    """The output object for one batch input object: its fields passed through, the verdict's added."""
    return _merge(obj, detector.analyze(_batch_input(obj), lang=lang, explain=explain), explain)


def _batch_input(obj: dict[str, Any]) -> Any:
    """What a batch line asks to analyse (E025 when its text is not a string)."""
    body = obj.get("text")
    turns = obj.get("turns")
    if turns is not None:
        from fanzha.detect.document import Document

        return Document.from_any(turns)
    if isinstance(body, str):
        return body
    raise InputError("E025")


def _merge(obj: dict[str, Any], verdict: Any, explain: bool) -> dict[str, Any]:
    record = {k: v for k, v in obj.items() if k not in ("text", "turns")}
    record.update(verdict.to_dict(explain=explain))
    return record


_BATCH = 256  # lines analysed together (the trained model scores them in one pass)


def batch_lines(
    detector: Any, pending: list[tuple[dict[str, Any], Any]], lang: str, explain: bool
) -> Iterator[bytes]:
    """The output lines (JSON and a line break) for (input object, what to analyse) pairs, analysed together
    with `Detector.analyze_many`: what `check --jsonl` writes for each batch of lines."""
    verdicts = detector.analyze_many([data for _, data in pending], lang=lang, explain=explain)
    for (obj, _), verdict in zip(pending, verdicts, strict=True):
        yield orjson.dumps(_merge(obj, verdict, explain), option=orjson.OPT_APPEND_NEWLINE)


def _batch(detector: Any, path: Path, out: Path | None, lang: str, explain: bool) -> None:
    ok = bad = 0
    sink: IO[bytes]
    sink = open(out, "wb") if out is not None else sys.stdout.buffer  # noqa: SIM115
    pending: list[tuple[dict[str, Any], Any]] = []

    def flush() -> None:
        nonlocal ok
        for line in batch_lines(detector, pending, lang, explain):
            sink.write(line)
            ok += 1
        pending.clear()

    try:
        for rec in iter_jsonl(path, required=("id",)):
            if (
                rec.error is None
                and rec.data is not None
                and "text" not in rec.data
                and "turns" not in rec.data
            ):
                rec = type(rec)(
                    rec.line, rec.data, InputError("E024", where=f"{path}:{rec.line}", fields="text")
                )
            if rec.error is not None:
                bad += 1
                click.echo(f"fanzha: {rec.error.render()}", err=True)
                continue
            assert rec.data is not None  # iter_jsonl gives each line its data or an error
            try:
                pending.append((rec.data, _batch_input(rec.data)))
            except InputError as exc:
                bad += 1
                exc.where = f"{path}:{rec.line}"
                click.echo(f"fanzha: {exc.render()}", err=True)
                continue
            if len(pending) >= _BATCH:
                flush()
        if pending:
            flush()
    finally:
        if out is not None:
            sink.close()
        else:
            sink.flush()
    from fanzha.messages import t

    click.echo(t("msg.batch_done", lang, ok=ok, bad=bad), err=True)
    if bad and not ok:
        sys.exit(1)
