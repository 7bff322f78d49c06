"""``hyperdistill run`` (one experiment over seeds) and ``hyperdistill datasets`` (what is registered)."""

from __future__ import annotations

import json
import logging
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.logging import RichHandler
from rich.table import Table

from hyperdistill.cli.app import app, console, err_console, user_errors
from hyperdistill.config import DEFAULT_METHODS, RunConfig, parse_value
from hyperdistill.errors import HyperdistillError


def _parse_list(text: str, kind: type = str) -> tuple[Any, ...]:
    return tuple(kind(part.strip()) for part in text.split(",") if part.strip())


def _apply_sets(fields: dict[str, Any], sets: list[str]) -> None:
    """``--set lighthgnn_plus.beta=0.5`` -> method_params; ``--set teacher.hidden_channels=64`` etc."""
    groups = {"teacher": "teacher_params", "student": "student_params", "dataset": "dataset_options"}
    for item in sets:
        key, sep, value = item.partition("=")
        owner, dot, name = key.partition(".")
        if not sep or not dot:
            raise HyperdistillError(
                f"--set takes OWNER.NAME=VALUE (e.g. lighthgnn_plus.beta=0.5), got {item!r}"
            )
        if owner in groups:
            fields.setdefault(groups[owner], {})[name] = parse_value(value)
        else:
            from hyperdistill.distill import DISTILLERS

            if owner not in DISTILLERS.names():
                raise HyperdistillError(
                    f"--set {item}: {owner!r} is neither teacher, student, dataset nor a method; "
                    f"methods: {', '.join(DISTILLERS.names())} (teacher settings: --set teacher.NAME=VALUE)"
                )
            fields.setdefault("method_params", {}).setdefault(owner, {})[name] = parse_value(value)


@app.command()
def run(
    dataset: Annotated[
        str, typer.Option(help="registered dataset name (see `hyperdistill datasets`)")
    ] = "synthetic",
    path: Annotated[
        Path | None, typer.Option(help="a directory of your own, instead of a registered name")
    ] = None,
    format: Annotated[
        str | None, typer.Option(help="format of --path: hypergcn, planetoid, npz, le, magnn, benson, plain")
    ] = None,
    teacher: Annotated[str, typer.Option(help="teacher model")] = "hgnn",
    methods: Annotated[str, typer.Option(help="comma-separated distillation methods")] = ",".join(
        DEFAULT_METHODS
    ),
    seeds: Annotated[str | None, typer.Option(help="comma-separated seeds (default: the protocol's)")] = None,
    protocol: Annotated[
        str, typer.Option(help="lighthgnn (20/100 per class, 5 seeds), glnn (20/30, 10 seeds), fixed")
    ] = "lighthgnn",
    setting: Annotated[str, typer.Option(help="transductive or production")] = "transductive",
    inductive_share: Annotated[
        float, typer.Option(help="production: share r of test vertices held out")
    ] = 0.2,
    epochs: Annotated[int, typer.Option(help="training epochs of teacher and students")] = 200,
    data_root: Annotated[
        Path | None,
        typer.Option(help="folder holding the datasets (else $HYPERDISTILL_DATA or ../shared/data)"),
    ] = None,
    feature_substitute: Annotated[
        str | None, typer.Option(help="for sets without features: 'random' (explicit, logged)")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="hyperparameter, e.g. lighthgnn_plus.beta=0.5 (repeatable)"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="TOML or JSON file with RunConfig fields; flags given here win")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="output directory for result.json")] = None,
    save_students: Annotated[
        Path | None,
        typer.Option(
            help="save the first seed's students as artifacts in DIR/<method> (for predict, export)"
        ),
    ] = None,
    progress: Annotated[bool, typer.Option(help="show progress bars")] = True,
) -> None:
    """Train a teacher, distil it into MLP students, and compare them over seeds."""
    with user_errors():
        fields: dict[str, Any] = _read_config(config) if config else {}
        given = {k: v for k, v in _cli_fields(locals()).items() if v is not None}
        fields.update(given)
        _apply_sets(fields, set_ or [])
        if feature_substitute is not None:
            fields.setdefault("dataset_options", {})["feature_substitute"] = feature_substitute
        run_config = RunConfig(**fields)
        from hyperdistill.run import run as run_experiment

        _log_to_console()
        label = run_config.dataset_label
        seed_list = list(run_config.resolved_seeds())
        console.print(
            f"[bold]hyperdistill[/] {label} · {run_config.teacher} · {run_config.setting} · seeds {seed_list}"
        )
        result = run_experiment(run_config, on_record=_echo_record, save_students=save_students)
        from hyperdistill.eval.report import rich_table

        console.print(rich_table(result.summary(), title=f"{label}: accuracy % (mean ± std over seeds)"))
        directory = out or Path("runs") / f"{Path(label).name}-{run_config.teacher}-{run_config.setting}"
        console.print(f"wrote {result.save(directory)} ({result.seconds:.1f} s)")


def _cli_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Map the parameters of :func:`run` that differ from their defaults to RunConfig fields."""
    defaults = {
        "dataset": "synthetic",
        "teacher": "hgnn",
        "methods": ",".join(DEFAULT_METHODS),
        "protocol": "lighthgnn",
        "setting": "transductive",
        "inductive_share": 0.2,
        "epochs": 200,
        "progress": None,
    }
    fields: dict[str, Any] = {}
    for name in ("dataset", "teacher", "protocol", "setting", "inductive_share", "epochs"):
        if values[name] != defaults[name]:
            fields[name] = values[name]
    if values["methods"] != defaults["methods"]:
        fields["methods"] = _parse_list(values["methods"])
    if values["seeds"] is not None:
        fields["seeds"] = _parse_list(values["seeds"], int)
    if values["path"] is not None:
        fields["path"], fields["format"] = str(values["path"]), values["format"]
    if values["data_root"] is not None:
        fields["data_root"] = str(values["data_root"])
    fields["progress"] = values["progress"] and sys.stderr.isatty()
    return fields


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise HyperdistillError(f"config file {path} does not exist")
    text = path.read_text()
    try:
        return tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise HyperdistillError(f"config file {path} is not valid {path.suffix[1:].upper()}: {exc}") from None


def _echo_record(record: Any) -> None:
    if record.part in ("test", "prod"):
        acc, secs = 100 * record.accuracy, record.train_seconds
        console.print(
            f"  seed {record.seed} {record.model:<16} {record.part:<5} acc {acc:6.2f}  ({secs:.1f} s)"
        )


@app.command()
def datasets(
    data_root: Annotated[Path | None, typer.Option(help="folder holding the datasets")] = None,
) -> None:
    """List the registered datasets, their documented sizes, and whether their files were found."""
    with user_errors():
        from hyperdistill.data.registry import data_root as resolve_root
        from hyperdistill.data.registry import known_datasets

        root = resolve_root(data_root)
        table = Table(
            title=f"data root: {root or 'not found (set --data-root or $HYPERDISTILL_DATA)'}",
            title_justify="left",
        )
        for column in (
            "name",
            "kind",
            "vertices",
            "hyperedges",
            "features",
            "classes",
            "files",
            "description",
        ):
            numeric = column in ("vertices", "hyperedges", "features", "classes")
            table.add_column(column, justify="right" if numeric else "left", no_wrap=column != "description")
        for spec in known_datasets():
            counts = [
                f"{spec.expected[k]:,}" if k in spec.expected else "-"
                for k in ("num_nodes", "num_edges", "num_features", "num_classes")
            ]
            found = "[green]found[/]" if spec.is_available(root) else "[red]missing[/]"
            table.add_row(spec.name, spec.kind, *counts, found, spec.description)
        console.print(table)


def _log_to_console() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(message)s", handlers=[RichHandler(console=err_console, show_path=False)]
    )
