"""A restricted unpickler for the dataset pickles (HyperGCN and Planetoid files).

``pickle.load`` runs whatever callable a file names, so a tampered dataset file could execute code on load.
:class:`RestrictedUnpickler` resolves only an explicit allow-list of globals: numpy arrays, dtypes and
scalars, scipy sparse matrices and builtin containers. It also maps the old module paths these files use
(``scipy.sparse.csr``, ``numpy.core.multiarray``) to their current homes directly, so loading emits no
DeprecationWarning and keeps working once the old paths are removed.
"""

from __future__ import annotations

import codecs
import collections
import functools
import pickle
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from hyperdistill.errors import DataError

try:  # numpy >= 2 keeps the array internals in numpy._core; importing numpy.core would warn there.
    from numpy._core import multiarray as _multiarray
    from numpy._core import numeric as _numeric
except ImportError:  # numpy 1.x
    from numpy.core import multiarray as _multiarray  # type: ignore[no-redef]
    from numpy.core import numeric as _numeric  # type: ignore[no-redef]

#: Exceptions that mean "this file is damaged", whatever library raised them.
CORRUPT_ERRORS: tuple[type[Exception], ...] = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    struct.error,
    zlib.error,
    OverflowError,
)
_LOAD_ERRORS: tuple[type[Exception], ...] = (OSError, *CORRUPT_ERRORS)


@functools.cache
def allowed_globals() -> dict[tuple[str, str], Any]:
    """The ``(module, name) -> object`` map the unpickler accepts, old and new module paths alike."""
    allowed: dict[tuple[str, str], Any] = {}
    for module in ("builtins", "__builtin__"):  # Python 3 and Python 2 spellings
        for kind in (list, dict, set, frozenset, tuple, int, float, complex, str, bytes, bytearray, bool):
            allowed[(module, kind.__name__)] = kind
    allowed[("collections", "defaultdict")] = collections.defaultdict
    allowed[("collections", "OrderedDict")] = collections.OrderedDict
    allowed[("_codecs", "encode")] = codecs.encode  # how Python 3 writes bytes in protocol-2 pickles
    allowed[("numpy", "ndarray")] = np.ndarray
    allowed[("numpy", "dtype")] = np.dtype
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(module, "_reconstruct")] = _multiarray._reconstruct
        allowed[(module, "scalar")] = _multiarray.scalar
    for module in ("numpy.core.numeric", "numpy._core.numeric"):
        allowed[(module, "_frombuffer")] = getattr(_numeric, "_frombuffer")  # noqa: B009
    for fmt in ("csr", "csc", "coo"):
        for cls_name in (f"{fmt}_matrix", f"{fmt}_array"):
            cls = getattr(sp, cls_name, None)
            if cls is None:
                continue
            for module in ("scipy.sparse", f"scipy.sparse.{fmt}", f"scipy.sparse._{fmt}"):
                allowed[(module, cls_name)] = cls
    return allowed


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that refuses every global outside :func:`allowed_globals`.

    Args:
        file: Binary file object to read from.
        path: The file's path, named in error messages.
        encoding: How Python 2 ``str`` objects are decoded; ``"latin1"`` keeps the raw bytes that Python 2
            numpy arrays (the Planetoid pickles) are stored as.
    """

    def __init__(self, file: Any, path: Path, encoding: str = "latin1") -> None:
        super().__init__(file, encoding=encoding)
        self.path = path

    def find_class(self, module: str, name: str) -> Any:
        try:
            return allowed_globals()[(module, name)]
        except KeyError:
            raise DataError(
                f"{self.path}: refused to unpickle the global {module}.{name}; dataset pickles may only "
                "hold numpy arrays, scipy sparse matrices and builtin containers. The file is not a dataset "
                "file hyperdistill can read (it may have been tampered with): replace it with the original"
            ) from None


def load_pickle(path: Path, encoding: str = "latin1") -> Any:
    """Unpickle ``path`` with :class:`RestrictedUnpickler`.

    ``latin1`` (the default) is what numpy recommends for Python 2 pickles; it changes nothing for pickles
    written by Python 3.

    Raises:
        DataError: The file is missing, truncated or corrupt, or names a global outside the allow-list.
    """
    try:
        with open(path, "rb") as file:
            return RestrictedUnpickler(file, path, encoding=encoding).load()
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError(f"{path} does not exist; copy the dataset's files into {path.parent}") from None
    except _LOAD_ERRORS as exc:
        raise DataError(
            f"{path} is truncated or corrupt and could not be unpickled ({type(exc).__name__}: {exc}); "
            "re-copy it from its source (shared/data/SHA256SUMS has the benchmark files' checksums)"
        ) from exc
