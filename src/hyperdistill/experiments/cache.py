"""Trained teachers on disk, keyed by what determines them, so a method added later reuses its teacher.

One file per (dataset, teacher, setting, share, protocol, seed, training settings):
``<store>/teachers/<key>.pt`` holds the best state, the logits and hidden representation on the observed
vertices, the logits on every vertex (V_ind from the full structure) and the fit summary. Files are written
atomically and read with ``weights_only=True``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import torch
from torch import Tensor

from hyperdistill.config import RunConfig
from hyperdistill.io import atomic_write
from hyperdistill.run import Prepared, TeacherRun, View, build_teacher
from hyperdistill.train import FitResult


@dataclass
class CachedTeacher:
    """A teacher ready for distillation and its logits on every vertex of the dataset, ``(N, C)``."""

    run: TeacherRun
    all_logits: Tensor


class TeacherCache:
    """Teachers under ``root/teachers``."""

    def __init__(self, root: str | Path) -> None:
        self.directory = Path(root) / "teachers"

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.pt"

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.path(key).is_file()

    def save(self, key: str, teacher: CachedTeacher) -> Path:
        fit = teacher.run.fit
        payload = {
            "state": teacher.run.model.state_dict(),
            "logits": teacher.run.logits,
            "hidden": teacher.run.hidden,
            "all_logits": teacher.all_logits,
            "fit": {"best_epoch": fit.best_epoch, "best_val_acc": fit.best_val_acc, "seconds": fit.seconds},
        }

        def write(handle: IO[bytes]) -> None:
            torch.save(payload, handle)

        return atomic_write(self.path(key), write)

    def load(self, key: str, prepared: Prepared, view: View, config: RunConfig) -> CachedTeacher | None:
        """The cached teacher rebuilt for ``view`` (in eval mode), or None when there is none."""
        if key not in self:
            return None
        payload = torch.load(self.path(key), weights_only=True)
        model = build_teacher(prepared, view, config)
        model.load_state_dict(payload["state"])
        model.eval()
        fit = FitResult(**payload["fit"])
        run = TeacherRun(model, payload["logits"], fit, payload["hidden"])
        return CachedTeacher(run, payload["all_logits"])
