"""The one place the engine's compiled kernels are configured (numba).

Most of the engine is numpy over the member axis. Where a profile showed numpy could
not get there (the level loops of the two routing passes: a dozen small array calls
per level, bound by Python's per-call overhead, ``docs/performance.md``), the step is
written once as loops and compiled: :data:`jit` compiles it to machine code at its
first call (cached on disk beside the module), releasing the GIL so that the
engine's member chunks run on every core. ``NUMBA_DISABLE_JIT=1`` runs the same
functions as plain Python (slowly), e.g. to step through them in a debugger.
"""

from __future__ import annotations

import numba

#: Compile a step function to machine code: no Python objects, GIL released, cached.
jit = numba.njit(cache=True, nogil=True, error_model="numpy")
