"""`fanzha eval`: precision / recall / F1 of the detector on a labelled JSONL file or on the corpora.

\b
  fanzha eval --jsonl labelled.jsonl [--out DIR] [--lang en]
  fanzha eval --corpora ../shared/data [--split test|dev|all] [--limit N] [--only tf5,news] [--out DIR]
  fanzha eval --testsets eval/testsets [--corpora ../shared/data] [--out DIR] [--doc docs/evaluation.md]
  fanzha eval --screenshots eval/screenshots/chats.yaml [--testsets eval/testsets] [--jobs 2] [--out DIR] [--doc FILE]

The definitions of every figure are in `fanzha.evaluate.metrics` and docs/evaluation.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import orjson

from fanzha.cli.common import command_line, finish, lang_option, quiet_option, say
from fanzha.cli.helptext import HelpCommand
from fanzha.cli.progress import progress_bar
from fanzha.errors import InputError
from fanzha.records.outputs import atomic_file, check_output_files, make_folder


def _echo_error(exc: InputError) -> None:
    click.echo(f"fanzha: {exc.render()}", err=True)


JSONL_FILES = ("metrics.json", "errors.jsonl")
CORPORA_FILES = ("corpora.md", "corpora.json")


def _write(folder: Path, name: str, data: bytes, inputs: list[Path], option: str = "--out") -> Path:
    """`data` written to `folder / name` whole (`fanzha.records.outputs`), the folder created when missing."""
    target = make_folder(folder, option=option) / name
    with atomic_file(target, inputs=inputs, option=option) as fh:
        fh.write(data)
    return target


def _json(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"


@click.command("eval", cls=HelpCommand)
@click.option(
    "--jsonl",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Labelled JSONL: {id, text | turns, label, category?, variant?, stage?, kind?} per line.",
)
@click.option(
    "--corpora",
    type=click.Path(file_okay=False, path_type=Path),
    help="The data folder with the corpora (../shared/data).",
)
@click.option(
    "--testsets",
    type=click.Path(file_okay=False, path_type=Path),
    help="The project's own test sets (eval/testsets): first contact, stage, paraphrases, and windows cut from "
    "the corpora (--corpora, default ../shared/data); fused and rules alone.",
)
@click.option(
    "--screenshots",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The screenshot test set's chats (eval/screenshots/chats.yaml): each drawn in several chat layouts, "
    "read back with the OCR and judged against its text; with --testsets, every line of those sets drawn too.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Screenshots: worker processes, one OCR thread each.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write metrics.json + errors.jsonl (--jsonl), corpora.md + corpora.json (--corpora), "
    "testsets.md + testsets.json (--testsets) or screenshots.md + screenshots.json (--screenshots) here.",
)
@click.option(
    "--split",
    type=click.Choice(["test", "dev", "all"]),
    default=None,
    help="Corpora: which half (by hash of the record's text). Default: tables for test and all.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), help="Corpora: at most N records per corpus (a fixed sample)."
)
@click.option("--only", metavar="NAME,...", help="Corpora: only these (names or tf5, tf8, news, fintech …).")
@click.option(
    "--errors",
    "errors_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpora: write <corpus>.errors.jsonl (with the texts; dev only unless --split) outside the repository.",
)
@click.option(
    "--doc",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Corpora: replace the generated block of this markdown file (docs/evaluation.md) by the tables.",
)
@quiet_option
@lang_option()
def evaluate(
    jsonl: Path | None,
    corpora: Path | None,
    testsets: Path | None,
    screenshots: Path | None,
    jobs: int,
    out: Path | None,
    split: str | None,
    limit: int | None,
    only: str | None,
    errors_dir: Path | None,
    doc: Path | None,
    quiet: bool,
    lang: str,
) -> None:
    """Precision / recall / F1 of the detector on labelled JSONL or on the corpora.

    \b
    Examples:
      fanzha eval --jsonl labelled.jsonl --out eval-out
      fanzha eval --corpora ../shared/data --out docs/eval
      fanzha eval --corpora ../shared/data --split dev --only tf5,tf8 --errors /tmp/dev-errors
      fanzha eval --testsets eval/testsets --out /tmp/testsets --doc docs/evaluation.md
      fanzha eval --screenshots eval/screenshots/chats.yaml --testsets eval/testsets --doc docs/evaluation.md
    """
    given = {
        "--jsonl": jsonl,
        "--corpora": corpora,
        "--split": split,
        "--limit": limit,
        "--only": only,
        "--errors": errors_dir,
        "--doc": doc,
    }
    if screenshots is not None:
        _refuse("--screenshots", given, "--jsonl", "--corpora", "--split", "--only", "--errors")
        _eval_screenshots(screenshots, testsets, limit, jobs, out, doc, lang, quiet)
        return
    if testsets is not None:
        _refuse("--testsets", given, "--jsonl", "--split", "--limit", "--only")
        _eval_testsets(testsets, corpora, out, errors_dir, doc, lang, quiet)
        return
    if (jsonl is None) == (corpora is None):
        raise InputError("E324", where="fanzha eval")
    if jsonl is not None:
        _refuse("--jsonl", given, "--split", "--limit", "--only", "--errors", "--doc")
        _eval_jsonl(jsonl, out, lang, quiet)
        return
    assert corpora is not None
    _eval_corpora(corpora, out, split, limit, only, errors_dir, doc, lang, quiet)


def _refuse(mode: str, given: dict[str, Any], *options: str) -> None:
    """E323 when any of `options` was given with `mode`, which does not use them."""
    extra = [name for name in options if given[name] is not None]
    if extra:
        raise InputError("E323", where="fanzha eval", options=", ".join(extra), mode=mode)


def _detector(lang: str) -> Any:
    from fanzha.detect.engine import Detector

    return Detector(lang=lang)


def _eval_jsonl(path: Path, out: Path | None, lang: str, quiet: bool) -> None:
    from rich.console import Console

    from fanzha.evaluate.metrics import error_record, score
    from fanzha.evaluate.report import MetricsView
    from fanzha.evaluate.runner import run_jsonl

    if out is not None:
        check_output_files(out, JSONL_FILES, inputs=[path])
    detector = _detector(lang)
    with progress_bar(quiet=quiet) as progress:
        run = run_jsonl(detector, path, _echo_error, progress=progress)
    say("cli.eval_lines", err=True, lines=len(run.outcomes), bad=run.bad)
    if not run.outcomes:
        raise InputError("E320", where=str(path))
    metrics = score(run.outcomes)
    Console().print(MetricsView(metrics, lang))
    if out is not None:
        data = {"input": str(path), "bad_lines": run.bad, **metrics.to_dict()}
        errors = b"".join(orjson.dumps(error_record(o)) + b"\n" for o in run.outcomes if o.errors())
        written = [
            _write(out, "metrics.json", _json(data), [path]),
            _write(out, "errors.jsonl", errors, [path]),
        ]
        say("cli.eval_wrote", err=True, first=written[0], second=written[1])
    finish(run.bad)


def _check_outputs(
    out: Path | None, out_files: list[str], errors_dir: Path | None, error_files: list[str], doc: Path | None
) -> None:
    """The output options checked before any work: --errors outside the repository (the errors carry corpus
    texts), --doc an existing file, every file that --out / --errors / --doc will write (E040–E043)."""
    from fanzha.records.outputs import check_output

    if errors_dir is not None:
        if _inside_repo(errors_dir):
            raise InputError("E322", where=str(errors_dir))
        check_output_files(errors_dir, error_files, option="--errors")
    if doc is not None:
        if not doc.is_file():
            raise InputError("E001", where=str(doc))
        check_output(doc, option="--doc")
    if out is not None:
        check_output_files(out, out_files)


def _inside_repo(path: Path) -> bool:
    from fanzha.records.corpora import repo_root

    root = repo_root()
    if not (root / ".git").exists():
        return False
    return path.resolve().is_relative_to(root.resolve())


def _eval_corpora(
    root: Path,
    out: Path | None,
    split: str | None,
    limit: int | None,
    only: str | None,
    errors_dir: Path | None,
    doc: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    from rich.console import Console

    from fanzha.evaluate.metrics import error_record
    from fanzha.evaluate.report import CorporaView, corpora_markdown, corpora_report, provenance, update_doc
    from fanzha.evaluate.runner import parse_only, run_corpora
    from fanzha.records.corpora import Split

    names = parse_only(only)
    _check_outputs(out, list(CORPORA_FILES), errors_dir, [f"{n}.errors.jsonl" for n in names], doc)
    splits: list[Split] = ["test", "all"] if split is None else [split]  # type: ignore[list-item]
    detector = _detector(lang)
    with progress_bar(quiet=quiet) as progress:
        run = run_corpora(detector, root, names, splits, limit=limit, on_error=_echo_error, progress=progress)
    for name, outcomes in run.outcomes.items():
        seconds = sum(o.seconds for o in outcomes)
        rate = len(outcomes) / seconds if seconds > 0 else 0.0
        say("cli.eval_corpus", err=True, name=name, texts=len(outcomes), seconds=seconds, rate=rate)
    if not run.outcomes:
        raise InputError("E320", where=str(root))
    command = command_line(
        "fanzha eval --corpora",
        root,
        options=[("--split", split), ("--limit", limit), ("--only", only), ("--out", out), ("--doc", doc)],
    )
    meta = provenance(command, detector.kb.version, limit)
    meta["bad_rows"] = run.bad
    meta["missing"] = run.missing
    report = corpora_report(run.outcomes, splits, meta=meta)
    Console().print(CorporaView(report, lang))
    markdown = corpora_markdown(report)
    if out is not None:
        md = _write(out, "corpora.md", markdown.encode(), [])
        js = _write(out, "corpora.json", _json(report), [])
        say("cli.eval_wrote", err=True, first=md, second=js)
    if doc is not None:
        update_doc(doc, markdown)
        say("cli.eval_doc", err=True, doc=doc)
    if errors_dir is not None:
        for name, outcomes in run.outcomes.items():
            lines = (
                orjson.dumps({"split": o.example.split, **error_record(o)}) + b"\n"
                for o in outcomes
                if o.errors() and (split is not None or o.example.split == "dev")
            )
            _write(errors_dir, f"{name}.errors.jsonl", b"".join(lines), [], "--errors")
        say("cli.eval_errors", err=True, folder=errors_dir)
    if run.missing:  # a corpus that could not be read; the corpora's own bad rows are counted in the report
        sys.exit(1)


def _eval_testsets(
    root: Path,
    data: Path | None,
    out: Path | None,
    errors_dir: Path | None,
    doc: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    from fanzha.detect.engine import Detector
    from fanzha.evaluate import testsets as ts
    from fanzha.evaluate.report import provenance, update_doc

    _check_outputs(out, ["testsets.md", "testsets.json"], errors_dir, ["testsets.errors.jsonl"], doc)
    fused, rules = Detector(lang=lang), Detector(lang=lang, model=None)
    with progress_bar(quiet=quiet) as progress:
        result = ts.run(
            fused,
            rules,
            root,
            data_dir=data,
            on_error=_echo_error,
            progress=lambda name, n: progress(name, 0, n),
        )
    command = command_line(
        "fanzha eval --testsets", root, options=[("--corpora", data), ("--out", out), ("--doc", doc)]
    )
    meta = {**provenance(command, fused.kb.version, None), "model": ts.model_id(fused)}
    figs = ts.figures(result)
    markdown = ts.markdown(figs, meta)
    click.echo(markdown)
    if out is not None:
        _write(out, "testsets.md", markdown.encode("utf-8"), [root])
        _write(out, "testsets.json", _json(ts.to_json(figs, meta)), [root])
        say("cli.eval_wrote", err=True, first=out / "testsets.md", second=out / "testsets.json")
    if doc is not None:
        update_doc(doc, markdown, begin=ts.BEGIN, end=ts.END)
        say("cli.eval_doc_testsets", err=True, doc=doc)
    if errors_dir is not None:
        lines = b"".join(orjson.dumps(rec) + b"\n" for rec in ts.errors(result))
        _write(errors_dir, "testsets.errors.jsonl", lines, [root], "--errors")
        say("cli.eval_errors", err=True, folder=errors_dir)


def _eval_screenshots(
    chats_file: Path,
    testsets: Path | None,
    limit: int | None,
    jobs: int,
    out: Path | None,
    doc: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    from fanzha.detect.engine import Detector
    from fanzha.evaluate import screenshots as shots
    from fanzha.evaluate import testsets as ts
    from fanzha.evaluate.report import provenance, update_doc
    from fanzha.screenshots.render import font_path

    _check_outputs(out, ["screenshots.md", "screenshots.json"], None, [], doc)
    if not chats_file.is_file():
        raise InputError("E001", where=str(chats_file))
    font_path()  # E066 before any work when the CJK font is missing
    detector = Detector(lang=lang)
    chats = shots.load_chats(chats_file)
    if testsets is not None:
        chats += shots.testset_chats(testsets, detector.kb, _echo_error)
    chats = chats[:limit]
    with progress_bar(quiet=quiet) as progress:
        outcomes = shots.run(chats, jobs=jobs, progress=lambda done, n: progress("screenshots", done, n))
    command = command_line(
        "fanzha eval --screenshots",
        chats_file,
        options=[("--testsets", testsets), ("--limit", limit), ("--out", out), ("--doc", doc)],
    )
    meta = {**provenance(command, detector.kb.version, limit), "model": ts.model_id(detector)}
    summary = shots.summarise(outcomes)
    markdown = shots.markdown(summary, meta)
    click.echo(markdown)
    inputs = [chats_file] if testsets is None else [chats_file, testsets]
    if out is not None:
        _write(out, "screenshots.md", markdown.encode("utf-8"), inputs)
        _write(out, "screenshots.json", _json(shots.to_json(summary, outcomes, meta)), inputs)
        say("cli.eval_wrote", err=True, first=out / "screenshots.md", second=out / "screenshots.json")
    if doc is not None:
        update_doc(doc, markdown, begin=shots.BEGIN, end=shots.END)
        say("cli.eval_doc_screenshots", err=True, doc=doc)
