"""Tables of results: mean ± std over seeds, for the terminal (rich) and for markdown documents."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from hyperdistill.results import Summary

PART_ORDER = ("test", "trans", "ind", "prod")


def _cell(summary: Summary | None, scale: float = 100.0) -> str:
    if summary is None:
        return "-"
    return f"{scale * summary.mean:.2f} ± {scale * summary.std:.2f}"


def _index(
    summaries: Sequence[Summary],
) -> tuple[list[tuple[str, str]], list[str], dict[tuple[str, str, str], Summary]]:
    models: list[tuple[str, str]] = []
    parts: list[str] = []
    cells = {}
    for s in summaries:
        if (s.model, s.role) not in models:
            models.append((s.model, s.role))
        if s.part not in parts:
            parts.append(s.part)
        cells[(s.model, s.part, s.metric)] = s
    parts.sort(key=lambda p: PART_ORDER.index(p) if p in PART_ORDER else len(PART_ORDER))
    return models, parts, cells


def _rows(summaries: Sequence[Summary]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: accuracy per part, then macro-F1 and ECE on the main part (test or prod)."""
    models, parts, cells = _index(summaries)
    main = "prod" if "prod" in parts else parts[0]
    header = ["model", *(f"acc {p}" for p in parts), f"macro-F1 {main}", f"ECE {main}"]
    rows = []
    for model, role in models:
        label = f"{model} (teacher)" if role == "teacher" else model
        row = [label, *(_cell(cells.get((model, p, "accuracy"))) for p in parts)]
        row += [_cell(cells.get((model, main, "macro_f1"))), _cell(cells.get((model, main, "ece")))]
        rows.append(row)
    return header, rows


def rich_table(summaries: Sequence[Summary], title: str = "") -> Table:
    """A terminal table of ``summaries`` (percentages, mean ± std over seeds)."""
    header, rows = _rows(summaries)
    table = Table(title=title, title_justify="left")
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def markdown_table(summaries: Sequence[Summary]) -> str:
    """The same table as GitHub markdown."""
    header, rows = _rows(summaries)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def mean_std(mean: float | None, std: float | None, digits: int = 2) -> str:
    """``"72.48 ± 2.09"`` from values already in percent; ``"–"`` when missing."""
    if mean is None:
        return "–"
    return f"{mean:.{digits}f} ± {(std or 0.0):.{digits}f}"


def number(value: float | None, digits: int = 2, signed: bool = False) -> str:
    """A percentage without its std; ``"–"`` when missing."""
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def markdown_rows(header: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 1) -> str:
    """A GitHub markdown table: the first ``text_columns`` columns left-aligned, the rest (numbers) right."""
    rule = ["---"] * text_columns + ["---:"] * (len(header) - text_columns)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
