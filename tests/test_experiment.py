"""One experiment description for every verb (borderflow.Experiment)."""

from __future__ import annotations

import json

import pytest

import borderflow
from borderflow.cli import main
from borderflow.errors import ParameterError, ScenarioError
from borderflow.experiment import Experiment


def test_every_verb_takes_an_experiment():
    import inspect

    for verb in ("simulate", "compare", "calibrate", "fit_report", "backtest", "record",
                 "explain", "sensitivity", "optimize_interdiction"):
        assert "experiment" in inspect.signature(getattr(borderflow, verb)).parameters, verb


def test_the_experiment_fills_what_is_not_passed():
    e = Experiment(scenarios=("poe_inspection",), members=3, seed=2)
    ds = borderflow.simulate(experiment=e, arc_detail=False)
    assert (ds.sizes["member"], ds.attrs["scenario"], ds.attrs["seed"]) == (
        3, "poe_inspection", 2)
    # passed by name wins
    ds = borderflow.simulate("status_quo", members=2, experiment=e, arc_detail=False)
    assert (ds.sizes["member"], ds.attrs["scenario"], ds.attrs["seed"]) == (2, "status_quo", 2)
    direct = borderflow.compare(["poe_inspection"], members=3, seed=2, period=(2025, 2029))
    via = borderflow.compare(experiment=Experiment(scenarios=("poe_inspection",), members=3,
                                                   seed=2, period=(2025, 2029)))
    assert via.metrics == direct.metrics and via.period == (2025, 2029)
    with pytest.raises(ParameterError, match="simulate runs one scenario; the experiment has 2"):
        borderflow.simulate(experiment=Experiment(scenarios=("a", "b")))


def test_experiment_file_paths_are_relative_to_it(tmp_path):
    (tmp_path / "levers.yaml").write_text(
        "schema: 2\nname: mine\nlevers:\n  - lever: naloxone_distribution\n    start: 2025-01\n"
        "    intensity: 1000000\n")
    path = tmp_path / "exp.yaml"
    path.write_text("scenarios: [levers.yaml, poe_inspection]\nmembers: 4\nseed: 9\n"
                    "period: [2026, 2030]\n")
    e = Experiment.from_file(path)
    assert e.scenarios == (str(tmp_path / "levers.yaml"), "poe_inspection")
    assert (e.members, e.seed, e.period, e.network) == (4, 9, (2026, 2030), None)


@pytest.mark.parametrize(("text", "message"), [
    ("members: 0\n", "exp.yaml: members: Input should be greater than or equal to 1"),
    ("colour: blue\n", "exp.yaml: colour: Extra inputs are not permitted"),
    ("period: [2030, 2025]\n", "exp.yaml: experiment: Value error, period: last year 2025 is "
                               "before the first 2030"),
    ("seed: 1\nseed: 2\n", "exp.yaml: not valid YAML: duplicate key 'seed' at line 2"),
])
def test_a_broken_experiment_file_names_the_file_and_the_field(tmp_path, text, message):
    path = tmp_path / "exp.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        Experiment.from_file(path)
    assert str(info.value).startswith(str(tmp_path / message.split(":")[0]))
    assert message.split(":", 1)[1] in str(info.value)


def test_run_reads_an_experiment_file_and_options_win(tmp_path, capsys):
    path = tmp_path / "exp.yaml"
    path.write_text("scenarios: [poe_inspection]\nmembers: 5\nseed: 3\n")
    out = tmp_path / "out.json"
    assert main(["run", "--experiment", str(path), "--members", "4", "--json", str(out)]) == 0
    capsys.readouterr()
    doc = json.loads(out.read_text())
    assert (doc["members"], doc["seed"]) == (4, 3)
    assert set(doc["scenarios"]) == {"status_quo", "poe_inspection"}
