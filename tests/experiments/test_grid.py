"""Grid files, method variants and the keys that let one teacher or one run serve every table."""

from __future__ import annotations

import pytest

from hyperdistill.config import MethodSpec, RunConfig
from hyperdistill.errors import ConfigError
from hyperdistill.experiments import Grid
from hyperdistill.experiments.keys import run_key, teacher_key
from hyperdistill.run import make_distiller


def test_method_spec_binds_typed_values():
    spec = MethodSpec.parse("lighthgnn_plus[kl=published; num_draws=5, singletons=false, lam=0.5]")
    assert spec.name == "lighthgnn_plus"
    assert spec.params == {"kl": "published", "num_draws": 5, "singletons": False, "lam": 0.5}
    assert spec.label == "lighthgnn_plus[kl=published,num_draws=5,singletons=false,lam=0.5]"
    assert MethodSpec.parse(" mlp ").label == "mlp"


@pytest.mark.parametrize("text", ["lighthgnn[kl]", "lighthgnn[=1]", "light hgnn", "x[a=1"])
def test_unreadable_method_specs_say_how_to_write_them(text):
    with pytest.raises(ValueError, match=r"key=value|NAME"):
        MethodSpec.parse(text)


def config_of(**fields) -> RunConfig:
    return RunConfig.model_validate(fields)


def test_spec_values_override_method_params():
    config = config_of(methods=("lighthgnn_plus[beta=0.5]",), method_params={"lighthgnn_plus": {"tau": 2.0}})
    distiller = make_distiller("lighthgnn_plus[beta=0.5]", config)
    assert distiller.hyperparameters()["beta"] == 0.5 and distiller.hyperparameters()["tau"] == 2.0


def test_duplicate_methods_are_refused():
    with pytest.raises(ValueError, match="twice"):
        config_of(methods=("lighthgnn", " lighthgnn"))


def test_keys_resolve_defaults_and_ignore_what_does_not_matter():
    base = config_of(dataset="cc_cora")
    assert run_key(base, 0, "lighthgnn_plus") == run_key(base, 0, "lighthgnn_plus[kl=correct]")
    assert run_key(base, 0, "lighthgnn_plus") != run_key(base, 0, "lighthgnn_plus[kl=published]")
    assert run_key(base, 0, "lighthgnn") != run_key(base, 1, "lighthgnn")
    # transductive runs do not depend on the (unused) share; production runs do
    assert teacher_key(base, 0) == teacher_key(base.model_copy(update={"inductive_share": 0.9}), 0)
    prod = base.model_copy(update={"setting": "production"})
    assert teacher_key(prod, 0) != teacher_key(prod.model_copy(update={"inductive_share": 0.9}), 0)
    # the plain MLP has no teacher: one run serves HGNN and HGNN+ tables
    hgnnp = base.model_copy(update={"teacher": "hgnnp"})
    assert run_key(base, 0, "mlp") == run_key(hgnnp, 0, "mlp")
    assert run_key(base, 0, "lighthgnn") != run_key(hgnnp, 0, "lighthgnn")
    assert teacher_key(base, 0) == teacher_key(
        base.model_copy(update={"teacher_params": {"hidden_channels": 32}}), 0
    )


def test_blocks_expand_and_merge_into_units(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(
        """
name = "g"
[[block]]
name = "a"
datasets = ["x", "y"]
teachers = ["hgnn", "hgnnp"]
settings = ["transductive", "production"]
inductive_shares = [0.2, 0.9]
seeds = [0, 1]
methods = ["mlp", "lighthgnn"]
[[block]]
name = "b"
kind = "variants"
datasets = ["x"]
seeds = [0, 1, 2]
methods = ["lighthgnn", "lighthgnn[kl=published]"]
"""
    )
    grid = Grid.load(path)
    assert len(grid.block[0].units()) == 2 * 2 * 3 * 2
    units = grid.units()
    assert len(units) == 24 + 1  # block b adds only seed 2; its seeds 0 and 1 merge into block a's units
    merged = next(u for u in units if u.config.dataset == "x" and u.config.setting == "transductive")
    assert merged.config.methods == ("mlp", "lighthgnn", "lighthgnn[kl=published]")
    assert merged.describe() == "x · hgnn · transductive · lighthgnn · seed 0"


def test_grid_errors_name_the_problem(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        Grid.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "g"\n[[block]\nname = 1')
    with pytest.raises(ConfigError, match="not valid TOML"):
        Grid.load(bad)
    grid = Grid.model_validate({"name": "g", "block": [{"name": "a", "datasets": ["x"]}]})
    with pytest.raises(ConfigError, match="no block named"):
        grid.units(["b"])
