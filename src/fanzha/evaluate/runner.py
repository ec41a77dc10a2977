"""Running the detector over labelled data: a labelled JSONL file, or every corpus of the data folder.

Both paths turn their input into `Example`s with `parse_example`, run one `Detector` over them and hand the
`Outcome`s to `fanzha.evaluate.metrics.score`. Bad lines are reported through ``on_error`` with their
``file:line`` and the others are evaluated.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fanzha.detect.verdict import Verdict
from fanzha.errors import InputError
from fanzha.evaluate.metrics import CategoryNames, Example, Outcome, parse_example, predict
from fanzha.kb.schema import KnowledgeBase
from fanzha.progress import Progress, silent
from fanzha.records.corpora import CORPORA, Split, default_data_dir, load, resolve, split_key, split_of
from fanzha.records.files import count_lines, iter_jsonl

OnError = Callable[[InputError], None]


class Analyzer(Protocol):
    """What the runner needs of a detector."""

    @property
    def kb(self) -> KnowledgeBase: ...

    def analyze(self, data: Any) -> Verdict: ...


@dataclass
class JsonlRun:
    """The outcomes of a labelled JSONL file and the number of lines that could not be evaluated."""

    outcomes: list[Outcome]
    bad: int


def read_labelled(path: Path, categories: CategoryNames, on_error: OnError) -> Iterator[Example]:
    """The examples of a labelled JSONL file; every bad line (invalid JSON, a missing or unknown label, no
    text, an unknown category, a repeated id …) goes to `on_error` with its ``file:line``."""
    seen: dict[str, int] = {}
    for rec in iter_jsonl(path):
        if rec.error is not None:
            on_error(rec.error)
            continue
        assert rec.data is not None  # iter_jsonl gives each line its data or an error
        where = f"{path}:{rec.line}"
        try:
            ex = parse_example(rec.data, categories, default_id=f"line-{rec.line}")
        except InputError as exc:
            exc.where = where
            on_error(exc)
            continue
        if ex.id in seen:
            on_error(InputError("E317", where=where, id=ex.id, line=seen[ex.id]))
            continue
        seen[ex.id] = rec.line
        yield Example(ex.id, ex.data, ex.gold, source=str(path), where=where, topic=ex.topic)


def run_jsonl(detector: Analyzer, path: Path, on_error: OnError, progress: Progress = silent) -> JsonlRun:
    """Evaluate a labelled JSONL file; `progress` is told the lines done of the file's lines (stage: the
    file's name)."""
    bad = 0
    total = count_lines(path) if progress is not silent else None
    tick = counter(progress, Path(path).name, total)

    def report(exc: InputError) -> None:
        nonlocal bad
        bad += 1
        tick(1)
        on_error(exc)

    def refused(ex: Example, exc: InputError) -> None:  # counted as done by predict_batched
        nonlocal bad
        bad += 1
        exc.where = ex.where
        on_error(exc)

    examples = read_labelled(path, CategoryNames(detector.kb), report)
    outcomes = predict_batched(detector, examples, on_error=refused, progress=tick)
    if total is not None:
        progress(Path(path).name, total, total)
    return JsonlRun(outcomes, bad)


def counter(progress: Progress, stage: str, total: int | None) -> Callable[[int], None]:
    """A callback adding its argument to the work done of `stage` and telling `progress`."""
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        progress(stage, done, total)

    return tick


BATCH = 256


def predict_batched(
    detector: Analyzer,
    examples: Iterable[Example],
    *,
    on_error: Callable[[Example, InputError], None] | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> list[Outcome]:
    """`metrics.predict`, but through the detector's ``analyze_many`` when it has one, `batch` examples at a
    time (the trained model scores a batch in one pass); each outcome gets the batch's mean time. An example
    whose data cannot be made into a document goes to `on_error` (or raises) on its own."""
    many = getattr(detector, "analyze_many", None)
    if many is None:
        return predict(detector.analyze, examples, on_error=on_error, progress=progress)
    from fanzha.detect.document import Document

    out: list[Outcome] = []
    chunk: list[tuple[Example, Document]] = []
    clock = time.perf_counter

    def flush() -> None:
        t0 = clock()
        verdicts = list(many([doc for _, doc in chunk]))
        each = (clock() - t0) / len(chunk)
        out.extend(Outcome(ex, v, each) for (ex, _), v in zip(chunk, verdicts, strict=True))
        if progress is not None:
            progress(len(chunk))
        chunk.clear()

    for ex in examples:
        try:
            data = ex.data
            doc = Document.from_text(data) if isinstance(data, str) else Document.from_turns(data)
        except InputError as exc:
            if progress is not None:
                progress(1)
            if on_error is None:
                raise
            on_error(ex, exc)
            continue
        chunk.append((ex, doc))
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    return out


@dataclass
class CorporaRun:
    """The outcomes per corpus (over the union of the requested splits), the corpora that could not be
    read, and the number of bad rows."""

    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    bad: int = 0


def parse_only(only: str | None) -> list[str]:
    """The corpora named in ``--only a,b`` (registered names or short aliases; E301 lists valid names),
    or every corpus."""
    if only is None:
        return list(CORPORA)
    names = [resolve(n) for n in only.split(",") if n.strip()]
    if not names:
        raise InputError("E301", where="--only", name=only, valid=list(CORPORA), close=[])
    return list(dict.fromkeys(names))


def run_corpora(
    detector: Analyzer,
    root: Path | None,
    names: list[str],
    splits: list[Split],
    *,
    limit: int | None,
    on_error: OnError,
    progress: Progress = silent,
) -> CorporaRun:
    """Load each corpus (the records of the union of `splits`, or a `limit`-sized sample of them), run the
    detector, and keep each outcome's split on its example. `progress` is told the texts done of each corpus
    (stage: its name)."""
    root = root if root is not None else default_data_dir()
    if not root.is_dir():
        raise InputError("E300", where=str(root))
    categories = CategoryNames(detector.kb)
    load_split: Split = "all" if "all" in splits or len(set(splits)) > 1 else splits[0]
    run = CorporaRun()

    def report(exc: InputError) -> None:
        run.bad += 1
        on_error(exc)

    for name in names:
        try:
            records = load(name, load_split, root=root, limit=limit, on_error=report)
        except InputError as exc:
            run.missing[name] = exc.render()
            on_error(exc)
            continue
        examples: list[Example] = []
        for rec in records:
            try:
                ex = parse_example(rec, categories)
            except InputError as exc:  # a category id that the knowledge base no longer has
                exc.where = rec.get("where")
                report(exc)
                continue
            examples.append(
                Example(
                    ex.id, ex.data, ex.gold, ex.source, ex.where, ex.topic, split=split_of(split_key(rec))
                )
            )

        def refused(ex: Example, exc: InputError) -> None:
            exc.where = ex.where
            report(exc)

        tick = counter(progress, name, len(examples))
        tick(0)
        run.outcomes[name] = predict_batched(detector, examples, on_error=refused, progress=tick)
    return run
