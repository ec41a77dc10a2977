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
