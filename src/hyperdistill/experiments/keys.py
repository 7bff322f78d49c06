"""Fingerprints of what determines a trained teacher or a student run, so results can be found again.

A key is a hash of the fields that change the outcome, with every hyperparameter resolved to its value
(the component's default where the config leaves it out): ``lighthgnn_plus`` and
``lighthgnn_plus[kl=correct]`` are the same run, and a run whose default changes is redone. Where the data
lives (``data_root``), progress display and the list of sibling methods do not enter the key. A method
without a teacher (the plain MLP) has no teacher fields in its key, so one MLP run serves every teacher.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from typing import Any

from hyperdistill.config import RunConfig
from hyperdistill.models import MLP, TEACHERS
from hyperdistill.run import make_distiller

#: Bumped when the meaning of a stored run changes (a new metric definition, a changed training loop).
KEY_VERSION = 1


def fingerprint(fields: dict[str, Any]) -> str:
    """A 20-hex-digit SHA-256 of the canonical JSON of ``fields``."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def resolved_params(cls: type, given: dict[str, Any]) -> dict[str, Any]:
    """The constructor's keyword defaults of ``cls`` overridden by ``given`` (positional sizes skipped)."""
    params = {
        name: p.default
        for name, p in inspect.signature(cls.__init__).parameters.items()  # type: ignore[misc]
        if name != "self" and p.default is not inspect.Parameter.empty
    }
    return {**params, **given}


def data_fields(config: RunConfig, seed: int) -> dict[str, Any]:
    """What determines the observed data of one seed: dataset, preprocessing, protocol, setting."""
    return {
        "version": KEY_VERSION,
        "dataset": config.dataset if config.path is None else None,
        "path": config.path,
        "format": config.format,
        "dataset_options": config.dataset_options,
        "feature_transform": config.feature_transform,
        "deduplicate": config.deduplicate,
        "protocol": config.protocol,
        "seed": seed,
        "setting": config.setting,
        "inductive_share": config.inductive_share if config.setting == "production" else None,
        "training": {
            "epochs": config.epochs,
            "lr": config.lr,
            "weight_decay": config.weight_decay,
            "patience": config.patience,
        },
    }


def teacher_fields(config: RunConfig, seed: int) -> dict[str, Any]:
    """What determines the trained teacher of one seed."""
    params = resolved_params(TEACHERS.get(config.teacher), config.teacher_params)
    return {**data_fields(config, seed), "teacher": {"name": config.teacher, "params": params}}


def teacher_key(config: RunConfig, seed: int) -> str:
    return fingerprint(teacher_fields(config, seed))


def run_fields(config: RunConfig, seed: int, method: str) -> dict[str, Any]:
    """What determines one student run: its data, its teacher (if it has one), method and student."""
    distiller = make_distiller(method, config)
    base = teacher_fields(config, seed) if distiller.needs_teacher else data_fields(config, seed)
    name, _ = config.method_options(method)
    return {
        **base,
        "method": {"name": name, "params": distiller.hyperparameters()},
        "student": resolved_params(MLP, config.student_params),
    }


def run_key(config: RunConfig, seed: int, method: str) -> str:
    return fingerprint(run_fields(config, seed, method))
