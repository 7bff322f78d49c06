"""Read raw feature rows of new vertices from ``.npy``, ``.npz`` or ``.csv`` files, in chunks.

Files of any size are streamed: ``.npy`` through a memory map, arrays inside ``.npz`` archives by reading
their bytes piecewise from the zip member, CSV a block of lines at a time. A SciPy sparse matrix saved with
``scipy.sparse.save_npz`` is read whole (it is compact) and densified one chunk at a time.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

from hyperdistill.errors import DataError

FEATURE_SUFFIXES = (".npy", ".npz", ".csv", ".tsv", ".txt")
#: Array names tried, in order, in an ``.npz`` archive holding several arrays.
NPZ_KEYS = ("features", "x", "X")


def iter_feature_chunks(
    path: str | Path, chunk_size: int = 65_536, key: str | None = None
) -> Iterator[np.ndarray]:
    """Yield consecutive blocks of feature rows as float32 arrays of at most ``chunk_size`` rows.

    Args:
        path: A ``.npy``, ``.npz`` (dense array or SciPy sparse matrix) or ``.csv``/``.tsv``/``.txt`` file;
            CSV may start with one header line.
        chunk_size: Rows per block.
        key: Array name inside an ``.npz`` holding several arrays.

    Shapes:
        - each block: ``(rows, F)`` float32
    """
    path = Path(path)
    if chunk_size < 1:
        raise DataError(f"chunk_size must be >= 1, got {chunk_size}")
    if not path.is_file():
        raise DataError(f"feature file {path} does not exist; pass a .npy, .npz or .csv file of feature rows")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        blocks = _npy_chunks(path, chunk_size)
    elif suffix == ".npz":
        blocks = _npz_chunks(path, chunk_size, key)
    elif suffix in (".csv", ".tsv", ".txt"):
        blocks = _text_chunks(path, chunk_size)
    else:
        raise DataError(
            f"feature file {path} has unsupported type {suffix or '(none)'}; use one of "
            f"{', '.join(FEATURE_SUFFIXES)}"
        )
    start = 0
    for block in blocks:
        yield _checked(block, path, start)
        start += block.shape[0]


def read_features(path: str | Path, key: str | None = None) -> np.ndarray:
    """The whole feature file as one float32 ``(N, F)`` array (small files; otherwise iterate chunks)."""
    blocks = list(iter_feature_chunks(path, key=key))
    return np.concatenate(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)


def _checked(block: np.ndarray, path: Path, start: int) -> np.ndarray:
    if block.ndim == 1:
        block = block[None, :]
    if block.ndim != 2:
        raise DataError(f"feature file {path} holds a {block.ndim}-D array; expected rows x features")
    if not np.issubdtype(block.dtype, np.number) and block.dtype != np.bool_:
        raise DataError(f"feature file {path} holds {block.dtype} values; expected numbers")
    block = np.require(block, dtype=np.float32, requirements=["C", "W"])  # copies memory-mapped rows
    bad = ~np.isfinite(block).all(axis=1)
    if bad.any():
        row = start + int(np.argmax(bad))
        raise DataError(f"row {row} of {path} (0-based) has NaN or infinite values; fill or drop it")
    return block


def _npy_chunks(path: Path, chunk_size: int) -> Iterator[np.ndarray]:
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise DataError(f"{path} is not a readable .npy array: {exc}") from None
    if array.ndim == 1:
        array = array[None, :]
    for start in range(0, array.shape[0], chunk_size):
        yield np.asarray(array[start : start + chunk_size])


def _npz_chunks(path: Path, chunk_size: int, key: str | None) -> Iterator[np.ndarray]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise DataError(f"{path} is not a valid .npz archive (not a zip file)") from None
    with archive:
        names = [n[:-4] for n in archive.namelist() if n.endswith(".npy")]
        if {"indptr", "indices", "data", "shape", "format"} <= set(names):
            yield from _sparse_chunks(path, chunk_size)
            return
        name = _pick_key(path, names, key)
        with archive.open(name + ".npy") as member:
            yield from _stream_npy(member, path, chunk_size)


def _pick_key(path: Path, names: list[str], key: str | None) -> str:
    if key is not None:
        if key not in names:
            raise DataError(f"{path} has no array {key!r}; it holds {', '.join(names) or 'nothing'}")
        return key
    if len(names) == 1:
        return names[0]
    for candidate in NPZ_KEYS:
        if candidate in names:
            return candidate
    raise DataError(
        f"{path} holds several arrays ({', '.join(names)}) and none is called "
        f"{' or '.join(NPZ_KEYS)}; name the one with the features (--key NAME)"
    )


def _stream_npy(handle: IO[bytes], path: Path, chunk_size: int) -> Iterator[np.ndarray]:
    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(handle)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(handle)
    else:
        raise DataError(f"{path} uses .npy format version {version}; save it with numpy.savez instead")
    if dtype.hasobject:
        raise DataError(f"{path} stores Python objects; save the features as a numeric array")
    if fortran_order or len(shape) != 2:
        # Column-major or 1-D data cannot be streamed by rows; such arrays are read whole.
        yield np.lib.format.read_array(handle, allow_pickle=False).reshape(shape, order="F")
        return
    rows, width = shape
    row_bytes = width * dtype.itemsize
    for start in range(0, rows, chunk_size):
        count = min(chunk_size, rows - start)
        data = handle.read(count * row_bytes)
        if len(data) != count * row_bytes:
            raise DataError(f"{path} is truncated: expected {rows} rows, the data stops near row {start}")
        yield np.frombuffer(data, dtype=dtype).reshape(count, width)


def _sparse_chunks(path: Path, chunk_size: int) -> Iterator[np.ndarray]:
    import scipy.sparse

    matrix = scipy.sparse.load_npz(path).tocsr()
    for start in range(0, matrix.shape[0], chunk_size):
        yield matrix[start : start + chunk_size].toarray()


def _text_chunks(path: Path, chunk_size: int) -> Iterator[np.ndarray]:
    delimiter = "," if path.suffix.lower() == ".csv" else None
    with path.open() as handle:
        first = handle.readline()
        header = _is_header(first, delimiter)
        lines = handle if header else itertools.chain([first], handle)
        line_number = 2 if header else 1
        while block := list(itertools.islice(lines, chunk_size)):
            try:
                rows = np.loadtxt(block, delimiter=delimiter, dtype=np.float32, ndmin=2)
            except ValueError as exc:
                last = line_number + len(block) - 1
                raise DataError(
                    f"{path}, lines {line_number}-{last}: {exc}; every line must hold the same number of "
                    "numeric values"
                ) from None
            line_number += len(block)
            if rows.shape[0]:  # a block of blank lines holds no rows
                yield rows


def _is_header(line: str, delimiter: str | None) -> bool:
    fields = [f.strip() for f in line.split(delimiter)] if line.strip() else []
    try:
        [float(f) for f in fields if f]
    except ValueError:
        return True
    return False
