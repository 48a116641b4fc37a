"""Independent plain-Python reference implementation of the whole model.

Written from ``docs/model.md`` and ``docs/model-system.md`` alone; shares no step
function with the batched engine (``borderflow.model.engine``). The tests hold the two
equal to 1e-9 relative.
"""

from borderflow.reference.model import simulate_reference

__all__ = ["simulate_reference"]
