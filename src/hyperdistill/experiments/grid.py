"""The grid file: datasets x teachers x methods x settings x seeds, in blocks that each make one table.

A grid is a TOML file::

    name = "lighthgnn"
    store = "runs/grid"                       # records and the teacher cache live here
    imports = ["runs/transductive"]           # result.json files of earlier runs to recognise
    noise_levels = [0.0, 0.05, 0.1]           # test-time feature noise measured for every run

    [[block]]
    name = "production"
    kind = "table"                            # table | reference | variants | robustness | best
    datasets = ["cc_cora", "news20"]
    teachers = ["hgnn", "hgnnp"]
    settings = ["production"]
    inductive_shares = [0.2, 0.9]
    methods = ["mlp", "lighthgnn", "lighthgnn_plus", "lighthgnn_plus[kl=published]"]
    seeds = [0, 1, 2]                         # default: the protocol's
    run = { epochs = 200 }                    # any further RunConfig field

Blocks expand into :class:`Unit` s, one per (dataset, teacher, setting, share, protocol, seed); units that
several blocks share are merged, so a teacher serves every method any block asks of it.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hyperdistill.config import DEFAULT_METHODS, MethodSpec, RunConfig
from hyperdistill.errors import ConfigError
from hyperdistill.experiments.keys import fingerprint, teacher_key

BlockKind = Literal["table", "reference", "variants", "robustness", "best"]


class Block(BaseModel):
    """One table's worth of runs.

    ``kind`` says how the report shows it: ``table`` (per dataset: teacher, MLP and students, one table
    per teacher and setting), ``reference`` (next to published figures), ``variants`` (one row per method
    variant, one column per dataset: ablations and sweeps) or ``robustness`` (accuracy under test-time
    feature noise) or ``best`` (per dataset, the best teacher and student over the block's teachers, and
    ``methods[0]`` distilled from each teacher against ``reference``, the baseline teacher).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: BlockKind = "table"
    title: str = ""
    description: str = ""
    datasets: tuple[str, ...]
    teachers: tuple[str, ...] = ("hgnn",)
    settings: tuple[Literal["transductive", "production"], ...] = ("transductive",)
    inductive_shares: tuple[float, ...] = (0.2,)
    protocol: str = "lighthgnn"
    seeds: tuple[int, ...] | None = None
    methods: tuple[str, ...] = DEFAULT_METHODS
    reference: str | None = Field(default=None, description="variants: the row the others are compared with")
    parameter: str | None = Field(
        default=None, description="variants: the swept hyperparameter (x axis of its plot)"
    )
    part: Literal["test", "trans", "ind", "prod"] | None = Field(
        None, description="the scored part variants, robustness and figures show (default test / ind)"
    )
    checks: bool = Field(default=False, description="table: judge the project's bars on this block's average")
    plots: tuple[Literal["bars", "reliability", "noise", "sweep"], ...] | None = Field(
        default=None, description="figures to draw; default by kind (table: bars, robustness: noise)"
    )
    run: dict[str, Any] = Field(default_factory=dict, description="further RunConfig fields")

    @field_validator("methods")
    @classmethod
    def _labels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(MethodSpec.parse(m).label for m in value)

    @property
    def figures(self) -> tuple[str, ...]:
        if self.plots is not None:
            return self.plots
        return {
            "table": ("bars",),
            "robustness": ("noise",),
            "variants": ("sweep",) if self.parameter else (),
        }.get(self.kind, ())

    def combinations(self) -> list[tuple[str, str, str, float | None]]:
        """(dataset, teacher, setting, share) in table order; the share is None when transductive."""
        out: list[tuple[str, str, str, float | None]] = []
        for dataset, teacher, setting in itertools.product(self.datasets, self.teachers, self.settings):
            shares: tuple[float | None, ...] = (
                tuple(self.inductive_shares) if setting == "production" else (None,)
            )
            out += [(dataset, teacher, setting, share) for share in shares]
        return out

    def config(self, dataset: str, teacher: str, setting: str, share: float | None) -> RunConfig:
        fields: dict[str, Any] = {
            **self.run,
            "dataset": dataset,
            "teacher": teacher,
            "setting": setting,
            "protocol": self.protocol,
            "methods": self.methods,
            "seeds": self.seeds,
        }
        if share is not None:
            fields["inductive_share"] = share
        return RunConfig(**fields)

    def units(self) -> list[Unit]:
        out = []
        for dataset, teacher, setting, share in self.combinations():
            config = self.config(dataset, teacher, setting, share)
            out += [Unit.of(config, seed) for seed in config.resolved_seeds()]
        return out


@dataclass(frozen=True)
class Unit:
    """One split and one teacher: (dataset, teacher, setting, share, protocol, seed) and the methods
    distilled from that teacher. ``config`` holds the methods and has ``seeds=(seed,)``."""

    config: RunConfig
    seed: int

    @classmethod
    def of(cls, config: RunConfig, seed: int) -> Unit:
        return cls(config.model_copy(update={"seeds": (seed,)}), seed)

    @property
    def teacher_key(self) -> str:
        return teacher_key(self.config, self.seed)

    @property
    def identity(self) -> str:
        """Units with equal identity share split, teacher and student settings; their methods merge."""
        fields = self.config.model_dump(mode="json", exclude={"methods", "progress", "data_root"})
        return fingerprint({"config": fields, "seed": self.seed})

    def describe(self) -> str:
        c = self.config
        setting = c.setting if c.setting == "transductive" else f"production r={c.inductive_share:g}"
        return f"{c.dataset_label} · {c.teacher} · {setting} · {c.protocol} · seed {self.seed}"


class Grid(BaseModel):
    """A whole experiment: blocks of runs, where their results are stored, what else to measure."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    store: str = "runs/grid"
    imports: tuple[str, ...] = ()
    noise_levels: tuple[float, ...] = (0.0,)
    notes: str | None = Field(
        default=None, description="a markdown file (relative to the grid file) for the report"
    )
    block: tuple[Block, ...] = Field(..., min_length=1)

    @field_validator("noise_levels")
    @classmethod
    def _levels(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(not 0.0 <= v <= 1.0 for v in value):
            raise ValueError("noise levels mix features with noise: each must be in [0, 1]")
        return value

    @field_validator("block")
    @classmethod
    def _unique_names(cls, value: tuple[Block, ...]) -> tuple[Block, ...]:
        names = [b.name for b in value]
        if len(set(names)) != len(names):
            raise ValueError(f"block names must be unique, got {', '.join(names)}")
        return value

    @classmethod
    def load(cls, path: str | Path) -> Grid:
        """Read a grid TOML file; errors name the file."""
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"grid file {path} does not exist")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"grid file {path} is not valid TOML: {exc}") from None
        grid = cls(**data)
        if grid.notes is not None:
            grid = grid.model_copy(update={"notes": str(path.parent / grid.notes)})
        return grid

    def blocks(self, names: list[str] | None = None) -> list[Block]:
        if not names:
            return list(self.block)
        known = {b.name: b for b in self.block}
        missing = [n for n in names if n not in known]
        if missing:
            raise ConfigError(f"no block named {', '.join(missing)}; blocks: {', '.join(known)}")
        return [known[n] for n in names]

    def units(self, names: list[str] | None = None) -> list[Unit]:
        """Every unit of the chosen blocks (all by default), merged, in block order (the run order)."""
        merged: dict[str, Unit] = {}
        for block in self.blocks(names):
            for unit in block.units():
                known = merged.get(unit.identity)
                if known is None:
                    merged[unit.identity] = unit
                    continue
                methods = (
                    *known.config.methods,
                    *(m for m in unit.config.methods if m not in known.config.methods),
                )
                merged[unit.identity] = Unit(known.config.model_copy(update={"methods": methods}), unit.seed)
        return list(merged.values())
