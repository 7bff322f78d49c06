"""The HGNN and HGNN+ teachers of LightHGNN: two convolutions, hidden 32, ReLU and dropout 0.5."""

from __future__ import annotations

from hyperdistill.models.registry import TEACHERS
from hyperdistill.models.stack import ConvStack
from hyperdistill.nn.conv import HGNNConv, HGNNPConv


@TEACHERS.register("hgnn")
class HGNN(ConvStack):
    """HGNN (Feng et al. 2019): a stack of :class:`HGNNConv`. See :class:`ConvStack` for arguments."""

    conv = HGNNConv


@TEACHERS.register("hgnnp")
class HGNNP(ConvStack):
    """HGNN+ (Gao et al. 2022): a stack of :class:`HGNNPConv`. See :class:`ConvStack` for arguments."""

    conv = HGNNPConv
