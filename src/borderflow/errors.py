"""The one small exception hierarchy of borderflow.

Every error a user can cause by a mistake of theirs (a bad file, a bad argument)
is a :class:`BorderflowError`; the CLI prints its message on one line and exits
with status 2. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class BorderflowError(Exception):
    """Base class of every user-facing borderflow error."""


class DataError(BorderflowError):
    """An unknown cited series or a broken data file."""


class NetworkError(BorderflowError):
    """A network file that does not validate; the message names the node or arc."""


class ScenarioError(BorderflowError):
    """A scenario file or object that does not validate; names file, field and value."""


class ParameterError(BorderflowError):
    """An unknown parameter, or a value outside its allowed range."""


class OptimizeError(BorderflowError):
    """An interdiction problem that cannot be posed or solved; the message says why."""


class InvariantError(BorderflowError):
    """A run's outputs break an invariant of the model (:mod:`borderflow.model.checks`).

    Mass balance, people conserved, a share outside [0, 1], ...: ``violations`` lists
    one message per broken check, each naming the check, the member and the month.
    """

    def __init__(self, violations: list[str]) -> None:
        super().__init__("; ".join(violations))
        self.violations = violations
