"""Scale: memory-bounded distillation for hypergraphs of millions of vertices, and batch inference on Ray.

* :func:`distill_large` runs teacher, soft labels, reliability and a mini-batch student end to end with
  per-stage time and peak memory (:mod:`~hyperdistill.scale.pipeline`);
* :mod:`~hyperdistill.scale.inference`: teacher outputs and reliability with dense work in vertex chunks;
* :mod:`~hyperdistill.scale.teacher`: full-batch sparse or neighbourhood-sampled teacher training;
* :mod:`~hyperdistill.scale.student`: the streaming LightHGNN / LightHGNN+ objective;
* :mod:`~hyperdistill.scale.ray_predict`: exported students over a directory of feature shards with Ray
  Data (optional ``ray`` extra, imported only when used).
"""

from hyperdistill.scale.inference import (
    TeacherOutputs,
    chunked_logits,
    chunked_reliability,
    normalize_rows_,
    teacher_forward,
)
from hyperdistill.scale.memory import StageLog, StageRecord
from hyperdistill.scale.pipeline import LargeConfig, LargeResult, distill_large, train_student_streaming
from hyperdistill.scale.student import StreamConfig, StreamingKD
from hyperdistill.scale.teacher import (
    HyperedgeNeighbourSampler,
    TeacherScaleConfig,
    full_batch_bytes,
    train_teacher_large,
)

__all__ = [
    "HyperedgeNeighbourSampler",
    "LargeConfig",
    "LargeResult",
    "StageLog",
    "StageRecord",
    "StreamConfig",
    "StreamingKD",
    "TeacherOutputs",
    "TeacherScaleConfig",
    "chunked_logits",
    "chunked_reliability",
    "distill_large",
    "full_batch_bytes",
    "normalize_rows_",
    "teacher_forward",
    "train_student_streaming",
    "train_teacher_large",
]
