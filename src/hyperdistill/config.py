"""The validated configuration of one experiment (CLI flags and config files both end up here)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hyperdistill.data.splits import PROTOCOLS
from hyperdistill.data.transforms import FEATURE_TRANSFORMS

DEFAULT_METHODS = ("mlp", "lighthgnn", "lighthgnn_plus")

_SPEC = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\[(.*)\])?\s*$")


@dataclass(frozen=True)
class MethodSpec:
    """A method with hyperparameters bound in its name: ``lighthgnn_plus[kl=published,sampling=uniform]``.

    Variants of one method trained against the same teacher (ablations, sweeps) are listed side by side in
    ``RunConfig.methods``; the text, stripped of spaces, is the label their results carry. Values are read as
    JSON where they parse (``0.5``, ``true``, ``3``) and as strings otherwise; pairs are separated by ``,``
    or ``;`` (use ``;`` on the command line, where ``--methods`` is split at commas).
    """

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    @classmethod
    def parse(cls, text: str) -> MethodSpec:
        match = _SPEC.match(text)
        if match is None:
            raise ValueError(
                f"cannot read method {text!r}; write NAME or NAME[key=value,...], "
                "e.g. lighthgnn_plus[kl=published]"
            )
        name, body = match.group(1), match.group(2)
        params: dict[str, Any] = {}
        for item in re.split(r"[,;]", body or ""):
            if not item.strip():
                continue
            key, sep, value = item.partition("=")
            if not sep or not key.strip().isidentifier():
                raise ValueError(
                    f"method {text!r}: {item.strip()!r} is not key=value; "
                    "e.g. lighthgnn_plus[kl=published;sampling=uniform]"
                )
            params[key.strip()] = parse_value(value.strip())
        label = name if not params else f"{name}[{','.join(f'{k}={_show(v)}' for k, v in params.items())}]"
        return cls(name, params, label)


def parse_value(text: str) -> Any:
    """A ``--set`` or ``method[key=value]`` value: JSON where it parses (numbers, booleans), else the text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class RunConfig(BaseModel):
    """One dataset x one teacher x several methods x several seeds, in one setting.

    Hyperparameters of the teacher, the student MLP and each method go in the ``*_params`` dicts; what is
    not given takes the component's own default (LightHGNN's settings).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str = "synthetic"
    path: str | None = Field(
        None, description="a directory in one of the supported formats, instead of a name"
    )
    format: str | None = Field(None, description="format of `path` (hypergcn, le, plain, ...)")
    data_root: str | None = None
    dataset_options: dict[str, Any] = Field(default_factory=dict)
    feature_transform: str = "row_l1"
    deduplicate: bool = True

    teacher: str = "hgnn"
    teacher_params: dict[str, Any] = Field(default_factory=dict)
    student_params: dict[str, Any] = Field(default_factory=dict)
    methods: tuple[str, ...] = DEFAULT_METHODS
    method_params: dict[str, dict[str, Any]] = Field(default_factory=dict)

    protocol: str = "lighthgnn"
    seeds: tuple[int, ...] | None = None
    setting: Literal["transductive", "production"] = "transductive"
    inductive_share: float = Field(0.2, gt=0.0, lt=1.0)

    epochs: int = Field(200, ge=1)
    lr: float = Field(0.01, gt=0.0)
    weight_decay: float = Field(5e-4, ge=0.0)
    patience: int | None = Field(None, ge=1)
    progress: bool = False

    @field_validator("protocol")
    @classmethod
    def _known_protocol(cls, value: str) -> str:
        if value not in PROTOCOLS:
            raise ValueError(f"unknown protocol {value!r}; choose one of {', '.join(PROTOCOLS)}")
        return value

    @field_validator("feature_transform")
    @classmethod
    def _known_transform(cls, value: str) -> str:
        if value not in FEATURE_TRANSFORMS:
            raise ValueError(
                f"unknown feature transform {value!r}; choose one of {', '.join(FEATURE_TRANSFORMS)}"
            )
        return value

    @field_validator("methods")
    @classmethod
    def _readable_methods(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        labels = [MethodSpec.parse(text).label for text in value]
        if len(set(labels)) != len(labels):
            raise ValueError(f"methods are listed twice: {', '.join(value)}")
        return tuple(labels)

    @model_validator(mode="after")
    def _path_needs_format(self) -> RunConfig:
        if self.path is not None and self.format is None:
            raise ValueError("a dataset given by path needs its format (--format)")
        if not self.methods:
            raise ValueError("give at least one method")
        return self

    def method_options(self, method: str) -> tuple[str, dict[str, Any]]:
        """The registered name of ``method`` and its hyperparameters: ``method_params[name]``, then the
        values bound in the spec (``lighthgnn_plus[kl=published]``) on top."""
        spec = MethodSpec.parse(method)
        return spec.name, {**self.method_params.get(spec.name, {}), **spec.params}

    @property
    def dataset_label(self) -> str:
        return self.path if self.path is not None else self.dataset

    def resolved_seeds(self) -> tuple[int, ...]:
        return self.seeds if self.seeds is not None else PROTOCOLS[self.protocol].seeds
