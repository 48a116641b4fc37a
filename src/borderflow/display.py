"""How numbers are written for people: shared by the CLI table and the HTML report."""

from __future__ import annotations

import math
from collections.abc import Mapping

from borderflow.outcomes import BY_NAME


def number(x: float) -> str:
    """3 significant figures with thousands separators; ``0`` for ``|x| < 0.5``."""
    if abs(x) < 0.5:
        return "0"
    digits = 3 - 1 - math.floor(math.log10(abs(x)))
    return f"{round(x, digits):,.{max(digits, 0)}f}"


def compact(x: float) -> str:
    """3 significant figures with a k / M / B suffix: ``361k``, ``16.3M``, ``-2.99k``."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:.3g}{suffix}"
    return number(x)


def quantity(x: float) -> str:
    """A lever's quantity or a prior bound: 3 significant figures, k / M / B from 1,000."""
    return compact(x) if abs(x) >= 1e3 else f"{x:.3g}"


def interval(stats: Mapping[str, float], share: bool = False, short: bool = False) -> str:
    """``median [p05, p95]``; shares (0-1) with two decimals; ``short`` uses k/M/B."""
    if share:
        return f"{stats['median']:.2f} [{stats['p05']:.2f}, {stats['p95']:.2f}]"
    fmt = compact if short else number
    return f"{fmt(stats['median'])} [{fmt(stats['p05'])}, {fmt(stats['p95'])}]"


def money(x: float) -> str:
    """USD, 3 significant figures: ``$1.2 B``, ``$350 M``, ``$36,300``."""
    if abs(x) >= 1e9:
        return f"${x / 1e9:,.3g} B"
    if abs(x) >= 1e6:
        return f"${x / 1e6:,.3g} M"
    return f"${number(x)}"


def cell(metric: str, stats: Mapping[str, float] | None) -> str:
    """One table cell of a metric, written as its kind says; '-' for none."""
    if stats is None:
        return "-"
    if "value" in stats:  # a cost-effectiveness ratio
        if stats["value"] is None:
            return "-"
        bounds = [money(x) if x is not None else "∞" for x in (stats["p05"], stats["p95"])]
        return f"{money(stats['value'])} [{bounds[0]}, {bounds[1]}]"
    kind = BY_NAME[metric].kind
    if kind in ("usd", "ratio"):  # a ratio per member: infinite where none is averted
        m, lo, hi = (money(x) if x is not None else "∞"
                     for x in (stats["median"], stats["p05"], stats["p95"]))
        return f"{m} [{lo}, {hi}]"
    if kind == "share":
        return interval(stats, share=True)
    return interval(stats, short=True)
