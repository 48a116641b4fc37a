"""Policy: the levers, scenario files and the shipped scenario library."""

from __future__ import annotations

from borderflow.policy.scenario import Scenario, load_scenario, scenario_from_dict, shipped_names

__all__ = ["Scenario", "load_scenario", "scenario_from_dict", "shipped_names"]
