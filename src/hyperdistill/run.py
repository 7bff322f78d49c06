"""Wires the stages together: data -> teacher -> distiller -> student -> evaluation. Nothing else does.

Transductive setting: the teacher sees the whole hypergraph; students distil on every vertex and are scored
on the test vertices from features alone. Production setting: a share r of the test vertices (V_ind) is
removed with its incidences before anything trains; teacher, soft labels, reliability and the hyperedge term
see only the observed part. Scores: *trans* (observed test), *ind* (V_ind: the teacher runs on the full
hypergraph, the student on features only) and *prod* (all test vertices).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from hyperdistill.config import RunConfig
from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.registry import load_dataset, load_path
from hyperdistill.data.splits import get_protocol, hold_out, make_split
from hyperdistill.data.transforms import normalize_features, prepare_structure
from hyperdistill.distill import DISTILLERS, DistillContext, Distiller
from hyperdistill.eval.metrics import accuracy, classification_metrics
from hyperdistill.models import MLP, TEACHERS
from hyperdistill.results import Record, RunResult
from hyperdistill.train import FitResult, TrainConfig, fit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """The dataset after preprocessing: normalised features and the teachers' structure."""

    dataset: HypergraphDataset
    features: Tensor
    hypergraph: Hypergraph


@dataclass(frozen=True)
class View:
    """What training may see for one split: the observed vertices (all of them when transductive).

    ``train`` and ``val`` are positions within ``observed``; ``parts`` maps each scored part to global
    vertex ids.
    """

    observed: Tensor
    features: Tensor
    hypergraph: Hypergraph
    train: Tensor
    val: Tensor
    parts: dict[str, Tensor]


@dataclass
class TeacherRun:
    model: nn.Module
    logits: Tensor  # (len(observed), C), eval mode, best state
    fit: FitResult
    hidden: Tensor | None = None  # (len(observed), H) where the teacher exposes it


@dataclass
class StudentRun:
    model: MLP
    distiller: Distiller
    fit: FitResult


def prepare_data(config: RunConfig) -> Prepared:
    """Load the configured dataset and apply feature and structure preprocessing."""
    if config.path is not None:
        dataset = load_path(config.path, config.format or "", **config.dataset_options)
    else:
        dataset = load_dataset(config.dataset, config.data_root, **config.dataset_options)
    features = normalize_features(dataset.features, config.feature_transform)
    hypergraph = prepare_structure(dataset.hypergraph, deduplicate=config.deduplicate)
    return Prepared(dataset, features, hypergraph)


def make_view(prepared: Prepared, split: Split, config: RunConfig, seed: int) -> View:
    """The observed part of the data for ``split`` under the configured setting."""
    if config.setting == "transductive":
        everything = torch.arange(prepared.dataset.num_nodes)
        return View(
            everything, prepared.features, prepared.hypergraph, split.train, split.val, {"test": split.test}
        )
    observed_test, inductive = hold_out(split, config.inductive_share, seed)
    observed = torch.sort(torch.cat([split.train, split.val, observed_test])).values
    position = torch.full((prepared.dataset.num_nodes,), -1, dtype=torch.long)
    position[observed] = torch.arange(observed.numel())
    hypergraph = prepare_structure(prepared.hypergraph.restrict(observed), deduplicate=False)
    parts = {"trans": observed_test, "ind": inductive, "prod": split.test}
    return View(
        observed, prepared.features[observed], hypergraph, position[split.train], position[split.val], parts
    )


def build_teacher(prepared: Prepared, view: View, config: RunConfig) -> nn.Module:
    """A fresh (untrained) teacher of the configured kind for the observed features of ``view``."""
    return TEACHERS.get(config.teacher)(
        view.features.size(1), prepared.dataset.num_classes, **config.teacher_params
    )


def train_teacher(prepared: Prepared, view: View, config: RunConfig, seed: int) -> TeacherRun:
    """Fit the teacher with cross-entropy on the training vertices of the observed hypergraph."""
    labels = prepared.dataset.labels[view.observed]
    torch.manual_seed(seed)
    model = build_teacher(prepared, view, config)

    def objective(teacher: nn.Module, _: torch.Generator) -> dict[str, Tensor]:
        logits = teacher(view.features, view.hypergraph)
        return {"loss": nn.functional.cross_entropy(logits[view.train], labels[view.train])}

    def validate(teacher: nn.Module) -> float:
        return accuracy(teacher(view.features, view.hypergraph)[view.val], labels[view.val])

    generator = torch.Generator().manual_seed(seed)
    result = fit(model, objective, validate, _train_config(config), generator, f"teacher {config.teacher}")
    with torch.no_grad():
        with_hidden = getattr(model, "forward_with_hidden", None)
        if callable(with_hidden):
            logits, hidden = with_hidden(view.features, view.hypergraph)
        else:
            logits, hidden = model(view.features, view.hypergraph), None
    return TeacherRun(model, logits, result, hidden)


def train_student(
    method: str, prepared: Prepared, view: View, teacher: TeacherRun | None, config: RunConfig, seed: int
) -> StudentRun:
    """Distil the teacher into a fresh MLP with ``method``: a registered name, or a variant with bound
    hyperparameters such as ``lighthgnn_plus[kl=published]`` (:class:`~hyperdistill.config.MethodSpec`)."""
    distiller = make_distiller(method, config)
    labels = prepared.dataset.labels[view.observed]
    context = DistillContext(
        features=view.features,
        train_index=view.train,
        train_labels=labels[view.train],
        num_classes=prepared.dataset.num_classes,
        hypergraph=view.hypergraph,
        teacher_logits=None if teacher is None else teacher.logits,
        teacher=None if teacher is None else _frozen(teacher.model, view.hypergraph),
        teacher_hidden=None if teacher is None else teacher.hidden,
        node_ids=view.observed,
    )
    generator = torch.Generator().manual_seed(seed)
    distiller.prepare(context, generator)
    inputs = distiller.student_inputs(view.features, view.hypergraph)
    torch.manual_seed(seed)
    student = MLP(inputs.size(1), prepared.dataset.num_classes, **config.student_params)

    def validate(model: nn.Module) -> float:
        return accuracy(model(inputs[view.val]), labels[view.val])

    result = fit(
        student,
        distiller.objective,
        validate,
        _train_config(config),
        generator,
        f"student {method}",
        extra_parameters=distiller.extra_parameters(),
    )
    return StudentRun(student, distiller, result)


def run(
    config: RunConfig,
    on_record: Callable[[Record], None] | None = None,
    save_students: str | Path | None = None,
) -> RunResult:
    """Run every seed of the configured experiment and collect one record per (seed, model, part).

    With ``save_students``, the students of the first seed are saved as artifacts in
    ``save_students/<method>`` (ready for ``hyperdistill predict`` and ``hyperdistill export``); methods whose
    student reads more than the vertex features (NOSMOG's position features) are skipped with a warning.
    """
    prepared = prepare_data(config)
    protocol = get_protocol(config.protocol)
    result = RunResult.start(config, prepared.dataset)
    needs_teacher = any(make_distiller(m, config).needs_teacher for m in config.methods)
    for seed in config.resolved_seeds():
        split = make_split(prepared.dataset, protocol, seed)
        view = make_view(prepared, split, config, seed)
        teacher = train_teacher(prepared, view, config, seed) if needs_teacher else None
        records = []
        if teacher is not None:
            logits = teacher_logits(teacher, prepared, view)
            records += score(prepared, view, logits, seed, config.teacher, "teacher", teacher.fit)
        for method in config.methods:
            student = train_student(method, prepared, view, teacher, config, seed)
            logits = student_logits(student, prepared)
            records += score(prepared, view, logits, seed, method, "student", student.fit)
            if save_students is not None and seed == config.resolved_seeds()[0]:
                _save(student, prepared, config, Path(save_students) / method, seed)
        for record in records:
            result.add(record)
            if on_record is not None:
                on_record(record)
    return result.finish()


def _save(student: StudentRun, prepared: Prepared, config: RunConfig, path: Path, seed: int) -> None:
    from hyperdistill.artifact import save_student

    if not student.distiller.reads_features_only:
        log.warning("not saving %s: its student reads more than the vertex features", path.name)
        return
    log.info(
        "saved the %s student (seed %d) to %s",
        path.name,
        seed,
        save_student(student, prepared, config, path, seed),
    )


def make_distiller(method: str, config: RunConfig) -> Distiller:
    """An unprepared distiller for ``method`` (a name or a ``name[key=value,...]`` variant)."""
    name, params = config.method_options(method)
    return DISTILLERS.get(name)(**params)


def student_logits(student: StudentRun, prepared: Prepared) -> Tensor:
    """The student's logits for every vertex, from features alone, ``(N, C)``."""
    with torch.no_grad():
        return student.model(student.distiller.student_inputs(prepared.features, prepared.hypergraph))


def teacher_logits(teacher: TeacherRun, prepared: Prepared, view: View) -> Tensor:
    """Teacher logits for every vertex, ``(N, C)``: observed ones from the observed run, V_ind from the
    full structure (the teacher meets the new vertices with their links)."""
    logits = torch.zeros(prepared.dataset.num_nodes, teacher.logits.size(1))
    logits[view.observed] = teacher.logits
    if "ind" in view.parts:
        with torch.no_grad():
            full = teacher.model(prepared.features, prepared.hypergraph)
        logits[view.parts["ind"]] = full[view.parts["ind"]]
    return logits


def score(
    prepared: Prepared, view: View, logits: Tensor, seed: int, model: str, role: str, fitted: FitResult
) -> list[Record]:
    """One record per scored part of ``view`` (``test``, or ``trans`` / ``ind`` / ``prod``).

    Shapes:
        - logits: ``(N, C)`` for every vertex of the dataset
    """
    labels = prepared.dataset.labels
    return [
        Record(
            seed=seed,
            model=model,
            role=role,
            part=part,
            **classification_metrics(logits[ids], labels[ids]),
            train_seconds=fitted.seconds,
            best_epoch=fitted.best_epoch,
        )
        for part, ids in view.parts.items()
    ]


def _frozen(model: nn.Module, hypergraph: Hypergraph) -> Callable[[Tensor], Tensor]:
    def teacher(features: Tensor) -> Tensor:
        model.eval()
        with torch.no_grad():
            return model(features, hypergraph)

    return teacher


def _train_config(config: RunConfig) -> TrainConfig:
    return TrainConfig(config.epochs, config.lr, config.weight_decay, config.patience, config.progress)
