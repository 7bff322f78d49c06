"""docs/results.md, its figures and JSON, rendered from a grid and its record store (no training here).

The page opens with the project's bars judged on the stored runs, says what was run (and, given the full
grid, what was not), then shows every block, the published reference figures with their protocols, and
the notes file of the grid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from hyperdistill.eval.report import markdown_rows
from hyperdistill.experiments.collect import Table, collect
from hyperdistill.experiments.coverage import status
from hyperdistill.experiments.grid import Block, Grid
from hyperdistill.experiments.published import GLNN_PROTOCOL, PUBLISHED, REFERENCE_TEXT
from hyperdistill.experiments.report import (
    PARTS,
    Figure,
    best_summary,
    best_table,
    cell_text,
    display,
    figures,
    model_table,
    noise_table,
    table_json,
    variants_table,
)
from hyperdistill.experiments.store import RecordStore
from hyperdistill.io import atomic_write, write_json, write_text

COMMAND = "python benchmarks/results.py"


def render(grid: Grid, store: RecordStore, docs: Path, full: Grid | None = None) -> list[Path]:
    """Write ``results.md``, ``results_grid.json``, the first-schema ``results.json`` and the figures.

    A figure whose inputs did not change since it was drawn (fingerprints kept in the store) is not redrawn.
    """
    tables = {block.name: collect(grid, store, block) for block in grid.block}
    sections, data, figs = [], {}, []
    for block in grid.block:
        text, made = block_section(block, tables[block.name])
        sections.append(text)
        figs += made
        data[block.name] = {
            "kind": block.kind,
            "title": block.title,
            "tables": [table_json(t) for t in tables[block.name]],
        }
    written = _figures(figs, docs, store.root / "figures.json")
    page = "\n".join(
        [
            header(grid),
            bars(tables, grid),
            status(grid, store, tables, full),
            *sections,
            _reference(),
            notes(grid),
        ]
    )
    written.append(write_text(docs / "results.md", page.rstrip() + "\n"))
    summary = {"grid": grid.name, "command": COMMAND, "blocks": data}
    written.append(write_json(docs / "results_grid.json", summary))
    written.append(write_json(docs / "results.json", legacy_json(tables)))
    return written


def _figures(figs: list[Figure], docs: Path, index: Path) -> list[Path]:
    """Draw the figures whose inputs changed (or whose file is missing); returns the files written."""
    drawn: dict[str, str] = json.loads(index.read_text()) if index.exists() else {}
    written = []
    for figure in figs:
        path = docs / figure.name
        if drawn.get(str(path.resolve())) != figure.key or not path.exists():
            written.append(_write_png(path, figure.draw()))
            drawn[str(path.resolve())] = figure.key
    write_json(index, drawn)
    return written


def _write_png(path: Path, data: bytes) -> Path:
    def write(handle: IO[bytes]) -> None:
        handle.write(data)

    return atomic_write(path, write)


def header(grid: Grid) -> str:
    return f"""# Results

Regenerate with `{COMMAND}` (grid `experiments/{grid.name}.toml`; finished runs are kept in `{grid.store}/`
and never redone, so a second call only re-renders; delete that folder to start from scratch). Rendered
from [`results_grid.json`](results_grid.json); [`results.json`](results.json) keeps the transductive HGNN
table in its first schema.

Accuracy and expected calibration error (ECE, 15 equal-width bins) in %, mean ± std over seeds; ECE is the
mean over seeds. A cell marked `(k/n)` has k of its n seeds stored. Splits: `lighthgnn` protocol (20 train
/ 100 validation per class, the rest test, seeds 0-4) unless a table says `glnn` (20 / 30, seeds 0-9).
Teachers: 2 layers, hidden 32; students: MLP 2 layers, hidden 128; Adam lr 0.01, weight decay 5e-4, 200
epochs, best validation epoch; row-L1 features; CPU, deterministic per seed. LightHGNN = soft-label KD
(lambda 0, tau 1), LightHGNN+ adds the hyperedge term on reliability-sampled hyperedges (beta 1); both
with the correct KL unless marked `kl=published`.
"""


def bars(tables: dict[str, list[Table]], grid: Grid) -> str:
    """The project's bars (docs/method.md section 6), judged on every table of a block with ``checks``."""
    lines = ["## The bars", ""]
    for block in grid.block:
        if not block.checks:
            continue
        for table in tables[block.name]:
            lines += _judge(table)
    if len(lines) == 2:
        lines.append("_no block is marked for checks_")
    return "\n".join(lines) + "\n"


def _judge(table: Table) -> list[str]:
    part = table.parts[0]  # test, or ind in the production setting
    averages = {label: table.average(label, part)[0] for label in table.labels}
    count = table.average(table.teacher, part)[1]
    students = {k: v for k in table.students if (v := averages[k]) is not None}
    teacher, mlp = averages[table.teacher], averages.get("mlp")
    where = f"{display(table.teacher)} teacher, {table.setting_label()}"
    where += f", {count} of {len(table.datasets)} datasets"
    if not students or teacher is None:
        return [f"- {where}: not enough stored runs to judge.", ""]
    best = max(students, key=lambda k: students[k])
    value = students[best]
    lines = [f"- **{where}** ({part}); best student on average: {display(best)} {value:.2f}"]
    lines[0] += f", teacher {teacher:.2f}."
    gap = value - teacher
    if table.setting == "transductive":
        lines.append(f"  - student at or above the teacher: {gap:+.2f} points, {_verdict(gap >= 0)}")
        if mlp is not None:
            above = value - mlp
            lines.append(f"  - at least 16 points above the plain MLP ({mlp:.2f}): {above:+.2f}, ")
            lines[-1] += _verdict(above >= 16)
            if above < 16:
                lines += _mlp_evidence(table, teacher - mlp, gap)
    else:
        lines.append(f"  - *ind* within 2 points of the teacher: {gap:+.2f}, {_verdict(gap >= -2)}")
        if gap < -2:
            lines += _ind_evidence(table, best)
    if count < len(table.datasets):
        missing = [d for d in table.datasets if d not in table.complete_datasets()]
        lines.append(f"  - not yet complete (left out of the average): {', '.join(missing)}")
    return [*lines, ""]


def _mlp_evidence(table: Table, margin: float, gain: float) -> list[str]:
    """Why the margin over the MLP falls short: it is the teacher's own margin plus the student's gain."""
    small = []
    for d in table.complete_datasets():
        t, m = table.cell(d, table.teacher).mean("test"), table.cell(d, "mlp").mean("test")
        if t is not None and m is not None and t - m < 16:
            small.append(f"{d} {t - m:+.1f}")
    return [
        f"  - evidence: the student's margin over the MLP is the teacher's own margin ({margin:+.2f} on "
        f"average) plus the student's gain over the teacher ({gain:+.2f}); the teacher is less than 16 "
        f"points above the MLP on {', '.join(small) or 'no dataset'}."
    ]


def _ind_evidence(table: Table, best: str) -> list[str]:
    """Why *ind* falls short: the student's drop from the vertices it was distilled on to unseen ones."""
    t_trans, t_ind = table.average(table.teacher, "trans")[0], table.average(table.teacher, "ind")[0]
    s_trans, s_ind = table.average(best, "trans")[0], table.average(best, "ind")[0]
    if t_trans is None or t_ind is None or s_trans is None or s_ind is None:
        return []
    return [
        f"  - evidence: from the observed test vertices (*trans*) to the held-out ones (*ind*) the student "
        f"goes {s_trans:.2f} -> {s_ind:.2f} ({s_ind - s_trans:+.2f}; it was distilled on the former and "
        f"never saw the latter) while the teacher, which meets V_ind with their links, goes "
        f"{t_trans:.2f} -> {t_ind:.2f} ({t_ind - t_trans:+.2f})."
    ]


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def block_section(block: Block, tables: list[Table]) -> tuple[str, list[Figure]]:
    lines = [f"## {block.title or block.name}", ""]
    if block.description:
        lines += [block.description.strip(), ""]
    figs: list[Figure] = []
    if block.kind == "best":
        return "\n".join(lines + best_sections(block, tables)), figs
    for table in tables:
        stem = f"results_{block.name}_{table.teacher}_" + (
            "trans" if table.share is None else f"r{table.share:g}"
        )
        # A reference table has every setting's columns: name them all.
        tabled = tables if block.kind == "reference" else [table]
        settings = " and ".join(dict.fromkeys(t.setting_label() for t in tabled))
        lines += [f"### {display(table.teacher)} teacher, {settings}, {block.protocol} protocol", ""]
        if block.kind == "table":
            for part in table.parts:
                if len(table.parts) > 1:
                    lines += [f"Accuracy on {PARTS[part]}.", ""]
                lines += [model_table(table, part), ""]
        elif block.kind == "variants":
            lines += [variants_table(table, block.reference), ""]
        elif block.kind == "robustness":
            lines += [_noise_text(table), "", noise_table(table), ""]
        else:
            lines += [reference_table(tables, table), ""]
        made = figures(table, stem)
        lines += [f"![{f.alt}]({f.name})" for f in made] + ([""] if made else [])
        figs += made
        if block.kind == "reference":
            break
    return "\n".join(lines), figs


def best_sections(block: Block, tables: list[Table]) -> list[str]:
    """One table per setting: best teacher and student per dataset, the compared method per teacher."""
    method = block.methods[0]
    baseline = block.reference or block.teachers[0]
    groups: dict[tuple[str, float | None], list[Table]] = {}
    for table in tables:
        groups.setdefault((table.setting, table.share), []).append(table)
    lines: list[str] = []
    for group in groups.values():
        first = group[0]
        lines += [f"### {first.setting_label()}, {block.protocol} protocol, {PARTS[first.main_part]}", ""]
        lines += [best_table(group, method), "", best_summary(group, method, baseline), ""]
    return lines


def _noise_text(table: Table) -> str:
    return (
        f"Accuracy on {PARTS[table.main_part]}, when their features are mixed with Gaussian noise at test "
        f"time, x~ = (1 − a) x + a n, after training on clean features; mean over "
        f"{len(table.complete_datasets())} datasets."
    )


def reference_table(tables: list[Table], first: Table) -> str:
    """Our glnn-protocol figures beside published ones: one row per model (ours, then published), one
    column per dataset and setting (tran: transductive test; ind: production ind)."""
    by_setting = {t.setting: t for t in tables if t.teacher == first.teacher}
    columns = [
        (dataset, setting, part, name)
        for dataset in first.datasets
        for setting, part, name in (("transductive", "test", "tran"), ("production", "ind", "ind"))
        if setting in by_setting and dataset in by_setting[setting].datasets
    ]
    header = ["model", *(f"{dataset} {name}" for dataset, _, _, name in columns)]
    rows = []
    for label in first.labels:
        row = [display(label) + (" (teacher)" if label == first.teacher else "")]
        for dataset, setting, part, _ in columns:
            cell = by_setting[setting].cell(dataset, label)
            row.append(cell_text(cell, part) if cell.runs else "–")
        rows.append(row)
    published = sorted({p for figures in PUBLISHED.values() for p in figures})
    for name in published:
        row = [f"{name} (published)"]
        row += [PUBLISHED.get((dataset, tag), {}).get(name, "–") for dataset, _, _, tag in columns]
        rows.append(row)
    return markdown_rows(header, rows) + f"\n\nPublished rows: {GLNN_PROTOCOL}."


def _reference() -> str:
    return "## Published reference figures\n\n" + REFERENCE_TEXT


def notes(grid: Grid) -> str:
    if grid.notes is None or not Path(grid.notes).is_file():
        return ""
    return Path(grid.notes).read_text()


def legacy_json(tables: dict[str, list[Table]]) -> dict[str, Any]:
    """The transductive HGNN table (lighthgnn protocol) in the schema of issue 3: per dataset and model the
    accuracy mean, std and per-seed values; ``seconds`` is the summed training time of its runs."""
    out: dict[str, Any] = {}
    for block_tables in tables.values():
        for table in block_tables:
            if table.block.kind != "table" or table.setting != "transductive" or table.teacher != "hgnn":
                continue
            if table.block.protocol != "lighthgnn":
                continue
            for dataset in table.complete_datasets():
                if dataset in out:
                    continue
                cells = {label: table.cell(dataset, label) for label in table.labels}
                seconds = sum(
                    r.train_seconds for c in cells.values() for run in c.runs for r in run.records[:1]
                )
                out[dataset] = {
                    "setting": "transductive",
                    "protocol": table.block.protocol,
                    "teacher": table.teacher,
                    "seconds": round(seconds, 3),
                    "models": {
                        label: {
                            "role": cell.role,
                            "mean": round(cell.mean("test") or 0.0, 2),
                            "std": round(cell.std("test") or 0.0, 2),
                            "values": [round(v, 2) for v in cell.values("test")],
                        }
                        for label, cell in cells.items()
                    },
                }
    return out
