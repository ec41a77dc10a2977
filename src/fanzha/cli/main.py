"""The `fanzha` command line: a thin layer over the Python API.

Subcommands live in their own modules and are registered here lazily, so `fanzha check` does not import
what `fanzha sim` or `fanzha trace` need.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from fanzha.cli.common import lang_option
from fanzha.cli.helptext import HelpGroup, help_lang
from fanzha.errors import FanzhaError
from fanzha.messages import set_lang

# name → (module, attribute): each is a click command or group, imported only when used.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sim": ("fanzha.cli.sim", "sim"),
    "cases": ("fanzha.cli.cases", "cases"),
    "check": ("fanzha.cli.check", "check"),
    "eval": ("fanzha.cli.evaluate", "evaluate"),
    "kb": ("fanzha.cli.kb", "kb"),
    "demo": ("fanzha.cli.demo", "demo"),
    "trace": ("fanzha.cli.trace", "trace"),
    "payees": ("fanzha.cli.payees", "payees"),
    "train": ("fanzha.cli.train", "train"),
    "warn": ("fanzha.cli.warn", "warn"),
    "serve": ("fanzha.cli.serve", "serve"),
}
HELP = {  # the English one-line summaries of `fanzha --help` (zh: the catalogue), without importing the commands
    "sim": "Generate / check a synthetic world with ground truth.",
    "cases": "File reports, link cases, find the leaked merchant.",
    "check": "Is this message / chat / account a scam?",
    "eval": "Precision / recall / F1 on labelled JSONL or on the corpora.",
    "kb": "Lint and browse the knowledge base.",
    "demo": "Analyse the examples shipped with fanzha.",
    "trace": "Trace victims' money: freeze list, cash-outs, mules.",
    "payees": "A bank's ledger → its flags for the shared scam-account list.",
    "train": "Train the text model fused with the knowledge base.",
    "warn": "Early warning: events → alerts before the money leaves.",
    "serve": "The anti-fraud centre's HTTP service (API, alert queue, traces).",
}


class LazyGroup(HelpGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module = importlib.import_module(target[0])
        command: click.Command = getattr(module, target[1])
        return command

    def summary(self, ctx: click.Context, name: str, limit: int) -> str | None:
        if help_lang(ctx) == "en" and name in HELP:
            return HELP[name]
        return super().summary(ctx, name, limit)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fanzha")
@lang_option("Language of help, summaries and errors, for every command.", expose=False)
def cli() -> None:
    """fanzha — detect and stop e-commerce / courier customer-service impersonation scams."""


def main(argv: list[str] | None = None) -> Any:
    """Entry point: a coded error is printed as one line on stderr, in the command's language (``--lang``, else
    ``$FANZHA_LANG``, else zh), and exits with its catalogue status (2 input, 3 internal), never a traceback."""
    try:
        return cli.main(args=argv, prog_name="fanzha", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as exc:  # a group alone: its help, as click shows it
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:  # click's own usage errors, coded (E050–E054)
        from fanzha.cli.usage import usage_error

        err = usage_error(exc)
        click.echo(f"fanzha: error: {err.render()}", err=True)
        sys.exit(err.exit)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except FanzhaError as exc:
        click.echo(f"fanzha: error: {exc.render()}", err=True)
        sys.exit(exc.exit)
    except BrokenPipeError:  # `fanzha ... | head`
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line; FANZHA_DEBUG=1 shows the traceback
        if os.environ.get("FANZHA_DEBUG"):
            raise
        click.echo(
            f"fanzha: internal error: {type(exc).__name__}: {exc} (set FANZHA_DEBUG=1 for details)", err=True
        )
        sys.exit(3)
    finally:
        set_lang(None)  # the language a command chose ends with it (main runs in-process in tests)


if __name__ == "__main__":  # pragma: no cover
    main()
