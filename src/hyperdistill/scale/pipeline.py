"""``distill_large``: the transductive LightHGNN(+) pipeline for hypergraphs of millions of vertices.

Stages (each timed and measured, see :mod:`hyperdistill.scale.memory`):

``prepare``
    row-L1 normalisation in place by chunks; duplicates merged and isolated vertices given a singleton.
``split``
    the configured protocol's split (20 train / 100 validation per class by default).
``teacher_train``
    full-batch sparse or sampled teacher (:mod:`hyperdistill.scale.teacher`).
``teacher_inference``
    soft-label logits for every vertex, dense products by chunks (:mod:`hyperdistill.scale.inference`).
``reliability``
    LightHGNN+ hyperedge reliability under feature noise, by chunks (only when ``beta > 0``).
``student_train``
    the mini-batch student (:mod:`hyperdistill.scale.student`).
``mlp_baseline``
    a plain MLP on the training labels alone, the lower bar.
``evaluate``
    accuracy, macro-F1 and ECE of teacher, student and plain MLP on the test vertices.

Run from Python with a dataset, or from the command line as ``hyperdistill scale``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.splits import get_protocol, make_split
from hyperdistill.data.transforms import prepare_structure
from hyperdistill.eval.metrics import accuracy, classification_metrics
from hyperdistill.models import MLP
from hyperdistill.scale.inference import chunked_logits, chunked_reliability, normalize_rows_, teacher_forward
from hyperdistill.scale.memory import StageLog
from hyperdistill.scale.student import StreamConfig, StreamingKD
from hyperdistill.scale.teacher import TeacherScaleConfig, train_teacher_large
from hyperdistill.train import FitResult, TrainConfig, fit


@dataclass(frozen=True)
class LargeConfig:
    """Everything ``distill_large`` needs besides the data.

    Args:
        teacher: Registered conv-stack teacher (``"hgnn"`` or ``"hgnnp"``).
        teacher_params: Teacher hyperparameters (default: hidden 32, dropout 0.5).
        teacher_epochs: Full-batch epochs, or sampled steps.
        teacher_scale: Full-batch / sampled choice and sampling settings.
        student_params: MLP hyperparameters (default: hidden 128, BatchNorm, dropout 0.5).
        student_steps: Mini-batch steps of the student (each one of ``stream.batch_size`` vertices).
        stream: Mini-batch objective; ``beta > 0`` is LightHGNN+, ``beta = 0`` LightHGNN.
        sigma, num_draws, measure: Reliability settings (LightHGNN+).
        lr, weight_decay: Optimiser settings of every model.
        patience: Early stopping of teacher and plain MLP, in epochs (sampled teacher: steps).
        student_patience: Early stopping of the student, in steps.
        chunk_size: Rows per dense product in inference and reliability.
        protocol: Split protocol name.
        feature_transform: ``"row_l1"`` (in place) or ``"none"``.
        deduplicate: Merge hyperedges with the same vertex set before training.
        baseline: Also train the plain MLP on training labels only.
        seed: Seeds the split, initialisations, dropout and every sampler.
    """

    teacher: str = "hgnn"
    teacher_params: dict[str, Any] = field(default_factory=dict)
    teacher_epochs: int = 200
    teacher_scale: TeacherScaleConfig = field(default_factory=TeacherScaleConfig)
    student_params: dict[str, Any] = field(default_factory=dict)
    student_steps: int = 2000
    stream: StreamConfig = field(default_factory=StreamConfig)
    sigma: float = 1.0
    num_draws: int = 1
    measure: str = "entropy"
    lr: float = 0.01
    weight_decay: float = 5e-4
    patience: int | None = None
    student_patience: int | None = None
    chunk_size: int = 65_536
    protocol: str = "lighthgnn"
    feature_transform: str = "row_l1"
    deduplicate: bool = True
    baseline: bool = True
    seed: int = 0

    @property
    def method(self) -> str:
        return "lighthgnn_plus" if self.stream.beta > 0 else "lighthgnn"

    def train_config(self, epochs: int, patience: int | None = None) -> TrainConfig:
        return TrainConfig(epochs, self.lr, self.weight_decay, patience)


@dataclass
class LargeResult:
    """What ``distill_large`` produced: models, scores, and the cost of each stage."""

    dataset: dict[str, Any]
    config: LargeConfig
    teacher: nn.Module
    student: MLP
    teacher_mode: str
    scores: dict[str, dict[str, float]]
    fits: dict[str, dict[str, float]]
    stages: StageLog

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no weights)."""
        return {
            "dataset": self.dataset,
            "method": self.config.method,
            "teacher": self.config.teacher,
            "teacher_mode": self.teacher_mode,
            "config": _jsonable(asdict(self.config)),
            "scores": self.scores,
            "fits": self.fits,
            "stages": self.stages.to_dict(),
            "peak_rss": self.stages.peak,
            "threads": torch.get_num_threads(),
        }

    def save_student(self, path: str | Path) -> Path:
        """Save the student as a ``hyperdistill predict`` artifact (directory or ``.pt``)."""
        from hyperdistill.artifact import StudentArtifact, artifact_metadata

        metadata = artifact_metadata(
            self.student,
            self.config.feature_transform,
            class_names=[str(c) for c in range(self.student.out_channels)],
            dataset=self.dataset.get("name"),
            method=self.config.method,
            teacher=self.config.teacher,
            teacher_mode=self.teacher_mode,
            seed=self.config.seed,
            setting="transductive",
        )
        return StudentArtifact(self.student.eval(), metadata).save(path)


def distill_large(
    dataset: HypergraphDataset, config: LargeConfig | None = None, stages: StageLog | None = None
) -> LargeResult:
    """Train a teacher on ``dataset`` and distil it into an MLP, memory-bounded (see module docstring).

    With ``feature_transform="row_l1"`` the dataset's feature tensor is normalised **in place** (a copy of
    ``N x F`` is what the scale path avoids); pass a copy to keep the raw features.
    """
    config = config or LargeConfig()
    stages = stages or StageLog()
    seed = config.seed
    with stages.stage("prepare"):
        features = dataset.features
        if config.feature_transform == "row_l1":
            normalize_rows_(features, config.chunk_size)
        hypergraph = prepare_structure(dataset.hypergraph, deduplicate=config.deduplicate)
    labels = dataset.labels
    with stages.stage("split"):
        split = make_split(dataset, get_protocol(config.protocol), seed)
    with stages.stage("teacher_train"):
        teacher, teacher_fit, mode = train_teacher_large(
            config.teacher,
            features,
            hypergraph,
            labels,
            split.train,
            split.val,
            config.train_config(config.teacher_epochs, config.patience),
            config.teacher_scale,
            seed,
            config.teacher_params,
        )
    with stages.stage("teacher_inference"):
        teacher_logits = teacher_forward(teacher, features, hypergraph, config.chunk_size).logits
    reliability = None
    if config.stream.beta > 0:
        with stages.stage("reliability"):
            reliability = chunked_reliability(
                teacher,
                features,
                hypergraph,
                torch.Generator().manual_seed(seed),
                clean_logits=teacher_logits,
                tau=config.stream.tau,
                sigma=config.sigma,
                num_draws=config.num_draws,
                measure=config.measure,
                chunk_size=config.chunk_size,
            )
    with stages.stage("student_train"):
        student, student_fit = train_student_streaming(
            features, labels, split, teacher_logits, hypergraph, reliability, config
        )
    fits = {"teacher": _fit_summary(teacher_fit), "student": _fit_summary(student_fit)}
    baseline = None
    if config.baseline:
        with stages.stage("mlp_baseline"):
            baseline, fits["mlp"] = _plain_mlp(features, labels, split, config)
    with stages.stage("evaluate"):
        scores = _evaluate(features, labels, split.test, teacher_logits, student, baseline, config.chunk_size)
    summary = {**dataset.summary(), "num_edges_prepared": hypergraph.num_edges}
    summary["num_incidences_prepared"] = hypergraph.num_incidences
    return LargeResult(summary, config, teacher, student, mode, scores, fits, stages)


def train_student_streaming(
    features: Tensor,
    labels: Tensor,
    split: Split,
    teacher_logits: Tensor,
    hypergraph: Hypergraph,
    reliability: Tensor | None,
    config: LargeConfig,
) -> tuple[MLP, FitResult]:
    """Distil into a fresh MLP with the mini-batch objective; one loop step per batch.

    Shapes:
        - features: ``(N, F)``; labels: ``(N,)``; teacher_logits: ``(N, C)``; reliability: ``(M,)``
    """
    objective = StreamingKD(config.stream).prepare(
        features, teacher_logits, split.train, labels[split.train], hypergraph, reliability
    )
    torch.manual_seed(config.seed)
    student = MLP(features.size(1), teacher_logits.size(1), **config.student_params)
    val_features, val_labels = features[split.val], labels[split.val]

    def validate(model: nn.Module) -> float:
        return accuracy(model(val_features), val_labels)

    generator = torch.Generator().manual_seed(config.seed)
    train_config = config.train_config(config.student_steps, config.student_patience)
    result = fit(student, objective.objective, validate, train_config, generator, f"student {config.method}")
    return student, result


def _evaluate(
    features: Tensor,
    labels: Tensor,
    test: Tensor,
    teacher_logits: Tensor,
    student: MLP,
    baseline: MLP | None,
    chunk_size: int,
) -> dict[str, dict[str, float]]:
    """Test metrics of teacher, student and plain MLP, and how often the student agrees with the teacher.

    Whole-graph outputs by chunks, then the test rows: ``features[test]`` (nearly N x F) is never copied.
    """
    student_logits = chunked_logits(student, features, chunk_size)[test]
    scores = {
        "teacher": classification_metrics(teacher_logits[test], labels[test]),
        "student": classification_metrics(student_logits, labels[test]),
        "student_teacher_agreement": {"accuracy": accuracy(student_logits, teacher_logits[test].argmax(1))},
    }
    if baseline is not None:
        scores["mlp"] = classification_metrics(
            chunked_logits(baseline, features, chunk_size)[test], labels[test]
        )
    return scores


def _plain_mlp(features: Tensor, labels: Tensor, split: Split, config: LargeConfig) -> tuple[MLP, dict]:
    torch.manual_seed(config.seed)
    model = MLP(features.size(1), int(labels.max()) + 1, **config.student_params)
    train_x, train_y = features[split.train], labels[split.train]
    val_x, val_y = features[split.val], labels[split.val]

    def objective(mlp: nn.Module, _: torch.Generator) -> dict[str, Tensor]:
        return {"loss": nn.functional.cross_entropy(mlp(train_x), train_y)}

    def validate(mlp: nn.Module) -> float:
        return accuracy(mlp(val_x), val_y)

    generator = torch.Generator().manual_seed(config.seed)
    result = fit(
        model,
        objective,
        validate,
        config.train_config(config.teacher_epochs, config.patience),
        generator,
        "mlp",
    )
    return model, _fit_summary(result)


def _fit_summary(result: FitResult) -> dict[str, float]:
    return {
        "best_epoch": result.best_epoch,
        "best_val_acc": result.best_val_acc,
        "epochs_run": len(result.history),
        "seconds": result.seconds,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, str | int | float | bool | None) else repr(value)
