#!/usr/bin/env python
"""Detector benchmarks: batch throughput, CLI batch, per-message latency, 30-turn chats, start-up and memory.

    python bench/bench_detect.py --out docs/bench          # what `make bench` runs (a few minutes)
    python bench/bench_detect.py --quick --out /tmp/bench  # a smoke run (seconds)

Everything runs on ONE core: the process pins itself (and so every subprocess it starts) to one CPU with
os.sched_setaffinity. The figures are written to DIR/bench.json and DIR/bench.md, with the machine, the Python
version and the git commit; without --quick also DIR/profile.txt (pyinstrument of the batch path, plus py-spy's
hottest lines when py-spy is installed). See docs/benchmarks.md for what each figure means.

Inputs:
- the project mix: SMS-length texts composed deterministically (fixed seed) from the project's own examples
  (src/fanzha/examples/examples.jsonl and the knowledge base's indicator examples);
- the TF5 mix, when ../shared/data (or $FANZHA_DATA) is present: telecom_fraud_texts_5's normal SMS and scam
  texts, read at bench time only (the corpora are never copied into the repository);
- 30-turn chats composed from teleantifraud dialogues when present, else from the project's examples.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("FANZHA_DATA", REPO.parent / "shared" / "data"))
AIMS = {"batch_sms_per_s": 5000.0, "latency_p99_ms": 2.0, "startup_s": 1.0}
SEED = 20250601
CHECK_TEXT = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ办理"
TURNS_PER_CHAT = 30


class BenchError(Exception):
    """A benchmark could not run (code E360–E369); the message says what to fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code


# -- machine and environment ----------------------------------------------------------------------------------


def pin_to_one_cpu(cpu: int | None) -> int | None:
    """Pin this process (and the subprocesses it starts) to one CPU; returns the CPU or None if unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    chosen = cpu if cpu is not None else allowed[-1]
    if chosen not in allowed:
        raise BenchError("E361", f"CPU {chosen} is not available to this process (allowed: {allowed})")
    os.sched_setaffinity(0, {chosen})
    return chosen


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def machine_info(cpu: int | None) -> dict[str, Any]:
    import fanzha
    from fanzha.kb.loader import default_kb

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "pinned_cpu": cpu,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "git_commit": git_commit(),
        "fanzha_version": getattr(fanzha, "__version__", "unknown"),
        "kb_version": default_kb().kb.version,
    }


# -- inputs ---------------------------------------------------------------------------------------------------------


def project_pool() -> list[str]:
    """The project's own example texts: examples.jsonl (texts and chat turns) and the indicator examples."""
    from fanzha.kb.loader import default_kb

    pool: list[str] = []
    path = REPO / "src" / "fanzha" / "examples" / "examples.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if isinstance(obj.get("text"), str):
            pool.append(obj["text"])
        for turn in obj.get("turns") or []:
            if isinstance(turn, dict) and isinstance(turn.get("text"), str):
                pool.append(turn["text"])
    for ind in default_kb().kb.indicators:
        pool.extend(ind.examples.positive)
        pool.extend(ind.examples.negative)
    return [t for t in pool if t.strip()]


def project_mix(n: int) -> list[str]:
    """`n` SMS-length texts (30–160 characters where the pieces allow), composed with a fixed seed."""
    pool = project_pool()
    rng = random.Random(SEED)
    out: list[str] = []
    while len(out) < n:
        target = rng.randint(30, 160)
        text = rng.choice(pool)
        while len(text) < target:
            nxt = rng.choice(pool)
            if len(text) + len(nxt) > 200:
                break
            text = text + rng.choice(("，", "。", " ")) + nxt
        out.append(text)
    return out


def _read_csv_texts(path: Path) -> list[str]:
    from fanzha.records.files import decode_bytes

    text = decode_bytes(path.read_bytes(), where=str(path))
    return [row["content"] for row in csv.DictReader(io.StringIO(text)) if row.get("content", "").strip()]


def tf5_mix(limit: int | None) -> tuple[list[str], dict[str, Any]] | None:
    """TF5's normal SMS and scam texts in a fixed shuffled order, or None when the corpus is absent."""
    folder = DATA / "telecom_fraud_texts_5"
    if not folder.is_dir():
        return None
    normal = _read_csv_texts(folder / "label00-last.csv")
    scam: list[str] = []
    for name in ("label01-last.csv", "label02-last.csv", "label03-last.csv", "label04-last.csv"):
        if (folder / name).is_file():
            scam.extend(_read_csv_texts(folder / name))
    texts = normal + scam
    random.Random(SEED).shuffle(texts)
    if limit is not None:
        texts = texts[:limit]
    return texts, {"normal_sms": len(normal), "scam_texts": len(scam), "used": len(texts)}


def chats_from_teleantifraud(count: int) -> list[list[dict[str, str]]] | None:
    """`count` chats of exactly 30 turns from teleantifraud dialogues (caller = 对方, callee = 我)."""
    folder = DATA / "teleantifraud"
    files = sorted(folder.glob("*_dialogues-*.jsonl")) if folder.is_dir() else []
    if not files:
        return None
    dialogues: list[list[dict[str, str]]] = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            left, right = obj.get("left") or [], obj.get("right") or []
            turns: list[dict[str, str]] = []
            for i in range(max(len(left), len(right))):
                if i < len(left):
                    turns.append({"speaker": "对方", "text": str(left[i])})
                if i < len(right):
                    turns.append({"speaker": "我", "text": str(right[i])})
            if turns:
                dialogues.append(turns)
    random.Random(SEED).shuffle(dialogues)
    return _compose_chats(dialogues, count)


def chats_from_project(count: int) -> list[list[dict[str, str]]]:
    pool = project_pool()
    rng = random.Random(SEED)
    dialogues = [
        [{"speaker": ("对方", "我")[i % 2], "text": rng.choice(pool)} for i in range(rng.randint(4, 12))]
        for _ in range(count * 5)
    ]
    return _compose_chats(dialogues, count)


def _compose_chats(dialogues: list[list[dict[str, str]]], count: int) -> list[list[dict[str, str]]]:
    chats: list[list[dict[str, str]]] = []
    current: list[dict[str, str]] = []
    for turns in _cycle(dialogues):
        for turn in turns:
            current.append(turn)
            if len(current) == TURNS_PER_CHAT:
                chats.append(current)
                current = []
                if len(chats) == count:
                    return chats
    return chats


def _cycle(items: list[Any]) -> Iterable[Any]:
    if not items:
        raise BenchError("E362", "no dialogues to compose chats from")
    while True:
        yield from items


def length_stats(texts: Sequence[str]) -> dict[str, float]:
    lengths = sorted(len(t) for t in texts)
    return {
        "mean": round(statistics.fmean(lengths), 1),
        "p50": float(lengths[len(lengths) // 2]),
        "p90": float(lengths[int(len(lengths) * 0.9)]),
        "max": float(lengths[-1]),
    }


# -- measuring ----------------------------------------------------------------------------------------------------


def throughput(fn: Callable[[Any], Any], items: Sequence[Any], repeats: int) -> dict[str, Any]:
    """Items per second of `fn` called on each of `items` in turn (after one warm-up pass over up to 500)."""

    def each(xs: Sequence[Any]) -> None:
        for x in xs:
            fn(x)

    return batch_throughput(each, items, repeats)


def percentiles_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    s = sorted(samples_ns)

    def at(q: float) -> float:
        return round(s[min(len(s) - 1, int(q * len(s)))] / 1e6, 4)

    return {
        "calls": len(s),
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "p999_ms": at(0.999),
        "max_ms": round(s[-1] / 1e6, 4),
        "mean_ms": round(statistics.fmean(s) / 1e6, 4),
    }


def latency(fn: Callable[[Any], Any], items: Sequence[Any], calls: int, warmup: int) -> dict[str, float]:
    """Per-call latency over `calls` calls (cycling through `items`) after `warmup` calls; GC stays on."""
    for i in range(warmup):
        fn(items[i % len(items)])
    samples: list[int] = []
    clock = time.perf_counter_ns
    for i in range(calls):
        x = items[i % len(items)]
        t0 = clock()
        fn(x)
        samples.append(clock() - t0)
    return percentiles_ms(samples)


def run_median(cmd: list[str], runs: int, *, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median wall time of a command run `runs` times (output discarded)."""
    walls: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, env=env, cwd=REPO)
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise BenchError(
                "E363",
                f"{' '.join(cmd[:3])} … exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-400:]}",
            )
    return {
        "runs": runs,
        "median_s": round(statistics.median(walls), 4),
        "min_s": round(min(walls), 4),
        "max_s": round(max(walls), 4),
    }


def fanzha_command() -> list[str]:
    script = Path(sys.executable).parent / "fanzha"
    if script.is_file():
        return [str(script)]
    found = shutil.which("fanzha")
    return [found] if found else [sys.executable, "-m", "fanzha.cli.main"]


# -- the benchmarks -------------------------------------------------------------------------------------------------


def batch_throughput(
    fn: Callable[[Sequence[Any]], Any], items: Sequence[Any], repeats: int
) -> dict[str, Any]:
    """Items per second of `fn` called once on all of `items` (after a warm-up call on up to 500 items)."""
    fn(items[:500])
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeats):
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        fn(items)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    median = statistics.median(walls)
    return {
        "items": len(items),
        "repeats": repeats,
        "wall_s_median": round(median, 4),
        "cpu_s_median": round(statistics.median(cpus), 4),
        "per_s": round(len(items) / median, 1),
        "per_s_best": round(len(items) / min(walls), 1),
        "us_per_item": round(median / len(items) * 1e6, 2),
    }


def bench_batch(detector: Any, texts: list[str], repeats: int) -> dict[str, Any]:
    """Detector.analyze_many over the texts (the batch path: the model scores 256 texts at a time),
    Detector.analyze one text at a time, and each stage on its own (normalise, match, entities)."""
    from fanzha.text.entities import extract_entities

    compiled = detector.compiled
    norms = [detector.normalize(t) for t in texts]
    return {
        "analyze_many": batch_throughput(lambda xs: list(detector.analyze_many(xs)), texts, repeats),
        "analyze": throughput(detector.analyze, texts, repeats),
        "stages": {
            "normalize": throughput(detector.normalize, texts, repeats),
            "match": throughput(lambda n: compiled.match(n.text), norms, repeats),
            "extract_entities (part of analyze)": throughput(extract_entities, norms, repeats),
        },
    }


def bench_cli_batch(texts: list[str], tmp: Path, startup_s: float | None) -> dict[str, Any]:
    """`fanzha check --jsonl IN --out OUT` end to end, as a subprocess."""
    src, dst = tmp / "in.jsonl", tmp / "out.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"m{i}", "text": t}, ensure_ascii=False) + "\n")
    cmd = [*fanzha_command(), "check", "--jsonl", str(src), "--out", str(dst)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, cwd=REPO)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise BenchError(
            "E364", f"fanzha check --jsonl failed: {proc.stderr.decode(errors='replace')[-400:]}"
        )
    lines = sum(1 for _ in dst.open(encoding="utf-8"))
    if lines != len(texts):
        raise BenchError("E365", f"fanzha check --jsonl wrote {lines} lines for {len(texts)} inputs")
    out: dict[str, Any] = {
        "messages": len(texts),
        "wall_s": round(wall, 3),
        "per_s_end_to_end": round(len(texts) / wall, 1),
    }
    if startup_s is not None and wall > startup_s:
        out["per_s_excluding_startup"] = round(len(texts) / (wall - startup_s), 1)
    return out


def bench_batch_record(detector: Any, texts: list[str], repeats: int) -> dict[str, Any]:
    """The CLI's batch work in process: batches of 256 lines through `Detector.analyze_many`, `to_dict` and
    `orjson.dumps` (`fanzha.detect.batch.output_lines`, what `check --jsonl` runs; no file I/O, no start-up)."""
    from fanzha.detect.batch import BATCH, output_lines

    pairs = [({"id": f"m{i}", "text": t}, t) for i, t in enumerate(texts)]

    def run(items: Sequence[tuple[dict[str, Any], str]]) -> None:
        for i in range(0, len(items), BATCH):
            for _ in output_lines(detector, list(items[i : i + BATCH]), "zh", False):
                pass

    return batch_throughput(run, pairs, repeats)


def bench_chats(detector: Any, chats: list[list[dict[str, str]]]) -> dict[str, Any]:
    """Each chat analysed as one conversation (a list of 30 turns)."""
    for chat in chats[:5]:
        detector.analyze(chat)
    samples: list[int] = []
    gc.collect()
    t0 = time.perf_counter()
    for chat in chats:
        c0 = time.perf_counter_ns()
        detector.analyze(chat)
        samples.append(time.perf_counter_ns() - c0)
    wall = time.perf_counter() - t0
    chars = [sum(len(t["text"]) for t in chat) for chat in chats]
    return {
        "chats": len(chats),
        "turns_per_chat": TURNS_PER_CHAT,
        "chars_per_chat_mean": round(statistics.fmean(chars), 1),
        "chats_per_s": round(len(chats) / wall, 2),
        "messages_per_s": round(len(chats) * TURNS_PER_CHAT / wall, 1),
        "per_chat": percentiles_ms(samples),
    }


_BREAKDOWN = r"""
import json, time
t0 = time.perf_counter()
import fanzha.detect
t1 = time.perf_counter()
from fanzha.kb.loader import default_kb
kb = default_kb()
t2 = time.perf_counter()
from fanzha.text.normalize import char_table
char_table()
t3 = time.perf_counter()
from fanzha.detect.engine import CompiledKB, Detector
d = Detector(kb)
t4 = time.perf_counter()
d.analyze("您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿")
t5 = time.perf_counter()
print(json.dumps({"import_fanzha_detect_s": t1 - t0, "load_kb_s": t2 - t1, "char_table_s": t3 - t2,
                  "compile_kb_s": t4 - t3, "first_analyze_s": t5 - t4}))
"""


def parse_importtime(stderr: str, top: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append(
                {
                    "module": m.group(4),
                    "self_ms": round(int(m.group(1)) / 1000, 1),
                    "cumulative_ms": round(int(m.group(2)) / 1000, 1),
                    "depth": (len(m.group(3)) - 1) // 2,
                }
            )
    rows.sort(key=lambda r: -r["cumulative_ms"])
    return rows[:top]


def bench_startup(runs: int) -> dict[str, Any]:
    py = sys.executable
    detector_code = "from fanzha.detect import Detector; Detector()"
    out: dict[str, Any] = {
        "python_bare": run_median([py, "-c", "pass"], runs),
        "fanzha_check_text": run_median([*fanzha_command(), "check", CHECK_TEXT], runs),
        "python_detector": run_median([py, "-c", detector_code], runs),
    }
    proc = subprocess.run(
        [py, "-X", "importtime", "-c", detector_code], capture_output=True, text=True, cwd=REPO
    )
    out["importtime_top10"] = parse_importtime(proc.stderr, 10)
    breakdowns = []
    for _ in range(max(1, min(runs, 5))):
        proc = subprocess.run([py, "-c", _BREAKDOWN], capture_output=True, text=True, cwd=REPO, check=True)
        breakdowns.append(json.loads(proc.stdout))
    out["detector_breakdown_s"] = {
        k: round(statistics.median(b[k] for b in breakdowns), 4) for k in breakdowns[0]
    }
    return out


_MEMORY = r"""
import json, sys, tracemalloc
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # kB -> MB
    return float("nan")
out = {"rss_interpreter_mb": status("VmRSS")}
import fanzha.detect
out["rss_after_imports_mb"] = status("VmRSS")
if sys.argv[1] == "heap":  # tracemalloc's own bookkeeping would distort RSS: measured in a separate process
    tracemalloc.start()
    from fanzha.detect import Detector
    d = Detector()
    current, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"detector_python_heap_mb": current / 2**20, "detector_python_heap_peak_mb": peak / 2**20}))
    sys.exit(0)
from fanzha.text.normalize import char_table
char_table()
out["rss_after_char_table_mb"] = status("VmRSS")
from fanzha.kb.loader import default_kb
default_kb()
out["rss_after_kb_load_mb"] = status("VmRSS")
from fanzha.detect import Detector
d = Detector()
out["rss_after_detector_mb"] = status("VmRSS")
out["detector_rss_delta_mb"] = out["rss_after_detector_mb"] - out["rss_after_imports_mb"]
out["char_table_rss_mb"] = out["rss_after_char_table_mb"] - out["rss_after_imports_mb"]
texts = json.load(sys.stdin)
for t in texts:
    d.analyze(t)
out["rss_after_batch_mb"] = status("VmRSS")
out["peak_rss_mb"] = status("VmHWM")
print(json.dumps(out))
"""


def bench_memory(texts: list[str]) -> dict[str, Any]:
    """Memory of fresh processes: RSS after imports, the character table, the knowledge base and Detector(), after
    a batch, and the peak (VmHWM: ru_maxrss would include the parent's peak, inherited across fork and exec); the
    Python heap the Detector keeps (tracemalloc, in a second process)."""
    data: dict[str, Any] = {}
    for mode in ("rss", "heap"):
        proc = subprocess.run(
            [sys.executable, "-c", _MEMORY, mode],
            input=json.dumps(texts, ensure_ascii=False),
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        if proc.returncode != 0:
            raise BenchError("E366", f"memory probe ({mode}) failed: {proc.stderr[-400:]}")
        data.update({k: round(v, 1) for k, v in json.loads(proc.stdout).items()})
    data["batch_messages"] = len(texts)
    return data


# -- profiles -------------------------------------------------------------------------------------------------------


def profile_batch(detector: Any, texts: list[str], out: Path, tmp: Path) -> dict[str, Any]:
    """pyinstrument's text profile of the batch path, and py-spy's hottest lines when py-spy is installed."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return {"written": False, "reason": "pyinstrument not installed (pip install -e '.[dev]')"}
    for _ in detector.analyze_many(texts[:500]):
        pass
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in detector.analyze_many(texts):
        pass
    profiler.stop()
    parts = [
        f"# Profile of the batch path: Detector.analyze_many over {len(texts)} texts of the project mix\n"
        "# (pyinstrument, 0.5 ms sampling; time in seconds; [self] under CompiledKB.match is mostly regex\n"
        "# scanning, which runs in C without a Python frame of its own)\n",
        profiler.output_text(unicode=False, color=False, show_all=False),
    ]
    spy = py_spy_lines(texts, tmp)
    if spy:
        parts.append(spy)
    path = out / "profile.txt"
    path.write_text("\n".join(parts).replace(f"{REPO}/", ""), encoding="utf-8")
    return {"written": True, "path": str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)}


_WORKLOAD = r"""
import json, sys
from fanzha.detect import Detector
d = Detector()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
for _ in range(int(sys.argv[2])):
    for v in d.analyze_many(texts):
        pass
"""


def py_spy_lines(texts: list[str], tmp: Path, top: int = 25) -> str | None:
    """Sample a subprocess running the batch path with py-spy; the lines where the most time is spent."""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.is_file():
        found = shutil.which("py-spy")
        if not found:
            return None
        spy = Path(found)
    data, raw, script = tmp / "texts.json", tmp / "pyspy.txt", tmp / "workload.py"
    data.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    script.write_text(_WORKLOAD, encoding="utf-8")
    cmd = [str(spy), "record", "-r", "400", "-f", "raw", "-o", str(raw), "--", sys.executable, str(script)]
    proc = subprocess.run([*cmd, str(data), "3"], capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0 or not raw.is_file():
        return f"\n# py-spy could not sample ({proc.stderr.strip()[-200:]})\n"
    self_lines: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        if not any(f.startswith(("Detector.analyze ", "Detector.analyze_many ")) for f in frames):
            continue  # start-up: imports, loading the knowledge base
        n = int(count)
        total += n
        self_lines[frames[-1]] = self_lines.get(frames[-1], 0) + n
        for func in {f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0] + ")" for f in frames}:
            inclusive[func] = inclusive.get(func, 0) + n
    if not total:
        return "\n# py-spy: no samples inside Detector.analyze_many\n"

    def table(counts: dict[str, int]) -> str:
        rows = sorted(counts.items(), key=lambda kv: -kv[1])[:top]
        return "\n".join(f"{n / total * 100:6.1f}%  {frame}" for frame, n in rows)

    return (
        f"\n# py-spy (400 Hz, {total} samples inside Detector.analyze_many, 3 passes over the same texts in a fresh"
        f" process)\n\n## Innermost Python line (self time; C code such as regex scanning counts on the line that"
        f" calls it)\n{table(self_lines)}\n\n## Functions, inclusive time\n{table(inclusive)}\n"
    )


# -- output ---------------------------------------------------------------------------------------------------------


def verdicts(result: dict[str, Any]) -> dict[str, Any]:
    """Each aim with the measured figure and whether it is met."""
    batch = result["batch"]["project"]["analyze_many"]["per_s"]
    p99 = result["latency"]["project"]["p99_ms"]
    startup = result["startup"]["fanzha_check_text"]["median_s"]
    return {
        "batch_sms_per_s": {
            "aim": AIMS["batch_sms_per_s"],
            "measured": batch,
            "met": batch >= AIMS["batch_sms_per_s"],
        },
        "latency_p99_ms": {
            "aim": AIMS["latency_p99_ms"],
            "measured": p99,
            "met": p99 <= AIMS["latency_p99_ms"],
        },
        "startup_s": {"aim": AIMS["startup_s"], "measured": startup, "met": startup <= AIMS["startup_s"]},
    }


def markdown(result: dict[str, Any]) -> str:
    m = result["meta"]
    lines = [
        "# fanzha detector benchmarks",
        "",
        f"{m['date']} · {m['cpu_model']} · pinned to CPU {m['pinned_cpu']} of {m['logical_cpus']} · "
        f"Python {m['python']} · commit {m['git_commit']} · kb {m['kb_version']} · "
        f"load average at start {m['load_average_at_start']}"
        + (" · **quick run**" if result["quick"] else ""),
        "",
        "## Aims",
        "",
        "| aim | target | measured | met |",
        "|---|---|---|---|",
    ]
    names = {
        "batch_sms_per_s": "batch throughput, SMS/s (project mix, `Detector.analyze_many`)",
        "latency_p99_ms": "single-message p99 latency, ms",
        "startup_s": "cold start-up of `fanzha check`, s",
    }
    for key, v in result["aims"].items():
        lines.append(f"| {names[key]} | {v['aim']} | {v['measured']} | {'yes' if v['met'] else '**no**'} |")
    lines += [
        "",
        "## Batch throughput (one core)",
        "",
        "| mix | texts | mean chars | path | per s | µs per text |",
    ]
    lines.append("|---|---|---|---|---|---|")
    for mix, b in result["batch"].items():
        desc = result["mixes"][mix]
        rows = [("Detector.analyze_many", b["analyze_many"]), ("Detector.analyze", b["analyze"])]
        rows += list(b["stages"].items())
        for name, t in rows:
            lines.append(
                f"| {mix} | {t['items']} | {desc['chars']['mean']} | {name} | {t['per_s']:,.0f} | {t['us_per_item']} |"
            )
    c = result["cli_batch"]
    lines += [
        "",
        "## CLI batch (`fanzha check --jsonl`, end to end)",
        "",
        "| messages | wall s | per s end to end | per s excluding start-up | in-process batch_record per s |",
        "|---|---|---|---|---|",
        f"| {c['messages']} | {c['wall_s']} | {c['per_s_end_to_end']:,.0f} | "
        f"{c.get('per_s_excluding_startup', 0):,.0f} | {result['batch_record']['per_s']:,.0f} |",
        "",
        "## Per-message latency (`Detector.analyze`, after warm-up)",
        "",
        "| mix | calls | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for mix, lat in result["latency"].items():
        lines.append(
            f"| {mix} | {lat['calls']} | {lat['p50_ms']} | {lat['p90_ms']} | {lat['p99_ms']} | "
            f"{lat['p999_ms']} | {lat['max_ms']} |"
        )
    ch = result["chats"]
    lines += [
        "",
        f"## 30-turn chats ({ch['source']})",
        "",
        "| chats | mean chars | chats/s | messages/s | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
        f"| {ch['chats']} | {ch['chars_per_chat_mean']} | {ch['chats_per_s']} | {ch['messages_per_s']:,.0f} | "
        f"{ch['per_chat']['p50_ms']} | {ch['per_chat']['p99_ms']} | {ch['per_chat']['max_ms']} |",
    ]
    s = result["startup"]
    lines += [
        "",
        "## Cold start-up (median wall time of a subprocess)",
        "",
        "| command | runs | median s | min s | max s |",
        "|---|---|---|---|---|",
    ]
    for key, label in (
        ("python_bare", "`python -c pass`"),
        ("fanzha_check_text", '`fanzha check "…"`'),
        ("python_detector", '`python -c "from fanzha.detect import Detector; Detector()"`'),
    ):
        r = s[key]
        lines.append(f"| {label} | {r['runs']} | {r['median_s']} | {r['min_s']} | {r['max_s']} |")
    lines += ["", "Detector() in a fresh process, by step (median, s):", ""]
    lines += [f"- {k}: {v}" for k, v in s["detector_breakdown_s"].items()]
    lines += [
        "",
        "Slowest imports (`python -X importtime`, cumulative):",
        "",
        "| module | cumulative ms | self ms |",
    ]
    lines.append("|---|---|---|")
    lines += [f"| {r['module']} | {r['cumulative_ms']} | {r['self_ms']} |" for r in s["importtime_top10"]]
    mem = result["memory"]
    lines += [
        "",
        "## Memory (fresh process)",
        "",
        "| figure | MB |",
        "|---|---|",
        f"| RSS of the bare interpreter | {mem['rss_interpreter_mb']} |",
        f"| RSS after `import fanzha.detect` | {mem['rss_after_imports_mb']} |",
        f"| Detector() (character table, knowledge base loaded and compiled): RSS growth | "
        f"{mem['detector_rss_delta_mb']} |",
        f"| of which the traditional → simplified character table (OpenCC) | {mem['char_table_rss_mb']} |",
        f"| Detector(): Python heap it keeps (tracemalloc) | {mem['detector_python_heap_mb']} |",
        f"| RSS after analysing {mem['batch_messages']} messages | {mem['rss_after_batch_mb']} |",
        f"| peak RSS of that process (VmHWM) | {mem['peak_rss_mb']} |",
        f"| peak RSS of the bench process itself | {result['bench_process_peak_rss_mb']} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "docs" / "bench", help="output folder (default docs/bench)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of a few seconds")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: the last one allowed)")
    parser.add_argument("--no-profile", action="store_true", help="skip profile.txt")
    args = parser.parse_args(argv)

    cpu = pin_to_one_cpu(args.cpu)
    quick = args.quick
    sizes = {
        "batch": 1000 if quick else 20000,
        "repeats": 1 if quick else 3,
        "latency_calls": 2000 if quick else 20000,
        "warmup": 200 if quick else 2000,
        "cli": 500 if quick else 20000,
        "chats": 10 if quick else 300,
        "startup_runs": 2 if quick else 10,
        "tf5": 1000 if quick else None,
        "memory": 500 if quick else 5000,
        "profile": 3000,
    }
    from fanzha.detect import Detector

    detector = Detector()
    result: dict[str, Any] = {"quick": quick, "meta": machine_info(cpu), "sizes": sizes}

    project = project_mix(sizes["batch"])
    mixes: dict[str, dict[str, Any]] = {
        "project": {
            "source": "project examples (examples.jsonl + indicator examples), fixed seed",
            "texts": len(project),
            "chars": length_stats(project),
        }
    }
    inputs = {"project": project}
    tf5 = tf5_mix(sizes["tf5"])
    if tf5 is not None:
        texts, counts = tf5
        inputs["tf5"] = texts
        mixes["tf5"] = {
            "source": "telecom_fraud_texts_5 normal SMS + scam texts, shuffled with a fixed seed",
            **counts,
            "texts": len(texts),
            "chars": length_stats(texts),
        }
    result["mixes"] = mixes

    print(f"fanzha bench: pinned to CPU {cpu}; batch …", file=sys.stderr)
    result["batch"] = {name: bench_batch(detector, texts, sizes["repeats"]) for name, texts in inputs.items()}
    result["batch_record"] = bench_batch_record(detector, project, sizes["repeats"])

    print("fanzha bench: latency …", file=sys.stderr)
    result["latency"] = {
        name: latency(detector.analyze, texts, sizes["latency_calls"], sizes["warmup"])
        for name, texts in inputs.items()
    }

    print("fanzha bench: chats …", file=sys.stderr)
    chats = chats_from_teleantifraud(sizes["chats"])
    source = "teleantifraud dialogues"
    if chats is None:
        chats, source = chats_from_project(sizes["chats"]), "project examples"
    result["chats"] = {"source": source, **bench_chats(detector, chats)}

    print("fanzha bench: start-up …", file=sys.stderr)
    result["startup"] = bench_startup(sizes["startup_runs"])

    with tempfile.TemporaryDirectory(prefix="fanzha-bench-") as tmpdir:
        tmp = Path(tmpdir)
        print("fanzha bench: CLI batch …", file=sys.stderr)
        result["cli_batch"] = bench_cli_batch(
            project_mix(sizes["cli"]), tmp, result["startup"]["fanzha_check_text"]["median_s"]
        )
        print("fanzha bench: memory …", file=sys.stderr)
        result["memory"] = bench_memory(project[: sizes["memory"]])
        args.out.mkdir(parents=True, exist_ok=True)
        if not quick and not args.no_profile:
            print("fanzha bench: profile …", file=sys.stderr)
            result["profile"] = profile_batch(detector, project[: sizes["profile"]], args.out, tmp)
        else:
            result["profile"] = {"written": False, "reason": "--quick or --no-profile"}

    result["bench_process_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["meta"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["aims"] = verdicts(result)
    (args.out / "bench.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (args.out / "bench.md").write_text(markdown(result), encoding="utf-8")
    print(f"fanzha bench: wrote {args.out / 'bench.json'} and {args.out / 'bench.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_detect: error: {exc}", file=sys.stderr)
        sys.exit(2)
