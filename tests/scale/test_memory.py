"""Per-stage time and peak memory: a stage that allocates shows it in its own peak, not in the next."""

from __future__ import annotations

import numpy as np

from hyperdistill.scale.memory import StageLog, current_rss, peak_rss


def test_stage_peaks_reset_between_stages():
    log = StageLog()
    with log.stage("allocate"):
        block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
        del block
    with log.stage("idle"):
        pass
    allocate, idle = log.records
    assert allocate.seconds >= 0 and allocate.rss_start > 0
    assert peak_rss() >= current_rss() > 0
    if allocate.peak_scope == "stage":  # Linux with a writable /proc/self/clear_refs
        assert allocate.peak_rss - allocate.rss_start >= 60 * 2**20
        assert idle.peak_rss < allocate.peak_rss
    assert set(log.to_dict()) == {"allocate", "idle"} and log.peak == allocate.peak_rss
