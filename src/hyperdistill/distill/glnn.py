"""GLNN (Zhang et al., ICLR 2022): soft-label distillation of a graph teacher into an MLP.

Paper: "Graph-less Neural Networks: Teaching Old MLPs New Tricks via Distillation",
https://arxiv.org/abs/2110.08727; code: https://github.com/snap-research/graphless-neural-networks.
"""

from __future__ import annotations

from hyperdistill.distill.base import DISTILLERS
from hyperdistill.distill.lighthgnn import LightHGNN


@DISTILLERS.register("glnn")
class GLNN(LightHGNN):
    r"""GLNN's objective, which is LightHGNN's vertex term with the correct KL.

    .. math::
        L = \lambda\, \mathrm{CE}(\text{train}) + (1 - \lambda)\,
            \mathrm{mean}_v \mathrm{KL}(p_v \,\|\, q_v)

    over every vertex the teacher labelled (train, validation and test vertices when transductive, the
    observed ones in the production setting).

    Defaults are those of the GLNN code (``train_student.py``: ``--lamb 0``, no temperature, soft labels
    from the teacher's log-softmax, ``KLDivLoss(log_target=True)``, i.e. the correct KL), used for every
    dataset in ``experiments/glnn_cpf.sh``. They coincide with LightHGNN's (``lamb: 0``, ``tau: 1.0`` in its
    ``trans_config.yaml``), so with the defaults ``glnn`` and ``lighthgnn`` optimise the same loss; ``glnn``
    differs only in always using the correct KL (no ``kl="published"`` switch). ``tau`` is kept as an
    extension (multiplied by ``tau**2`` as in Hinton et al.; GLNN has none, which is ``tau = 1``).

    Deviation: GLNN takes two optimiser steps per epoch over mini-batches, one on the labels weighted by
    ``lam`` and one on the soft labels weighted by ``1 - lam``; here one full-batch step optimises their
    weighted sum (identical for the default ``lam = 0``, up to batching).

    Args:
        lam: Weight of the cross-entropy on true labels (GLNN: 0).
        tau: Distillation temperature (GLNN: none, i.e. 1).
    """

    def __init__(self, lam: float = 0.0, tau: float = 1.0) -> None:
        super().__init__(lam=lam, tau=tau, kl="correct")
