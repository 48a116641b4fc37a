"""Calibration: targets, the observation model and the fit scores (issue 4, in progress).

Data flows one way: cited history (``borderflow.data``) and simulated ensembles come in;
likelihoods and scores go out. Nothing here runs the model.
"""
