"""How numbers are written for people: shared by the CLI table and the HTML report."""

from __future__ import annotations

import math
from collections.abc import Mapping


def number(x: float) -> str:
    """3 significant figures with thousands separators; ``0`` for ``|x| < 0.5``."""
    if abs(x) < 0.5:
        return "0"
    digits = 3 - 1 - math.floor(math.log10(abs(x)))
    return f"{round(x, digits):,.{max(digits, 0)}f}"


def interval(stats: Mapping[str, float], share: bool = False) -> str:
    """``median [p05, p95]``; shares (0-1) with two decimals."""
    if share:
        return f"{stats['median']:.2f} [{stats['p05']:.2f}, {stats['p95']:.2f}]"
    return f"{number(stats['median'])} [{number(stats['p05'])}, {number(stats['p95'])}]"
