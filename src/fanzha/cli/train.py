"""`fanzha train`: build the text model the package ships, reproducibly, from a config file.

\b
  fanzha train --config configs/model.yaml --out src/fanzha/classify/artifacts

See docs/model-card.md. Needs the ``train`` extra (scipy, scikit-learn): ``pip install 'fanzha[train]'``.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from fanzha.cli.common import quiet_option
from fanzha.cli.helptext import HelpCommand
from fanzha.errors import InputError


@click.command("train", cls=HelpCommand)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("configs/model.yaml"),
    show_default=True,
    help="Training config (YAML): seed, data, model, train.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for textmodel.npz and training.json.",
)
@click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), help="Override data.data_dir."
)
@quiet_option
def train(config_path: Path, out: Path, data_dir: Path | None, quiet: bool) -> None:
    """Train the text model (wide and deep over character n-grams) and its fusion with the rules.

    \b
    Examples:
      fanzha train --config configs/model.yaml --out src/fanzha/classify/artifacts
      fanzha train --config my.yaml --out /tmp/model && FANZHA_MODEL=/tmp/model/textmodel.npz fanzha check "…"
    """
    import yaml

    try:
        import scipy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        raise InputError("E607") from None
    from fanzha.classify.train import Config, run

    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError("E001", where=str(config_path)) from None
    except yaml.YAMLError as exc:
        raise InputError("E612", where=str(config_path), reason=str(exc)) from None
    if not isinstance(raw, dict):
        raise InputError("E611", where=str(config_path), field=config_path.name)
    cfg = Config.from_dict(raw, where=str(config_path))
    if data_dir is not None:
        cfg.data.data_dir = str(data_dir)
    if out.exists() and not out.is_dir():
        raise InputError("E008", where=str(out))
    examples = Path(__file__).resolve().parents[1] / "examples" / "examples.jsonl"
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if not quiet:
            click.echo(f"fanzha: train: [{time.perf_counter() - t0:6.1f} s] {msg}", err=True)

    report = run(cfg, out, examples=examples, log=log)
    oof = report["out_of_fold"]
    log(
        "out of fold (held-out groups): "
        + ", ".join(f"{k} F1 {v['f1']:.3f}" for k, v in oof.items())
        + f"; wrote {out / report['artifact']['file']} ({report['artifact']['bytes'] / 1e6:.1f} MB)"
    )
