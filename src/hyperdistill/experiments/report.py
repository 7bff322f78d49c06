"""Markdown sections, figures and JSON for the blocks of a grid, from the tables of :mod:`.collect`.

Accuracy and ECE are in percent; a cell is ``mean ± std`` over the seeds found, with ``(k/n)`` when only k
of the n seeds asked for are stored. Averages run over the datasets complete for every model of a table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hyperdistill.eval.report import markdown_rows, mean_std, number
from hyperdistill.experiments.collect import Cell, Table
from hyperdistill.experiments.keys import fingerprint
from hyperdistill.experiments.measure import pool
from hyperdistill.run import make_distiller

NAMES = {
    "hgnn": "HGNN",
    "hgnnp": "HGNN+",
    "hypergcn": "HyperGCN",
    "fast_hypergcn": "FastHyperGCN",
    "unigcn": "UniGCN",
    "unigat": "UniGAT",
    "hnhn": "HNHN",
    "edhnn": "ED-HNN",
    "gcn": "GCN",
    "sage": "GraphSAGE",
    "gat": "GAT",
    "mlp": "MLP",
    "lighthgnn": "LightHGNN",
    "lighthgnn_plus": "LightHGNN+",
    "glnn": "GLNN",
    "krd": "KRD",
    "nosmog": "NOSMOG",
    "nosmog_graph_free": "NOSMOG (graph-free)",
    "cold_brew": "Cold Brew",
    "gcrd": "G-CRD",
}
PARTS = {
    "test": "test vertices",
    "ind": "*ind*: the held-out vertices V_ind (teacher on the full hypergraph, students on features)",
    "prod": "*prod*: all test vertices",
    "trans": "*trans*: the observed test vertices",
}


def display(label: str) -> str:
    return NAMES.get(label, label)


@dataclass(frozen=True)
class Figure:
    """A figure to write beside the page: file name, alt text, and which function of
    :mod:`hyperdistill.eval.plots` draws it from which arguments (plain numbers and strings)."""

    name: str
    alt: str
    plot: str
    args: tuple[Any, ...]

    @property
    def key(self) -> str:
        """Fingerprint of what the figure shows and of the drawing code; unchanged, it needs no redrawing."""
        from hyperdistill.eval import plots

        code = Path(plots.__file__).read_bytes()
        return fingerprint({"plot": self.plot, "args": self.args, "code": hashlib.sha256(code).hexdigest()})

    def draw(self) -> bytes:
        from hyperdistill.eval import plots

        return getattr(plots, self.plot)(*self.args)


def cell_text(cell: Cell, part: str) -> str:
    text = mean_std(cell.mean(part), cell.std(part))
    if cell.runs and not cell.complete:
        text += f" ({len(cell.runs)}/{cell.expected})"
    return text


def _best(table: Table, means: Callable[[str], float | None]) -> float | None:
    values = [v for v in (means(label) for label in table.students) if v is not None]
    return max(values) if values else None


def model_table(table: Table, part: str) -> str:
    """Rows: datasets and their average; columns: accuracy and ECE per model, best student's gaps."""
    header = ["dataset"]
    for label in table.labels:
        name = display(label) + (" (teacher)" if label == table.teacher else "")
        header += [name, "ECE"]
    header += ["best student − teacher", "best student − MLP"]
    rows = []
    for dataset in table.datasets:
        cells = [table.cell(dataset, label) for label in table.labels]
        row = [dataset]
        for cell in cells:
            row += [cell_text(cell, part), number(cell.mean(part, "ece"), 1)]
        best = _best(table, _means_of(table, dataset, part))
        row += [_gap(best, cells[0].mean(part)), _gap(best, _mlp(table, dataset, part))]
        rows.append(row)
    averages = {label: table.average(label, part) for label in table.labels}
    count = next(iter(averages.values()))[1]
    if count:
        row = [f"average ({count} datasets)"]
        for label in table.labels:
            row += [number(averages[label][0]), number(table.average(label, part, "ece")[0], 1)]
        best = _best(table, lambda label: averages[label][0])
        mlp = averages["mlp"][0] if "mlp" in averages else None
        row += [_gap(best, averages[table.labels[0]][0]), _gap(best, mlp)]
        rows.append([f"**{c}**" for c in row])
    return markdown_rows(header, rows)


def _means_of(table: Table, dataset: str, part: str) -> Callable[[str], float | None]:
    def mean(label: str) -> float | None:
        return table.cell(dataset, label).mean(part)

    return mean


def _mlp(table: Table, dataset: str, part: str) -> float | None:
    return table.cell(dataset, "mlp").mean(part) if "mlp" in table.labels else None


def _gap(a: float | None, b: float | None) -> str:
    return number(a - b, signed=True) if a is not None and b is not None else "–"


def variants_table(table: Table, reference: str | None) -> str:
    """Rows: the teacher and each variant; columns: accuracy and ECE per dataset, mean change vs reference."""
    part = table.main_part
    reference = reference or table.labels[1]
    header = ["model"]
    for dataset in table.datasets:
        header += [f"{dataset}", "ECE"]
    header += [f"Δ acc vs {display(reference)}", "Δ ECE"]
    rows = []
    for label in table.labels:
        name = display(label) + (" (teacher)" if label == table.teacher else "")
        row = [name.replace("[", "\\[")]
        deltas: list[tuple[float, float]] = []
        for dataset in table.datasets:
            cell, ref = table.cell(dataset, label), table.cell(dataset, reference)
            row += [cell_text(cell, part), number(cell.mean(part, "ece"), 1)]
            a, b = cell.mean(part), ref.mean(part)
            c, d = cell.mean(part, "ece"), ref.mean(part, "ece")
            if a is not None and b is not None and c is not None and d is not None:
                deltas.append((a - b, c - d))
        if deltas and len(deltas) == len(table.datasets):
            row += [number(sum(d[0] for d in deltas) / len(deltas), signed=True)]
            row += [number(sum(d[1] for d in deltas) / len(deltas), 1, signed=True)]
        else:
            row += ["–", "–"]
        rows.append(row)
    return markdown_rows(header, rows)


def noise_table(table: Table) -> str:
    """Rows: models; columns: noise levels; values: accuracy averaged over the complete datasets."""
    curves = noise_curves(table)
    levels = next((c[0] for c in curves.values() if c), [])
    header = ["model", *(f"noise {level:g}" for level in levels)]
    rows = [[display(label), *(number(v) for v in ys)] for label, (_, ys) in curves.items() if ys]
    return markdown_rows(header, rows) if rows else "_no noise measurements stored yet_"


def noise_curves(table: Table) -> dict[str, tuple[list[float], list[float]]]:
    """Per model: (levels, accuracy averaged over the datasets that have the curve)."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for label in table.labels:
        curves = [table.cell(d, label).noise_curve() for d in table.complete_datasets()]
        present = [c for c in curves if c is not None]
        if not present:
            out[label] = ([], [])
            continue
        levels = present[0][0]
        same = [c[1] for c in present if c[0] == levels]
        out[label] = (levels, [sum(v) / len(v) for v in zip(*same, strict=True)])
    return out


def sweep_values(table: Table, parameter: str) -> dict[str, float]:
    """The swept hyperparameter's value of every student variant (its default where not bound)."""
    config = table.block.config(table.datasets[0], table.teacher, table.setting, table.share)
    out: dict[str, float] = {}
    for label in table.labels[1:]:
        value = make_distiller(label, config).hyperparameters().get(parameter)
        if isinstance(value, int | float):
            out[label] = float(value)
    return out


def figures(table: Table, stem: str) -> list[Figure]:
    """The figures ``table.block`` asks for, named ``{stem}_{kind}.png``."""
    title = f"{table.block.title or table.block.name}: {display(table.teacher)}, {table.setting_label()}"
    makers = {"bars": _bars, "reliability": _reliability, "noise": _noise, "sweep": _sweep}
    made = (makers[kind](table, f"{stem}_{kind}.png", title) for kind in table.block.figures)
    return [figure for figure in made if figure is not None]


def _bars(table: Table, name: str, title: str) -> Figure | None:
    part = table.main_part
    series = {
        display(label): (
            [table.cell(d, label).mean(part) for d in table.datasets],
            [table.cell(d, label).std(part) for d in table.datasets],
        )
        for label in table.labels
    }
    args = (f"{title} ({part})", table.datasets, series)
    return Figure(name, f"accuracy per dataset ({part})", "grouped_bars", args)


def _reliability(table: Table, name: str, title: str) -> Figure | None:
    part, bins = table.main_part, {}
    for label in table.labels:
        stored = [b for d in table.datasets if (b := table.cell(d, label).calibration(part))["count"]]
        if stored:
            bins[display(label)] = pool(stored)
    if not bins:
        return None
    heading = f"{title}: reliability, pooled over datasets and seeds ({part})"
    return Figure(name, "reliability diagrams", "reliability_diagrams", (heading, bins))


def _noise(table: Table, name: str, title: str) -> Figure | None:
    curves = {display(k): v for k, v in noise_curves(table).items() if v[1]}
    if not curves:
        return None
    levels = next(iter(curves.values()))[0]
    series = {k: v[1] for k, v in curves.items()}
    heading = f"{title}: test-time feature noise ({table.main_part})"
    args = (heading, levels, series, "noise level a", "accuracy (%)", True)
    return Figure(name, "accuracy under test-time feature noise", "lines", args)


def _sweep(table: Table, name: str, title: str) -> Figure | None:
    parameter = table.block.parameter
    if parameter is None:
        return None
    values = sweep_values(table, parameter)
    ordered = sorted(values, key=lambda label: values[label])
    xs = [values[label] for label in ordered]
    series = {d: [table.cell(d, label).mean(table.main_part) for label in ordered] for d in table.datasets}
    heading = f"{title}: {parameter} sweep ({table.main_part})"
    if not any(v is not None for ys in series.values() for v in ys):
        return None
    return Figure(name, f"{parameter} sweep", "lines", (heading, xs, series, parameter))


def table_json(table: Table) -> dict[str, Any]:
    """Everything a table shows, per dataset and model: per part and metric the mean, std and values."""
    datasets: dict[str, Any] = {}
    for dataset in table.datasets:
        models: dict[str, Any] = {}
        for label in table.labels:
            cell = table.cell(dataset, label)
            parts = {
                part: {
                    metric: {
                        "mean": _round(cell.mean(part, metric)),
                        "std": _round(cell.std(part, metric)),
                        "values": [round(v, 2) for v in cell.values(part, metric)],
                    }
                    for metric in ("accuracy", "macro_f1", "ece")
                }
                for part in table.parts
            }
            curve = cell.noise_curve()
            models[label] = {
                "role": cell.role,
                "seeds": [run.unit["seed"] for run in cell.runs],
                "expected_seeds": cell.expected,
                "parts": parts,
                "noise": None
                if curve is None
                else {"levels": curve[0], "accuracy": [round(v, 2) for v in curve[1]]},
            }
        datasets[dataset] = models
    return {
        "teacher": table.teacher,
        "setting": table.setting,
        "inductive_share": table.share,
        "protocol": table.block.protocol,
        "datasets": datasets,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def best_table(tables: list[Table], method: str) -> str:
    """Per dataset, over the teachers of ``tables`` (one setting): the best teacher, the best student (any
    method, any teacher), and ``method`` distilled from each teacher; then the averages.

    "Best" is picked on the reported (test) means, so the per-dataset best is an optimistic figure; the
    per-teacher averages below it are the fair comparison (one teacher for every dataset).
    """
    part = tables[0].main_part
    teachers = [t.teacher for t in tables]
    header = [
        "dataset",
        "best teacher",
        "best student",
        *(f"{display(method)} ← {display(t)}" for t in teachers),
    ]
    rows, columns = [], {t: [] for t in teachers}
    complete = complete_in_all(tables)
    for dataset in tables[0].datasets:
        teacher_means = {t.teacher: t.cell(dataset, t.teacher).mean(part) for t in tables}
        student_means = {
            (label, t.teacher): t.cell(dataset, label).mean(part) for t in tables for label in t.students
        }
        row = [dataset, _argmax(teacher_means, display), _argmax(student_means, _student_name)]
        for t in tables:
            value = t.cell(dataset, method).mean(part) if method in t.labels else None
            row.append(cell_text(t.cell(dataset, method), part) if value is not None else "–")
            if dataset in complete and value is not None:
                columns[t.teacher].append(value)
        rows.append(row)
    if complete:
        means = {t: sum(v) / len(v) if len(v) == len(complete) else None for t, v in columns.items()}
        rows.append(
            [
                f"**average ({len(complete)} datasets)**",
                "",
                "",
                *(f"**{number(means[t])}**" for t in teachers),
            ]
        )
    return markdown_rows(header, rows)


def best_summary(tables: list[Table], method: str, baseline: str) -> str:
    """Is ``method`` from a stronger teacher better than from ``baseline``, on average over the datasets?"""
    part = tables[0].main_part
    complete = complete_in_all(tables)
    by_teacher = {t.teacher: t for t in tables if method in t.labels}
    if baseline not in by_teacher or not complete or len(by_teacher) < 2:
        return "_not enough stored runs to compare teachers_"
    values = {
        teacher: [t.cell(d, method).mean(part) or 0.0 for d in complete] for teacher, t in by_teacher.items()
    }
    average = {teacher: sum(v) / len(v) for teacher, v in values.items()}
    base = average[baseline]
    others = {k: v for k, v in average.items() if k != baseline}
    single = max(others, key=lambda k: others[k])
    picked = [max(values[k][i] for k in others) for i in range(len(complete))]
    per_dataset = sum(picked) / len(picked)
    return (
        f"{display(method)} over {len(complete)} datasets ({PARTS[part].split(':')[0]}): from "
        f"{display(baseline)} {base:.2f}; from the best single other teacher, {display(single)}, "
        f"{others[single]:.2f} ({others[single] - base:+.2f}); from the best other teacher per dataset "
        f"(picked on these test means, so optimistic) {per_dataset:.2f} ({per_dataset - base:+.2f})."
    )


def complete_in_all(tables: list[Table]) -> list[str]:
    """The datasets whose cells are complete in every one of ``tables`` (what averages run over)."""
    return [d for d in tables[0].datasets if all(d in t.complete_datasets() for t in tables)]


def _student_name(key: tuple[str, str]) -> str:
    return f"{display(key[0])} ← {display(key[1])}"


def _argmax(means: dict[Any, float | None], name: Callable[[Any], str]) -> str:
    known = {k: v for k, v in means.items() if v is not None}
    if not known:
        return "–"
    best = max(known, key=lambda k: known[k])
    return f"{name(best)} {known[best]:.2f}"
