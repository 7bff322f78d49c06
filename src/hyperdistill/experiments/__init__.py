"""Experiment grids: a config file of datasets x teachers x methods x settings x seeds, a record store that
keeps one file per finished run, a teacher cache, the runner that resumes, and the report built from it."""

from hyperdistill.experiments.cache import TeacherCache
from hyperdistill.experiments.grid import Block, Grid, Unit
from hyperdistill.experiments.runner import Plan, open_store, plan, run_grid
from hyperdistill.experiments.store import RecordStore, StoredRun, import_results

__all__ = [
    "Block",
    "Grid",
    "Plan",
    "RecordStore",
    "StoredRun",
    "TeacherCache",
    "Unit",
    "import_results",
    "open_store",
    "plan",
    "run_grid",
]
