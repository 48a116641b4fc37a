"""What the model carries from one month to the next.

A :class:`State` is a record of arrays with the ensemble member on the leading axis.
The engine builds the first one before the loop, and each month makes the next with
:meth:`State.replace`, naming only the fields that month changes. To add a stock:
add a field here (with its unit and shape), give it its January value where the
engine builds the initial state, and its next value where the engine replaces it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from borderflow.model.population import Population


@dataclass(frozen=True)
class State:
    """The model's state at the start of a month.

    Attributes:
        risk: traffickers' perceived seizure probability per arc, (M, arcs).
        precursor_stock_kg: precursor held by each lab region, kg, (M, labs).
        lab_capacity_kg: each lab region's capacity before the month's destruction,
            kg of fentanyl per month, (M, labs).
        waiting: deferred would-be migrants by origin group, persons, (M, origins).
        substitution: substitution level ``z`` of blocked precursor supply, (M,).
        fentanyl_share: fentanyl's share ``f`` of the supply to users, (M,).
        cooperation: Mexican cooperation ``c``, in [0, 1], (M,).
        population: the seven population states, persons, (M,) each.
        wholesale_stock_kg: pure fentanyl held by US wholesalers, kg, (M,).
        recent_sales_kg: retail sales averaged over the recent months, kg/month, (M,).
        import_cost_usd_per_kg: last month's import cost ``κ``, USD/kg, (M,); None
            in the first month.
        reference_import_cost_usd_per_kg: the first month's import cost ``κ_ref``,
            USD/kg, (M,); None until the first month is done.

    """

    risk: np.ndarray
    precursor_stock_kg: np.ndarray
    lab_capacity_kg: np.ndarray
    waiting: np.ndarray
    substitution: np.ndarray
    fentanyl_share: np.ndarray
    cooperation: np.ndarray
    population: Population
    wholesale_stock_kg: np.ndarray
    recent_sales_kg: np.ndarray
    import_cost_usd_per_kg: np.ndarray | None = None
    reference_import_cost_usd_per_kg: np.ndarray | None = None

    def replace(self, **changes: object) -> State:
        """A copy with the named fields replaced (the others are shared, not copied)."""
        return dataclasses.replace(self, **changes)

    def rows(self, members: slice | np.ndarray) -> State:
        """The state of some members (every array indexed on its leading axis)."""
        return State.from_arrays({k: v[members] for k, v in self.to_arrays().items()})

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Every field as a named array, (M, …): what a posterior stores."""
        out: dict[str, np.ndarray] = {}
        for f in dataclasses.fields(State):
            value = getattr(self, f.name)
            if isinstance(value, Population):
                for name in Population._fields:
                    out[f"population.{name}"] = getattr(value, name)
            elif value is not None:
                out[f.name] = value
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> State:
        """The inverse of :meth:`to_arrays`."""
        population = Population(*(np.asarray(arrays[f"population.{name}"])
                                  for name in Population._fields))
        return cls(**{f.name: population if f.name == "population" else
                      (np.asarray(arrays[f.name]) if f.name in arrays else None)
                      for f in dataclasses.fields(State)})
