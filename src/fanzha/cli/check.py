"""`fanzha check`: one text, a file (text or JSON chat export), stdin, a JSONL batch, or a chat screenshot
(``--image``: the OCR is imported only then)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import orjson

from fanzha.cli.common import finish, lang_option, quiet_option
from fanzha.cli.helptext import HelpCommand
from fanzha.errors import InputError
from fanzha.records.files import decode_bytes, read_text_file
from fanzha.records.turns import parse_json_turns


@click.command("check", cls=HelpCommand)
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
    "--image",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A chat screenshot (PNG or JPEG), read by OCR: bubbles become turns.",
)
@click.option(
    "--annotate",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --image: write the screenshot with the evidence boxed to this PNG.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Batch output (default: stdout)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--explain", is_flag=True, help="Include every hit's score and the fusion trail.")
@click.option("--no-model", is_flag=True, help="The knowledge base's rules only, without the trained model.")
@quiet_option
@lang_option()
def check(
    text: str | None,
    file_: Path | None,
    jsonl: Path | None,
    image: Path | None,
    annotate: Path | None,
    out: Path | None,
    as_json: bool,
    explain: bool,
    no_model: bool,
    quiet: bool,
    lang: str,
) -> None:
    """Is TEXT a scam? Reads TEXT, --file PATH, or standard input (no TEXT, or -); --jsonl IN [--out OUT] for batches;
    --image SCREENSHOT [--annotate OUT.png] for a chat screenshot.

    \b
    Examples:
      fanzha check "您好，我是淘宝客服，您购买的商品有质量问题，给您三倍赔偿"
      fanzha check --file src/fanzha/examples/chat.txt --lang en
      fanzha check --jsonl src/fanzha/examples/messages.jsonl --out verdicts.jsonl
      fanzha check --image src/fanzha/examples/screenshot.png --annotate /tmp/evidence.png
    """
    given = [x for x in (text, file_, jsonl, image) if x is not None]
    if len(given) > 1:
        raise InputError("E055", where="fanzha check", options="TEXT, --file, --jsonl, --image")
    if out is not None and jsonl is None:
        raise InputError("E056", where="fanzha check", option="--out", requires="--jsonl")
    if annotate is not None and image is None:
        raise InputError("E056", where="fanzha check", option="--annotate", requires="--image")
    from fanzha.detect.engine import Detector

    detector = Detector(lang=lang, model=None if no_model else "default")
    if image is not None:
        _image(detector, image, annotate, as_json, explain, lang)
        return
    if jsonl is not None:
        _batch(detector, jsonl, out, lang, explain, quiet)
        return
    if file_ is not None:
        raw = read_text_file(file_)
        where = str(file_)
    elif text is not None and text != "-":  # "-" is standard input, as for every Unix tool
        raw, where = text, "TEXT"
    else:
        if sys.stdin.isatty():
            raise InputError("E057", where="fanzha check")
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


def _image(detector: Any, path: Path, annotate: Path | None, as_json: bool, explain: bool, lang: str) -> None:
    """A chat screenshot: read (fanzha.screenshots), checked, the evidence drawn when asked."""
    from fanzha.messages import t
    from fanzha.records.outputs import atomic_file, check_output
    from fanzha.screenshots import check_screenshot, verdict_dict
    from fanzha.screenshots.image import read_image_file

    if annotate is not None:  # refused before the OCR runs, not after
        check_output(annotate, inputs=[path], option="--annotate")
    verdict, reading, picture = check_screenshot(
        detector, read_image_file(path), lang=lang, explain=explain, where=str(path)
    )
    if annotate is not None:
        from fanzha.screenshots.annotate import annotate as draw
        from fanzha.screenshots.annotate import png_bytes

        data = png_bytes(draw(picture, reading, verdict))
        with atomic_file(annotate, inputs=[path], option="--annotate") as fh:
            fh.write(data)
    if as_json:
        click.echo(
            orjson.dumps(verdict_dict(verdict, reading, explain=explain), option=orjson.OPT_INDENT_2).decode()
        )
        return
    from rich.console import Console

    from fanzha.cli.render import VerdictView

    console = Console()
    mine = sum(b.me for b in reading.bubbles)
    console.print(
        t(
            "msg.screenshot_read",
            lang,
            turns=len(reading.bubbles),
            other=len(reading.bubbles) - mine,
            me=mine,
            aside=len(reading.aside),
        )
    )
    console.print(VerdictView(verdict, [b.text for b in reading.bubbles], detector.kb, lang))
    if annotate is not None:
        console.print(t("msg.screenshot_annotated", lang, path=str(annotate)))


def _batch(detector: Any, src: Path, out: Path | None, lang: str, explain: bool, quiet: bool) -> None:
    from fanzha.cli.progress import progress_bar
    from fanzha.detect.batch import check_jsonl
    from fanzha.messages import t

    with progress_bar(quiet=quiet) as progress:
        result = check_jsonl(
            detector,
            src,
            out if out is not None else sys.stdout.buffer,
            lang=lang,
            explain=explain,
            on_rejected=lambda exc: click.echo(f"fanzha: {exc.render()}", err=True),
            progress=progress,
        )
    sys.stdout.flush()
    click.echo(t("msg.batch_done", lang, ok=result.accepted, bad=len(result.rejected)), err=True)
    finish(len(result.rejected))
