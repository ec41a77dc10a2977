"""Run the `fanzha` command line in process, as the CLI tests do: exit code, stdout, stderr — and never a
traceback or an internal error, whatever the input."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from fanzha.cli.main import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err, err[:1500]
    return code, out, err


def reuse_detectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the commands run in process reuse one `Detector` per (language, model) instead of building one per
    run (the fuzz tests run a command hundreds of times)."""
    from fanzha.detect import engine

    built: dict[tuple[str, object], engine.Detector] = {}
    real = engine.Detector

    def detector(kb: object = None, *, lang: str = "zh", model: object = "default") -> engine.Detector:
        key = (lang, model)
        if key not in built:
            built[key] = real(lang=lang, model=model)
        return built[key]

    monkeypatch.setattr(engine, "Detector", detector)


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    """`rows` as JSON Lines (UTF-8, Chinese as is) at `path`."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def read_only_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`folder`, created read-only; root writes anywhere, so for root the system is made to say it may not."""
    folder.mkdir(mode=0o500)
    if os.geteuid() == 0:
        import fanzha.records.outputs as outputs

        real = os.access

        def access(path: Any, mode: int, **kw: Any) -> bool:
            return False if Path(path) == folder and mode & os.W_OK else real(path, mode, **kw)

        monkeypatch.setattr(outputs.os, "access", access)
    return folder
