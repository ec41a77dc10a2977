"""Docs as tests: every command and option is documented; the README keeps its two-command contract."""

from __future__ import annotations

import importlib
from pathlib import Path

import click
import pytest

from fanzha.cli.main import SUBCOMMANDS

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, (module, attr) in SUBCOMMANDS.items():
        cmd = getattr(importlib.import_module(module), attr)
        out.append((name, cmd))
        if isinstance(cmd, click.Group):
            out.extend((f"{name} {sub}", c) for sub, c in cmd.commands.items())
    return out


@pytest.mark.parametrize("name, cmd", _commands(), ids=[n for n, _ in _commands()])
def test_every_command_and_option_is_documented(name: str, cmd: click.Command) -> None:
    assert f"fanzha {name}" in CLI_DOC, f"`fanzha {name}` is not documented in docs/cli.md"
    for param in cmd.params:
        if isinstance(param, click.Option):
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in CLI_DOC, f"{opt} of `fanzha {name}` is not documented in docs/cli.md"


def test_readme_documents_exactly_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_documents_linked_from_the_readme_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in readme.splitlines():
        if line.startswith("- `docs/"):
            path = line.split("`")[1]
            assert (ROOT / path).is_file(), path


def _readme_lines(*commands: str) -> list[str]:
    """The README's `fanzha COMMAND` lines for each of `commands`, in the README's order, without comments."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        line.split("  #")[0].strip()
        for line in readme.splitlines()
        if any(f".venv/bin/fanzha {c}" in line for c in commands)
    ]


def _readme_examples() -> list[str]:
    """The README's `fanzha check` and `fanzha eval` command lines, each on its own (the sim / warn / trace /
    cases ones run in a chain: `test_the_readme_city_runs_as_written`)."""
    return _readme_lines("check", "eval")


def _run_as_written(line: str, tmp_path: Path) -> None:
    """Run a README line from the repository's root as written — the files it names are in the repository,
    tracked by git, so a fresh clone has them — and check that it exits 0 without a traceback (its /tmp outputs
    go to `tmp_path`), its output there, whole."""
    import shlex
    import subprocess
    import sys

    words = shlex.split(line.replace("|", " | "))
    for word in words:
        if word.startswith("src/"):
            assert (ROOT / word).is_file(), word
            if (ROOT / ".git").exists():
                tracked = subprocess.run(
                    ["git", "ls-files", "--error-unmatch", word], cwd=ROOT, capture_output=True
                )
                assert tracked.returncode == 0, f"{word} is not tracked by git"
    command = line.replace(".venv/bin/fanzha", f"{shlex.quote(sys.executable)} -m fanzha.cli.main")
    command = command.replace("/tmp/", f"{tmp_path}/")
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, line + "\n" + done.stderr.decode()[-2000:]
    assert b"Traceback" not in done.stderr
    if "--out" in words:  # the output is there, whole
        out = Path(words[words.index("--out") + 1].replace("/tmp/", f"{tmp_path}/"))
        assert out.exists() and (out.is_dir() or out.read_bytes().endswith(b"\n"))
    else:
        assert done.stdout.strip()


@pytest.mark.slow
@pytest.mark.parametrize("line", _readme_examples())
def test_the_readme_examples_run_as_written(line: str, tmp_path: Path) -> None:
    _run_as_written(line, tmp_path)


@pytest.mark.slow
def test_the_readme_city_runs_as_written(tmp_path: Path) -> None:
    """The README's synthetic city, in its order: sim makes the world every later line reads (its events, ledgers,
    the investigators' seeds, the victims' reports, the orders); warn, trace and cases each run on it as written."""
    lines = _readme_lines("sim", "warn", "trace", "cases")
    assert [x.split()[1] for x in lines][:4] == ["sim", "warn", "trace", "cases"]
    for line in lines:
        _run_as_written(line, tmp_path)


def test_the_readme_shows_check_and_eval() -> None:
    lines = _readme_examples()
    assert any("--file" in x for x in lines) and any("--jsonl" in x and "check" in x for x in lines)
    assert any(x.startswith("echo ") for x in lines) and any("eval --jsonl" in x for x in lines)
