"""The forecast record as a static chart (SVG) for the README: ``borderflow record --chart``.

For each charted series: the record (black), and from each origin year the model's
forecast of the next year (median and 90 % interval, blue) and of the year after
(orange), as ``borderflow record`` made them. A static image, so it is drawn with
matplotlib (plotly needs a browser engine to write one).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: Series the chart shows (calibration targets' names).
CHARTED = ("synthetic_opioid_deaths", "fentanyl_seizures_lb")
_COLOURS = ("#1b4f72", "#d35400")


def record_chart(doc: dict, path: str | Path, series: Sequence[str] = CHARTED) -> None:
    """Write the ``record --json`` document ``doc``'s forecasts of ``series`` as SVG."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: the caller's backend is left alone

    from borderflow.calibration.targets import BY_NAME

    fig = Figure(figsize=(5.5 * len(series), 4.0))
    axes = fig.subplots(1, len(series), squeeze=False)
    for ax, name in zip(axes[0], series, strict=True):
        target = BY_NAME[name]
        observed = target.observed()
        ax.plot(observed.index, observed.values, "-o", color="black", label="record",
                markersize=4)
        labelled: set[int] = set()
        for origin, entry in doc["forecasts"].items():
            for year, q in (entry.get(name) or {}).items():
                ahead = int(year) - int(origin)
                x = int(year) + (-0.12 if ahead == 1 else 0.12)
                ax.errorbar([x], [q["median"]], yerr=[[q["median"] - q["p05"]],
                                                      [q["p95"] - q["median"]]],
                            fmt="o" if ahead == 1 else "s", color=_COLOURS[ahead - 1],
                            markersize=4, capsize=2,
                            label=None if ahead in labelled else
                            f"model, {ahead} year{'s' if ahead > 1 else ''} ahead (90 %)")
                labelled.add(ahead)
        ax.set_title(target.description.split(",")[0], fontsize=10)
        ax.set_xlabel(f"{target.period} year")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Forecast record: calibrated through each origin year, forecasting the "
                 "next two (pseudo-out-of-sample)", fontsize=10)
    fig.tight_layout()
    with matplotlib.rc_context({"svg.hashsalt": "borderflow"}):  # the same record, the same file
        fig.savefig(path, format="svg", metadata={"Date": None})
