import numpy as np
import pytest
from hypothesis import settings

from borderflow.network import load_network
from borderflow.policy import load_scenario
from borderflow.policy.drivers import build
from parameter_draws import full_draws

settings.register_profile("borderflow", derandomize=True, deadline=None, max_examples=15,
                          print_blob=True)
settings.load_profile("borderflow")


@pytest.fixture(scope="session")
def net():
    return load_network().compile()


@pytest.fixture(scope="session")
def status_quo(net):
    return build(load_scenario("status_quo"), net)


@pytest.fixture(scope="session")
def draws():
    return full_draws(12, seed=7)


def subset(draws, rows):
    return {k: np.asarray(v)[rows] for k, v in draws.items()}
