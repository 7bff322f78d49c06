"""Splits and protocols: per-class train/validation counts, seeds, and the production hold-out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Protocol:
    """How splits are drawn: per class ``num_train`` train and ``num_val`` validation vertices, the rest
    test, redrawn for each seed; or the dataset's own fixed splits (``fixed=True``)."""

    name: str
    num_train: int = 20
    num_val: int = 100
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    fixed: bool = False


PROTOCOLS: dict[str, Protocol] = {
    "lighthgnn": Protocol("lighthgnn", 20, 100, (0, 1, 2, 3, 4)),
    "glnn": Protocol("glnn", 20, 30, tuple(range(10))),
    "fixed": Protocol("fixed", fixed=True),
}


def get_protocol(name: str) -> Protocol:
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ConfigError(f"unknown protocol {name!r}; choose one of {', '.join(PROTOCOLS)}") from None


def split_per_class(labels: Tensor, num_train: int, num_val: int, seed: int) -> Split:
    """Draw ``num_train`` train and ``num_val`` validation vertices per class; the rest is test.

    A class too small for both keeps at least one test vertex: it gives half of its vertices (at least one)
    to train and up to half of the rest to validation, and a warning says so (e.g. zoo's classes of 4).

    Shapes:
        - labels: ``(N,)``; the split's index tensors are int64 vertex ids.
    """
    rng = np.random.default_rng(seed)
    y = labels.numpy()
    train, val = [], []
    for cls in np.unique(y):
        members = rng.permutation(np.nonzero(y == cls)[0])
        n_train, n_val = num_train, num_val
        if members.size <= num_train + num_val:
            n_train = min(num_train, max(1, members.size // 2))
            n_val = min(num_val, (members.size - n_train) // 2)
            log.warning(
                "class %d has only %d vertices: using %d train / %d validation",
                cls,
                members.size,
                n_train,
                n_val,
            )
        train.append(members[:n_train])
        val.append(members[n_train : n_train + n_val])
    train_ids = np.sort(np.concatenate(train))
    val_ids = np.sort(np.concatenate(val))
    test_mask = np.ones(y.size, dtype=bool)
    test_mask[train_ids] = False
    test_mask[val_ids] = False
    return Split(
        torch.from_numpy(train_ids), torch.from_numpy(val_ids), torch.from_numpy(np.nonzero(test_mask)[0])
    )


def make_split(dataset: HypergraphDataset, protocol: Protocol, seed: int) -> Split:
    """The split of ``dataset`` for one seed under ``protocol``."""
    if not protocol.fixed:
        return split_per_class(dataset.labels, protocol.num_train, protocol.num_val, seed)
    if not dataset.splits:
        raise ConfigError(
            f"dataset {dataset.name!r} ships no fixed splits; use protocol 'lighthgnn' or 'glnn'"
        )
    split = dataset.splits[seed % len(dataset.splits)]
    if split.val.numel() == 0:
        raise ConfigError(
            f"the fixed splits of {dataset.name!r} have no validation set, which model selection needs; "
            "use protocol 'lighthgnn' or 'glnn'"
        )
    return split


def hold_out(split: Split, share: float, seed: int) -> tuple[Tensor, Tensor]:
    """Production setting: pick ``share`` of the test vertices as unseen (V_ind).

    Returns:
        ``(observed_test, inductive_test)`` vertex ids, disjoint, together the test set.
    """
    if not 0.0 < share < 1.0:
        raise ConfigError(f"the inductive share r must be in (0, 1), got {share}")
    rng = np.random.default_rng(seed + 10_000)
    test = split.test.numpy()
    chosen = rng.permutation(test.size)[: round(share * test.size)]
    mask = np.zeros(test.size, dtype=bool)
    mask[chosen] = True
    return torch.from_numpy(np.sort(test[~mask])), torch.from_numpy(np.sort(test[mask]))
