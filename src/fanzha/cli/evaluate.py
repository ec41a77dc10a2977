"""`fanzha eval`: precision / recall / F1 of the detector on a labelled JSONL file or on the corpora.

\b
  fanzha eval --jsonl labelled.jsonl [--out DIR] [--lang en]
  fanzha eval --corpora ../shared/data [--split test|dev|all] [--limit N] [--only tf5,news] [--out DIR]
  fanzha eval --testsets eval/testsets [--corpora ../shared/data] [--out DIR] [--doc docs/evaluation.md]

The definitions of every figure are in `fanzha.evaluate.metrics` and docs/evaluation.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import orjson

from fanzha.cli.common import command_line
from fanzha.errors import InputError


def _echo_error(exc: InputError) -> None:
    click.echo(f"fanzha: {exc.render()}", err=True)


class _Progress:
    """A progress bar per corpus on stderr when it is a terminal; otherwise a line per corpus."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.live = self.console.is_terminal
        self.bar: Any = None
        self.task: Any = None

    def start(self, name: str, total: int) -> None:
        if not self.live:
            click.echo(f"fanzha: eval: {name}: {total:,} texts …", err=True)
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(name, total=total)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def done(self, name: str, n: int, seconds: float) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        rate = f", {n / seconds:,.0f} texts/s" if seconds > 0 else ""
        click.echo(f"fanzha: eval: {name}: {n:,} texts in {seconds:.1f} s{rate}", err=True)


def _out_dir(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError("E321", "--out must be a directory", where=str(path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_json(path: Path, data: Any) -> None:
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n")


@click.command("eval")
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
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write metrics.json + errors.jsonl (--jsonl), corpora.md + corpora.json (--corpora) or "
    "testsets.md + testsets.json (--testsets) here.",
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
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the output."
)
def evaluate(
    jsonl: Path | None,
    corpora: Path | None,
    testsets: Path | None,
    out: Path | None,
    split: str | None,
    limit: int | None,
    only: str | None,
    errors_dir: Path | None,
    doc: Path | None,
    lang: str,
) -> None:
    """Precision / recall / F1 of the detector on labelled JSONL or on the corpora.

    \b
    Examples:
      fanzha eval --jsonl labelled.jsonl --out eval-out
      fanzha eval --corpora ../shared/data --out docs/eval
      fanzha eval --corpora ../shared/data --split dev --only tf5,tf8 --errors /tmp/dev-errors
      fanzha eval --testsets eval/testsets --out /tmp/testsets --doc docs/evaluation.md
    """
    if testsets is not None:
        extra = [
            n
            for n, v in (("--jsonl", jsonl), ("--split", split), ("--limit", limit), ("--only", only))
            if v is not None
        ]
        if extra:
            raise click.UsageError(f"{', '.join(extra)} do not apply to --testsets")
        _eval_testsets(testsets, corpora, out, errors_dir, doc, lang)
        return
    if (jsonl is None) == (corpora is None):
        raise click.UsageError("give exactly one of --jsonl FILE or --corpora DIR")
    if jsonl is not None:
        extra = [
            n
            for n, v in (
                ("--split", split),
                ("--limit", limit),
                ("--only", only),
                ("--errors", errors_dir),
                ("--doc", doc),
            )
            if v is not None
        ]
        if extra:
            raise click.UsageError(f"{', '.join(extra)} apply to --corpora only")
        _eval_jsonl(jsonl, out, lang)
        return
    assert corpora is not None
    _eval_corpora(corpora, out, split, limit, only, errors_dir, doc, lang)


def _detector(lang: str) -> Any:
    from fanzha.detect.engine import Detector

    return Detector(lang=lang)


def _eval_jsonl(path: Path, out: Path | None, lang: str) -> None:
    from rich.console import Console

    from fanzha.evaluate.metrics import error_record, score
    from fanzha.evaluate.report import MetricsView
    from fanzha.evaluate.runner import run_jsonl

    if out is not None:
        out = _out_dir(out)
    detector = _detector(lang)
    run = run_jsonl(detector, path, _echo_error)
    click.echo(f"fanzha: eval: {len(run.outcomes):,} lines evaluated, {run.bad:,} with errors", err=True)
    if not run.outcomes:
        raise InputError("E320", "no line could be evaluated", where=str(path))
    metrics = score(run.outcomes)
    Console().print(MetricsView(metrics, lang))
    if out is not None:
        data = {"input": str(path), "bad_lines": run.bad, **metrics.to_dict()}
        _write_json(out / "metrics.json", data)
        with open(out / "errors.jsonl", "wb") as fh:
            for o in run.outcomes:
                if o.errors():
                    fh.write(orjson.dumps(error_record(o)) + b"\n")
        click.echo(f"fanzha: eval: wrote {out / 'metrics.json'} and {out / 'errors.jsonl'}", err=True)


def _outputs(out: Path | None, errors_dir: Path | None, doc: Path | None) -> Path | None:
    """Check the output options before any work: --errors outside the repository (the errors carry corpus
    texts), --doc an existing file; create --out."""
    if errors_dir is not None and _inside_repo(errors_dir):
        raise InputError(
            "E322",
            "--errors writes corpus texts, which must not enter the repository",
            where=str(errors_dir),
            hint="give a folder outside it, e.g. /tmp/fanzha-errors",
        )
    if doc is not None and not doc.is_file():
        raise InputError("E001", "no such file", where=str(doc))
    return _out_dir(out) if out is not None else None


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
) -> None:
    from rich.console import Console

    from fanzha.evaluate.metrics import error_record
    from fanzha.evaluate.report import CorporaView, corpora_markdown, corpora_report, provenance, update_doc
    from fanzha.evaluate.runner import parse_only, run_corpora
    from fanzha.records.corpora import Split

    names = parse_only(only)
    out = _outputs(out, errors_dir, doc)
    splits: list[Split] = ["test", "all"] if split is None else [split]  # type: ignore[list-item]
    detector = _detector(lang)
    run = run_corpora(detector, root, names, splits, limit=limit, on_error=_echo_error, progress=_Progress())
    if not run.outcomes:
        raise InputError("E320", "no corpus could be evaluated", where=str(root))
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
        (out / "corpora.md").write_text(markdown, encoding="utf-8")
        _write_json(out / "corpora.json", report)
        click.echo(f"fanzha: eval: wrote {out / 'corpora.md'} and {out / 'corpora.json'}", err=True)
    if doc is not None:
        update_doc(doc, markdown)
        click.echo(f"fanzha: eval: updated the tables in {doc}", err=True)
    if errors_dir is not None:
        errors_dir.mkdir(parents=True, exist_ok=True)
        for name, outcomes in run.outcomes.items():
            with open(errors_dir / f"{name}.errors.jsonl", "wb") as fh:
                for o in outcomes:
                    if o.errors() and (split is not None or o.example.split == "dev"):
                        fh.write(orjson.dumps({"split": o.example.split, **error_record(o)}) + b"\n")
        click.echo(f"fanzha: eval: wrote the errors to {errors_dir}", err=True)
    if run.missing:
        sys.exit(1)


def _eval_testsets(
    root: Path, data: Path | None, out: Path | None, errors_dir: Path | None, doc: Path | None, lang: str
) -> None:
    from fanzha.detect.engine import Detector
    from fanzha.evaluate import testsets as ts
    from fanzha.evaluate.report import provenance, update_doc

    out = _outputs(out, errors_dir, doc)

    def progress(name: str, n: int) -> None:
        click.echo(f"fanzha: eval: {name}: {n:,} texts …", err=True)

    fused, rules = Detector(lang=lang), Detector(lang=lang, model=None)
    result = ts.run(fused, rules, root, data_dir=data, on_error=_echo_error, progress=progress)
    command = command_line(
        "fanzha eval --testsets", root, options=[("--corpora", data), ("--out", out), ("--doc", doc)]
    )
    meta = {**provenance(command, fused.kb.version, None), "model": ts.model_id(fused)}
    figs = ts.figures(result)
    markdown = ts.markdown(figs, meta)
    click.echo(markdown)
    if out is not None:
        (out / "testsets.md").write_text(markdown, encoding="utf-8")
        _write_json(out / "testsets.json", ts.to_json(figs, meta))
        click.echo(f"fanzha: eval: wrote {out / 'testsets.md'} and {out / 'testsets.json'}", err=True)
    if doc is not None:
        update_doc(doc, markdown, begin=ts.BEGIN, end=ts.END)
        click.echo(f"fanzha: eval: updated the test-set tables in {doc}", err=True)
    if errors_dir is not None:
        errors_dir.mkdir(parents=True, exist_ok=True)
        with open(errors_dir / "testsets.errors.jsonl", "wb") as fh:
            for rec in ts.errors(result):
                fh.write(orjson.dumps(rec) + b"\n")
        click.echo(f"fanzha: eval: wrote the errors to {errors_dir}", err=True)
