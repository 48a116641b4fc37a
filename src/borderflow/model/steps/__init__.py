"""The model's mechanisms as pure functions over arrays, one module per concept.

Every function takes named arrays (the ensemble member on the leading axis, units in
the names or docstrings) and returns arrays; none keeps state between calls.
:mod:`borderflow.model.engine` composes them month by month, carrying a
:class:`borderflow.model.state.State`. Mechanism numbers (M1-M11) and step numbers
refer to ``docs/model.md`` and ``docs/model-system.md``.

- :mod:`~borderflow.model.steps.detection`: M3, detection probability of each arc.
- :mod:`~borderflow.model.steps.labs`: M5, lab destruction, synthesis, rebuilding.
- :mod:`~borderflow.model.steps.substitution`: precursor control and substitution.
- :mod:`~borderflow.model.steps.routing`: M6, the recursive logit and the passes.
- :mod:`~borderflow.model.steps.seizures`: gross pounds, CBP and Mexican seizures.
- :mod:`~borderflow.model.steps.market`: M6, the wholesale stock, prices, demand, heroin.
- :mod:`~borderflow.model.steps.potency`: M7, the lethal-dose share from DEA testing.
- :mod:`~borderflow.model.steps.overdose`: M7, naloxone, fatal hazards, MOUD capacity.
- :mod:`~borderflow.model.steps.cooperation`: M10, Mexican cooperation.
- :mod:`~borderflow.model.steps.guns`: M4, guns south, their stock and homicides.
- :mod:`~borderflow.model.steps.costs`: M11, trade and policy costs.
"""
