"""The forecast record: calibrate through an origin, forecast the next years, score them."""

import numpy as np
import pytest

from borderflow.calibration.record import FORECASTERS, forecast_record, sign_right
from borderflow.calibration.targets import TARGETS


def test_sign_of_the_change_is_taken_from_the_record_then_from_the_forecast():
    observed = {2021: 100.0, 2022: 120.0, 2023: 90.0}
    # one year ahead: from the record of the origin year (2021 -> 2022 rose)
    assert sign_right(observed, {2022: 130.0, 2023: 125.0}, 2021, 2022) is True
    assert sign_right(observed, {2022: 95.0, 2023: 125.0}, 2021, 2022) is False
    # two years ahead: from the forecaster's own 2022 (125 < 130: a fall, as recorded)
    assert sign_right(observed, {2022: 130.0, 2023: 125.0}, 2021, 2023) is True
    # persistence never changes: never right about a change
    assert sign_right(observed, {2022: 100.0, 2023: 100.0}, 2021, 2022) is False
    assert sign_right(observed, {2024: 1.0}, 2023, 2024) is None  # no record of 2024


def test_a_record_from_one_origin_forecasts_and_scores_the_next_year(tmp_path):
    doc = forecast_record(origins=(2023,), particles=20, members=20, seed=1)
    assert doc["origins"] == [2023]
    deaths = doc["forecasts"]["2023"]["synthetic_opioid_deaths"]
    assert set(deaths) == {"2024"}  # 2025 is after the data window
    d = deaths["2024"]
    assert d["observed"] == 47735 and d["p05"] <= d["median"] <= d["p95"]
    assert set(doc["scores"]) == {t.name for t in TARGETS}
    row = doc["scores"]["synthetic_opioid_deaths"]["1"]
    assert set(row) == set(FORECASTERS)
    for stats in row.values():
        assert stats["points"] == 1 and 0.0 <= stats["coverage_90"] <= 1.0
        assert 0.0 <= stats["mape"] < 5.0
        assert np.isfinite(stats["interval_score_90"])
        assert stats["sign_right"] in (0.0, 1.0)
    # the model's MAPE is its median against the record
    assert row["model"]["mape"] == pytest.approx(abs(d["median"] - 47735) / 47735)
    # the README's chart of it
    from borderflow.report.record_chart import record_chart

    record_chart(doc, tmp_path / "record.svg")
    svg = (tmp_path / "record.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and svg.count("<path") > 5


def test_an_earlier_data_end_changes_the_calibration_only_through_the_inputs():
    from borderflow.calibration.calibrate import log_posterior_function
    from borderflow.model.parameters import member_uniforms
    from borderflow.network import load_network

    net = load_network().compile()
    u = member_uniforms(np.arange(4), 3)
    default = log_posterior_function(net, 2021)(u)
    np.testing.assert_array_equal(default, log_posterior_function(net, 2021, None, 2025.0)(u))
    assert not np.array_equal(default, log_posterior_function(net, 2021, None, 2022.0)(u))
