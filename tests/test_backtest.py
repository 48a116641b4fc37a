"""Backtest: no data after the cut reaches the fit; baselines as specified; the schema."""

import json

import numpy as np
import pandas as pd
import pytest

from borderflow.calibration import targets
from borderflow.calibration.backtest import Z90, baselines
from borderflow.calibration.calibrate import calibrate
from borderflow.cli import main


def test_baselines_persistence_trend_and_log_change_intervals():
    history = np.array([100.0, 110.0, 121.0, 133.1])  # +10 % a year, exactly
    horizons = np.array([1, 2])
    out = baselines(history, horizons)
    median, low, high = out["persistence"]
    np.testing.assert_allclose(median, 133.1)
    np.testing.assert_allclose(low, 133.1)  # no spread in the log changes: zero width
    trend, _, _ = out["trend"]
    slope = np.polyfit([0, 1, 2], history[-3:], 1)[0]
    np.testing.assert_allclose(trend, 133.1 + slope * horizons)
    noisy = np.array([100.0, 120.0, 110.0, 130.0])
    sd = np.std(np.diff(np.log(noisy)), ddof=1)
    _, low, high = baselines(noisy, np.array([4]))["persistence"]
    np.testing.assert_allclose(high / 130.0, np.exp(Z90 * sd * 2.0))


def test_no_data_after_the_cut_reaches_the_fit(monkeypatch):
    first = calibrate(particles=16, through=2019, seed=3)
    inside = calibrate(particles=16, through=2021, seed=3)
    real = dict(targets._OBSERVED)

    def tampered(name):
        def load():
            series = real[name]().astype(float).copy()
            later = series.index > 2019
            series[later] = series[later] * 10 + 12345
            return series
        return load

    for name in real:
        monkeypatch.setitem(targets._OBSERVED, name, tampered(name))
    assert isinstance(targets._OBSERVED["synthetic_opioid_deaths"](), pd.Series)
    assert targets.BY_NAME["synthetic_opioid_deaths"].observed(2023)[2022] != 73838
    second = calibrate(particles=16, through=2019, seed=3)
    np.testing.assert_array_equal(first.u, second.u)
    # while the same tampering does move a fit whose window includes those years
    assert not np.array_equal(calibrate(particles=16, through=2021, seed=3).u, inside.u)


def test_backtest_json_schema(tmp_path, capsys):
    out = tmp_path / "bt.json"
    assert main(["backtest", "--through", "2021", "--members", "16", "--json", str(out)]) == 0
    capsys.readouterr()
    doc = json.loads(out.read_text())
    assert doc["through"] == 2021
    assert set(doc["series"]) == {t.name for t in targets.TARGETS}
    for entry in doc["series"].values():
        assert entry["points"] == 3  # 2022, 2023 and 2024 (calendar or fiscal)
        for forecaster in ("model", "persistence", "trend"):
            assert set(entry[forecaster]) == {"mape", "coverage_90", "interval_score_90"}


def test_backtest_needs_years_to_forecast():
    import borderflow
    from borderflow.errors import ParameterError

    with pytest.raises(ParameterError, match=r"through must be a year in \[2014, 2023\]"):
        borderflow.backtest(through=2024)
