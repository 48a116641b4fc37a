"""The model: parameters with priors, exogenous drivers, and the batched engine.

The model does no I/O and imports no front end.
"""
