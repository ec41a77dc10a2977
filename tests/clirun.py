"""Run the `fanzha` command line in process, as the CLI tests do: exit code, stdout, stderr — and never a
traceback or an internal error, whatever the input."""

from __future__ import annotations

import pytest

from fanzha.cli.main import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err
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
