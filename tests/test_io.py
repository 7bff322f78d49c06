"""Atomic writes: the target holds the old or the complete new content, never a half-written file."""

from __future__ import annotations

import os
import stat

import pytest

from hyperdistill.io import atomic_write, write_json, write_text


def test_write_replaces_whole_and_uses_the_usual_mode(tmp_path):
    target = write_text(tmp_path / "out.txt", "old")
    write_json(target, {"new": 1})
    assert target.read_text() == '{\n  "new": 1\n}\n'
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~_umask()


def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_text(tmp_path / "out.txt", "old")

    def explode(handle):
        handle.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, explode)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
