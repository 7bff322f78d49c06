"""The structure-free student: an MLP that sees a vertex's features and nothing else."""

from __future__ import annotations

from torch import Tensor, nn


class MLP(nn.Module):
    """``Linear -> BatchNorm -> ReLU -> Dropout`` blocks and a final Linear (GLNN / LightHGNN student).

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the hidden layers.
        num_layers: Number of linear layers (>= 1).
        dropout: Dropout probability after every hidden layer.
        batch_norm: Whether hidden layers are batch-normalised.

    Shapes:
        - x: ``(B, in_channels)``
        - output: ``(B, out_channels)`` logits
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 128,
        num_layers: int = 2,
        dropout: float = 0.5,
        batch_norm: bool = True,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        layers: list[nn.Module] = []
        width = in_channels
        for _ in range(num_layers - 1):
            layers.append(nn.Linear(width, hidden_channels))
            if batch_norm:
                layers.append(nn.BatchNorm1d(hidden_channels))
            layers += [nn.ReLU(), nn.Dropout(dropout)]
            width = hidden_channels
        layers.append(nn.Linear(width, out_channels))
        self.layers = nn.Sequential(*layers)

    def reset_parameters(self) -> None:
        for layer in self.layers:
            if hasattr(layer, "reset_parameters"):
                layer.reset_parameters()

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)

    def forward_with_hidden(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Logits and the last hidden representation (input of the final Linear), for representation KD.

        Shapes:
            - output: ``(B, out_channels)`` and ``(B, hidden_channels)``
        """
        hidden = self.layers[:-1](x)
        return self.layers[-1](hidden), hidden
