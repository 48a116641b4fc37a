"""Uncertainty analysis over the parameter priors (global sensitivity)."""
