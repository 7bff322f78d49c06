"""ONNX export of a student with its preprocessing inside the graph, and running it with onnxruntime.

The graph takes raw features ``features`` ``(batch, F)`` (dynamic batch axis) and returns ``logits`` and
``probabilities`` ``(batch, C)``, so a consumer needs only onnxruntime and numpy::

    import numpy as np, onnxruntime as ort
    session = ort.InferenceSession("student.onnx", providers=["CPUExecutionProvider"])
    logits, probabilities = session.run(None, {"features": rows.astype(np.float32)})

Class names, preprocessing and versions are stored in the model's ``metadata_props``.

Exporter: ``torch.onnx.export(..., dynamo=True)``, the torch.export-based exporter (needs ``onnxscript``).
Torch 2.13 still ships the TorchScript-based exporter (``dynamo=False``) but warns that it will be removed,
so it is not used.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from hyperdistill.errors import DataError
from hyperdistill.export import (
    ExportError,
    ExportModule,
    ParityReport,
    parity_features,
    parity_report,
    reference_outputs,
    write_bytes,
)

if TYPE_CHECKING:
    from hyperdistill.artifact import StudentArtifact

INPUT_NAME = "features"
OUTPUT_NAMES = ("logits", "probabilities")
EXTRA_HINT = "install the export extra: pip install 'hyperdistill[export]'"


def export_onnx(artifact: StudentArtifact, path: str | Path, check: bool = True) -> ParityReport:
    """Write ``artifact`` as an ONNX model at ``path`` and check it against the torch student.

    Args:
        artifact: The student to export.
        path: Output ``.onnx`` file (written atomically, weights embedded).
        check: Run the parity check (onnxruntime vs torch, tolerance 1e-5); raises ExportError on failure.

    Returns:
        The parity report (rows compared, largest differences); with ``check=False`` a report with NaN
        differences.
    """
    onnx = _require("onnx")
    module = ExportModule(artifact.inference_model)
    example = parity_features(artifact.in_channels, rows=4)
    with tempfile.TemporaryDirectory() as tmp, _quiet_exporter():
        raw = Path(tmp) / "student.onnx"
        try:
            program = torch.onnx.export(
                module,
                (example,),
                input_names=[INPUT_NAME],
                output_names=list(OUTPUT_NAMES),
                dynamic_shapes=({0: torch.export.Dim("batch")},),
                dynamo=True,
                external_data=False,
                optimize=False,  # onnxruntime optimises the graph when it loads it; this saves seconds
                verbose=False,
            )
        except Exception as exc:
            raise ExportError(f"ONNX export of the student failed: {type(exc).__name__}: {exc}") from exc
        if program is None:
            raise ExportError(
                "torch.onnx.export returned no program; check the torch and onnxscript versions"
            )
        program.save(str(raw))
        model = onnx.load(str(raw))
    onnx.helper.set_model_props(model, _model_props(artifact))
    path = write_bytes(path, model.SerializeToString())
    if not check:
        nan = float("nan")
        return ParityReport("onnx", str(path), 0, nan, nan, nan)
    return check_onnx(artifact, path)


def check_onnx(artifact: StudentArtifact, path: str | Path) -> ParityReport:
    """Compare an ONNX file with the artifact's torch student on test rows (batch 1 and a full batch)."""
    features = parity_features(artifact.in_channels)
    reference = reference_outputs(artifact.student, artifact.preprocessing, features)
    session = onnx_session(path)
    full = run_onnx(session, features.numpy())
    single = [run_onnx(session, features[i : i + 1].numpy()) for i in (0, features.size(0) - 1)]
    logits = np.concatenate([full[0], *(s[0] for s in single)])
    proba = np.concatenate([full[1], *(s[1] for s in single)])
    ref_rows = torch.cat([torch.arange(features.size(0)), torch.tensor([0, features.size(0) - 1])])
    return parity_report("onnx", str(path), (reference[0][ref_rows], reference[1][ref_rows]), (logits, proba))


def onnx_session(
    path: str | Path, threads: int | None = None, memory_arena: bool = True, spinning: bool = True
) -> Any:
    """An onnxruntime CPU session for ``path``.

    Args:
        path: The ``.onnx`` file.
        threads: Intra-op threads (None: onnxruntime's choice, one per core).
        memory_arena: Keep onnxruntime's CPU memory arena (off to measure each call's own allocations).
        spinning: Let idle worker threads spin between runs (off when other work shares the cores).
    """
    ort = _require("onnxruntime")
    path = Path(path)
    if not path.is_file():
        raise DataError(f"ONNX model {path} does not exist; create it with `hyperdistill export`")
    options = ort.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = memory_arena
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise DataError(f"{path} is not a loadable ONNX model: {exc}") from None


def run_onnx(session: Any, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(logits, probabilities)`` of an ONNX student for raw feature rows.

    Shapes:
        - features: ``(B, F)``; outputs ``(B, C)`` each
    """
    expected = session.get_inputs()[0].shape[1]
    if features.ndim != 2 or (isinstance(expected, int) and features.shape[1] != expected):
        width = features.shape[1] if features.ndim == 2 else features.shape
        raise DataError(f"the model expects {expected} features per vertex, the input has {width} columns")
    logits, proba = session.run(None, {INPUT_NAME: np.ascontiguousarray(features, dtype=np.float32)})
    return logits, proba


def onnx_metadata(session: Any) -> dict[str, str]:
    """The ``metadata_props`` stored at export (class names as JSON, preprocessing, versions)."""
    return dict(session.get_modelmeta().custom_metadata_map)


def _model_props(artifact: StudentArtifact) -> dict[str, str]:
    import json

    meta = artifact.metadata
    return {
        "hyperdistill.class_names": json.dumps(artifact.class_names),
        "hyperdistill.preprocessing": artifact.preprocessing,
        "hyperdistill.package_version": str(meta.get("package_version")),
        "hyperdistill.dataset": str(meta.get("dataset")),
        "hyperdistill.method": str(meta.get("method")),
    }


def _require(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError:
        raise ExportError(f"ONNX support needs the {name} package; {EXTRA_HINT}") from None


@contextlib.contextmanager
def _quiet_exporter() -> Iterator[None]:
    """Silence the exporter's progress lines and warnings about unrelated optional packages."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
