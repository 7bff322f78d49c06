"""Vectorised parsing of whitespace / comma separated text files, with line numbers for every token.

The whole file is split at once (``bytes.split``) and each token's 1-based line number is computed from the
newline positions with numpy, so no Python loop runs over lines or vertices; only when a token fails to
convert is there a loop, over the tokens, to find the first bad one and name its line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hyperdistill.errors import DataError

_WHITESPACE = np.frombuffer(b" \t\n\r\x0b\x0c", dtype=np.uint8)  # what bytes.split() splits on
_COMMENT = re.compile(rb"#[^\n]*")


@dataclass(frozen=True)
class Tokens:
    """The tokens of a text file and where they are.

    Args:
        path: The file (for messages).
        tokens: Raw tokens, ``(T,)`` bytes array.
        line: 1-based line number of each token, ``(T,)`` int64.
        comma_lines: Lines that held a comma (when commas are separators), sorted, with repeats.

    Shapes:
        - tokens, line: ``(T,)``
    """

    path: Path
    tokens: np.ndarray
    line: np.ndarray
    comma_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Line number and token count of every non-empty line, each ``(R,)``, in file order."""
        # Token lines never decrease (and start at 1), so rows start wherever the line number changes.
        starts = np.flatnonzero(np.diff(self.line, prepend=0))
        counts = np.diff(np.append(starts, self.line.size))
        return self.line[starts], counts

    def ints(self) -> np.ndarray:
        """All tokens as int64, ``(T,)``; a DataError names the line of the first non-integer."""
        return self._convert(np.int64, "an integer")

    def floats(self) -> np.ndarray:
        """All tokens as float64, ``(T,)``; a DataError names the line of the first non-number or NaN."""
        values = self._convert(np.float64, "a number")
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(
                f"{self.path}, line {int(self.line[bad[0]])}: value {self._show(bad[0])} is NaN or infinite "
                f"({bad.size} such value(s) in the file); fill in the missing values before loading"
            )
        return values

    def error(self, token: int, message: str) -> DataError:
        """A DataError that names the file and the line of token number ``token``."""
        return DataError(f"{self.path}, line {int(self.line[token])}: {message}")

    def _convert(self, dtype: type, what: str) -> np.ndarray:
        try:
            return self.tokens.astype(dtype) if self.tokens.size else np.zeros(0, dtype=dtype)
        except (ValueError, OverflowError):
            for i, token in enumerate(self.tokens.tolist()):  # error path only: find the culprit
                try:
                    dtype(token.decode("latin1"))
                except (ValueError, OverflowError):
                    raise self.error(i, f"{self._show(i)} is not {what}") from None
            raise

    def _show(self, token: int) -> str:
        return repr(self.tokens[token].decode("utf-8", "replace"))


def read_bytes(path: Path) -> bytes:
    """The raw bytes of ``path``, with a DataError (not an OSError) when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path} does not exist; copy the dataset's files into {path.parent}") from None
    except OSError as exc:
        raise DataError(f"{path} could not be read ({exc}); check the file's permissions") from exc


def read_lines(path: Path) -> list[str]:
    """The stripped lines of a UTF-8 text file (names, one per line), trailing blank lines dropped."""
    lines = [line.strip() for line in read_bytes(path).decode("utf-8", "replace").splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def tokenize(path: Path, commas: bool = False, comments: bool = False) -> Tokens:
    """Split a text file into tokens with their line numbers.

    Args:
        path: The file.
        commas: Treat commas as separators too.
        comments: Drop ``#`` and everything after it on a line.
    """
    data = read_bytes(path)
    if data.startswith(codecs.BOM_UTF8):  # spreadsheet exports often start with one
        data = data[len(codecs.BOM_UTF8) :]
    if comments and b"#" in data:
        data = _COMMENT.sub(b"", data)  # keeps the newlines, so line numbers do not move
    if not data.strip():
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(path, np.zeros(0, dtype=np.bytes_), empty, empty)
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    comma_lines = np.zeros(0, dtype=np.int64)
    if commas and b"," in data:
        commas_at = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord(","))
        comma_lines = np.searchsorted(newlines, commas_at).astype(np.int64) + 1
        data = data.replace(b",", b" ")
    tokens = np.array(data.split(), dtype=np.bytes_)
    is_space = np.isin(np.frombuffer(data, dtype=np.uint8), _WHITESPACE)
    starts = np.flatnonzero(~is_space & np.concatenate([[True], is_space[:-1]]))
    line = np.searchsorted(newlines, starts) + 1
    return Tokens(path, tokens, line.astype(np.int64), comma_lines)


def read_table(path: Path, comments: bool = False, commas: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A rectangular table of numbers; every non-empty line must have the same number of columns.

    Returns:
        ``(values, lines)``: values ``(R, K)`` float64 (all finite) and each row's 1-based line ``(R,)``.
    """
    tokens = tokenize(path, commas=commas, comments=comments)
    lines, counts = tokens.rows()
    if lines.size == 0:
        raise DataError(f"{path} is empty; it needs one row per vertex")
    bad = np.flatnonzero(counts != counts[0])
    if bad.size:
        raise DataError(
            f"{path}, line {int(lines[bad[0]])}: {int(counts[bad[0]])} columns, but line {int(lines[0])} "
            f"has {int(counts[0])}; every row needs the same number of columns (is the file cut short?)"
        )
    return tokens.floats().reshape(lines.size, int(counts[0])), lines
