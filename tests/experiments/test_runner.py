"""The runner stores each run at once, resumes without redoing anything, and trains a teacher once."""

from __future__ import annotations

from dataclasses import replace

import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.splits import get_protocol, make_split
from hyperdistill.experiments import RecordStore, TeacherCache, import_results, open_store, plan, run_grid
from hyperdistill.experiments import runner as runner_module
from hyperdistill.experiments.grid import Unit
from hyperdistill.experiments.runner import PendingUnit, run_unit
from hyperdistill.experiments.store import StoredRun
from hyperdistill.run import Prepared, make_view, prepare_data, run
from tests.experiments.conftest import tiny_grid


def _timeless(records):
    return [replace(r, train_seconds=0.0) for r in records]


def test_grid_runs_everything_once_and_resumes_instantly(grid):
    store, cache = open_store(grid)
    first = run_grid(grid, store, cache, progress=False)
    assert first.total == 2 * 3 and first.left == 6  # 2 units x (teacher, mlp, lighthgnn)
    assert len(RecordStore(grid.store)) == 6  # one file per run, readable by a fresh store
    assert plan(grid, RecordStore(grid.store)).left == 0
    again = run_grid(grid, RecordStore(grid.store), cache, progress=False)
    assert again.left == 0


def test_stored_runs_match_a_plain_run(grid):
    store, cache = open_store(grid)
    run_grid(grid, store, cache, progress=False)
    unit = next(u for u in grid.units() if u.config.setting == "production")
    direct = run(unit.config)
    stored = [r for label in ("hgnn", "mlp", "lighthgnn") for r in _find(store, unit, label).records]
    assert _timeless(stored) == _timeless(direct.records)
    production = _find(store, unit, "lighthgnn")
    assert {r.part for r in production.records} == {"trans", "ind", "prod"}
    assert production.robustness["part"] == "ind" and len(production.robustness["accuracy"]) == 2
    assert sum(production.calibration["ind"]["count"]) == len(make_view_parts(unit)["ind"])


def _find(store: RecordStore, unit: Unit, label: str) -> StoredRun:
    from hyperdistill.experiments.keys import run_key, teacher_key

    key = (
        teacher_key(unit.config, unit.seed)
        if label == unit.config.teacher
        else run_key(unit.config, unit.seed, label)
    )
    found = store.get(key)
    assert found is not None, label
    return found


def make_view_parts(unit: Unit) -> dict[str, torch.Tensor]:
    prepared = prepare_data(unit.config)
    split = make_split(prepared.dataset, get_protocol(unit.config.protocol), unit.seed)
    return make_view(prepared, split, unit.config, unit.seed).parts


def test_a_method_added_later_reuses_the_cached_teacher(tmp_path, monkeypatch):
    store_dir = str(tmp_path / "store")
    first = tiny_grid(store_dir, settings=["transductive"])
    store, cache = open_store(first)
    run_grid(first, store, cache, progress=False)

    calls = []
    train = runner_module.train_teacher

    def counting(*args):
        calls.append(args)
        return train(*args)

    monkeypatch.setattr(runner_module, "train_teacher", counting)
    later = tiny_grid(
        store_dir, settings=["transductive"], methods=["mlp", "lighthgnn", "lighthgnn_plus[kl=published]"]
    )
    work = run_grid(later, store, cache, progress=False)
    assert work.left == 1 and not calls
    # the cached teacher gives exactly what a fresh one gives
    unit = later.units()[0]
    direct = run(unit.config.model_copy(update={"methods": ("lighthgnn_plus[kl=published]",)}))
    students = [r for r in direct.records if r.role == "student"]
    assert _timeless(_find(store, unit, "lighthgnn_plus[kl=published]").records) == _timeless(students)


def test_earlier_results_are_recognised_not_redone(grid, tmp_path):
    unit = grid.units()[0]
    run(unit.config).save(tmp_path / "earlier" / "synthetic")
    store = RecordStore(grid.store)
    assert import_results(store, tmp_path / "earlier") == 3
    assert import_results(store, tmp_path / "earlier") == 0
    work = plan(grid, store)
    assert unit.teacher_key not in {p.unit.teacher_key for p in work.pending}
    assert work.left == 3


def test_the_runner_leaks_nothing_of_the_held_out_vertices(tmp_path):
    """Poison V_ind's features and incidences: teacher cache and observed scores stay identical.

    (Labels decide the split itself, drawn before the hold-out; tests/test_run.py poisons them with the
    split held fixed.)
    """
    grid = tiny_grid(str(tmp_path), settings=["production"], methods=["lighthgnn_plus"])
    unit = grid.units()[0]
    clean = prepare_data(unit.config)
    held_out = make_view_parts(unit)["ind"]
    features = clean.features.clone()
    features[held_out] = torch.rand(held_out.numel(), features.size(1)) * 1e3
    poisoned = Prepared(clean.dataset, features, _add_incidences(clean.hypergraph, held_out))
    outcomes = []
    for name, prepared in (("clean", clean), ("poisoned", poisoned)):
        store, cache = RecordStore(tmp_path / name), TeacherCache(tmp_path / name)
        run_unit(PendingUnit(unit, True, ["lighthgnn_plus"]), prepared, store, cache, (0.0,))
        payload = torch.load(cache.path(unit.teacher_key), weights_only=True)
        student = next(r for r in store._loaded.values() if r.role == "student")
        trans = student.record("trans")
        assert trans is not None
        outcomes.append((payload["state"], payload["logits"], trans))
    (state_a, logits_a, trans_a), (state_b, logits_b, trans_b) = outcomes
    assert all(torch.equal(state_a[k], state_b[k]) for k in state_a)
    assert torch.equal(logits_a, logits_b)
    assert replace(trans_a, train_seconds=0.0) == replace(trans_b, train_seconds=0.0)


def _add_incidences(base: Hypergraph, held_out: torch.Tensor) -> Hypergraph:
    """Held-out vertices joined to existing hyperedges, and new hyperedges of held-out vertices only."""
    gen = torch.Generator().manual_seed(5)
    joiners = held_out[torch.randint(held_out.numel(), (40,), generator=gen)]
    joined = torch.randint(base.num_edges, (40,), generator=gen)
    own = held_out[torch.randint(held_out.numel(), (12,), generator=gen)]
    vertices = torch.cat([base.hyperedge_index[0], joiners, own])
    edges = torch.cat([base.hyperedge_index[1], joined, base.num_edges + torch.arange(12) // 3])
    return Hypergraph.from_incidences(vertices, edges, base.num_nodes, base.num_edges + 4)


def test_a_unit_with_bad_input_is_reported_and_the_grid_goes_on(tmp_path, monkeypatch):
    from hyperdistill.errors import DataError

    grid = tiny_grid(str(tmp_path / "store"), settings=["transductive"], seeds=[0, 1])
    store, cache = open_store(grid)
    real = runner_module.run_unit

    def fail_on_seed_0(pending, *args, **kwargs):
        if pending.unit.seed == 0:
            raise DataError("seed 0 is broken")
        return real(pending, *args, **kwargs)

    monkeypatch.setattr(runner_module, "run_unit", fail_on_seed_0)
    work = run_grid(grid, store, cache, progress=False)
    assert len(work.failed) == 1 and "seed 0 is broken" in work.failed[0]
    assert plan(grid, store).left == 3  # seed 0's teacher and two students; seed 1 is stored


def test_runs_stored_by_another_process_meanwhile_are_not_redone(tmp_path):
    grid = tiny_grid(str(tmp_path / "store"), settings=["transductive"])
    store, cache = open_store(grid)
    stale = plan(grid, store)  # made before the other process ran
    other, other_cache = open_store(grid)
    run_grid(grid, other, other_cache, progress=False)
    trained = []
    for pending in stale.pending:
        runner_module.run_unit(
            pending, prepare_data(pending.unit.config), store, cache, (0.0,), trained.append
        )
    assert trained == []
