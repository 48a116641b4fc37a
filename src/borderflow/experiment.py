"""One experiment description that every API verb takes.

An :class:`Experiment` says what is run and how: the network, the scenarios (or lever
settings written as scenarios), the baseline, where the parameters come from, how many
members, the seed and the period judged. Every verb of :mod:`borderflow.api` accepts
``experiment=`` and reads from it the arguments it has (a verb that runs one scenario
takes the experiment's only one); arguments passed by name win over the experiment's.
So the same description reaches ``simulate``, ``compare``, ``fit_report``,
``calibrate``, ``backtest``, ``record``, ``explain``, ``sensitivity`` and
``optimize_interdiction``, and a user's own network reaches all of them.

An experiment can be written as a YAML file (read by :mod:`borderflow.io`, so
duplicate keys are refused)::

    network: my_network.yaml
    scenarios: [poe_inspection, my_levers.yaml]
    parameters: posterior
    members: 1000
    seed: 7
    period: [2025, 2034]
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from borderflow.errors import ParameterError, ScenarioError
from borderflow.io import read_yaml

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Experiment:
    """What is run and how, for every verb.

    Attributes:
        network: a network file or object (None: the shipped network).
        scenarios: scenario names, files, mappings or objects (None: the verb's default,
            e.g. the shipped library for ``compare``, ``status_quo`` for ``simulate``).
        baseline: the scenario changes are paired against.
        parameters: ``"posterior"``, ``"prior"`` or a posterior file or object.
        members: ensemble members (calibration: particles).
        seed: the ensemble's seed.
        period: first and last calendar year the outcomes are totalled over.

    """

    network: Any = None
    scenarios: tuple[Any, ...] | None = None
    baseline: Any = "status_quo"
    parameters: Any = "posterior"
    members: int = 500
    seed: int = 0
    period: tuple[int, int] = (2025, 2034)

    @classmethod
    def from_file(cls, path: str | Path) -> Experiment:
        """Read an experiment YAML file; a broken one names the file and the field."""
        raw = read_yaml(path, ScenarioError, "experiment file")
        try:
            spec = _ExperimentFile.model_validate(raw if raw is not None else {})
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "experiment"
            raise ScenarioError(f"{path}: {where}: {err['msg']}") from None
        base = Path(path).parent
        def local(value: str) -> str:
            # files named relative to the experiment file, shipped names as they are
            candidate = base / value
            return str(candidate) if candidate.suffix in (".yaml", ".yml", ".json") else value
        return cls(
            network=None if spec.network is None else local(spec.network),
            scenarios=None if spec.scenarios is None else tuple(local(s)
                                                                for s in spec.scenarios),
            baseline=local(spec.baseline), parameters=local(spec.parameters),
            members=spec.members, seed=spec.seed, period=tuple(spec.period))


class _ExperimentFile(BaseModel):
    """The experiment file's schema."""

    model_config = ConfigDict(extra="forbid")

    network: str | None = None
    scenarios: list[str] | None = None
    baseline: str = "status_quo"
    parameters: str = "posterior"
    members: int = Field(default=500, ge=1)
    seed: int = 0
    period: list[int] = Field(default=[2025, 2034], min_length=2, max_length=2)
    #: the levers a sweep varies (read and checked by :mod:`borderflow.sweep`)
    sweep: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> _ExperimentFile:
        if self.period[1] < self.period[0]:
            raise ValueError(f"period: last year {self.period[1]} is before the first "
                             f"{self.period[0]}")
        return self


#: Verb arguments that take an experiment field under another name.
_ALIASES = {"scenario": "scenarios", "particles": "members"}


def accepts_experiment(verb: F) -> F:
    """Let ``verb`` take ``experiment=``: its fields fill the arguments not passed."""
    signature = inspect.signature(verb)
    names = {f.name for f in fields(Experiment)}
    taken = {p: _ALIASES.get(p, p) for p in signature.parameters
             if _ALIASES.get(p, p) in names}

    @functools.wraps(verb)
    def wrapper(*args: Any, experiment: Experiment | None = None, **kwargs: Any) -> Any:
        if experiment is None:
            return verb(*args, **kwargs)
        given = signature.bind_partial(*args, **kwargs).arguments
        for param, field in taken.items():
            if param in given:
                continue
            value = getattr(experiment, field)
            if param == "scenario":  # a verb of one scenario
                if value is None:
                    continue
                if len(value) != 1:
                    raise ParameterError(f"{verb.__name__} runs one scenario; the experiment "
                                         f"has {len(value)}")
                value = value[0]
            elif param == "scenarios" and value is None:
                continue
            kwargs[param] = value
        return verb(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[  # type: ignore[attr-defined]
        *signature.parameters.values(),
        inspect.Parameter("experiment", inspect.Parameter.KEYWORD_ONLY, default=None,
                          annotation="Experiment | None")])
    return wrapper  # type: ignore[return-value]
