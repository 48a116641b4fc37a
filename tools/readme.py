"""Regenerate the README's example outputs from the current model.

Every example output in README.md sits under a marker that names the command producing
it, e.g.::

    <!-- generated: borderflow run my_ports.yaml --period 2026-2030 -->
    ```text
    ... what the command printed ...
    ```

and the files a command reads are the README's own blocks, each under
``<!-- file: NAME -->``. This script writes those files into a temporary directory,
runs each command there (in this process, through ``borderflow.cli.main``), and puts what
it printed under its marker (``2>&1`` at the end: standard error too). ``--check``
changes nothing and exits 1 when an example is stale; ``tests/test_readme.py`` runs
the same comparison, so the README cannot drift from the model.

Usage: ``python tools/readme.py [--check]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shlex
import sys
import tempfile
import warnings
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
FILE = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", re.S)
GENERATED = re.compile(r"(<!-- generated: (.*?) -->\n```(\w*)\n)(.*?)(```)", re.S)
TABLE = re.compile(r"(<!-- generated-table: (\w+) -->\n)(.*?)(<!-- /generated-table -->)", re.S)
#: The JSON example: the metrics a reader needs to see the document's shape.
JSON_METRICS = ("opioid_overdose_deaths", "deaths_averted", "cost_per_death_averted_usd",
                "cost_per_encounter_averted_usd", "cooperation_lowest")


def _json_excerpt(text: str) -> str:
    """A ``--json -`` document cut to its shape: one scenario, a few metrics, one crossing."""
    doc = json.loads(text)
    name = next(n for n in doc["scenarios"] if n != doc["baseline"])
    entry = doc["scenarios"][name]
    crossing, change = next(iter(entry["crossings"].items()))
    year = entry["by_year"]["deaths_averted"]

    def rounded(x: object) -> object:
        if isinstance(x, float):
            return float(f"{x:.4g}")
        if isinstance(x, dict):
            return {k: rounded(v) for k, v in x.items()}
        if isinstance(x, list):
            return [rounded(v) for v in x]
        return x

    short = {
        "period": doc["period"], "members": doc["members"], "seed": doc["seed"],
        "baseline": doc["baseline"], "provenance": {"...": "version, model hash, network, "
                                                    "data, parameters, seed"},
        "scenarios": {name: {
            "metrics": {m: rounded(entry["metrics"][m]) for m in JSON_METRICS},
            "crossings": {crossing: rounded(change), "...": "every crossing"},
            "by_year": {"deaths_averted": rounded({k: v[:3] for k, v in year.items()}),
                        "...": "every yearly variable"}},
            "...": "every scenario"}}
    return json.dumps(short, indent=1, ensure_ascii=False) + "\n"


def levers_table() -> str:
    """The levers as a markdown table: unit, allowed and plausible ranges, what each does."""
    from borderflow.display import compact
    from borderflow.policy.registry import catalogue

    def num(x: float) -> str:
        return compact(x) if abs(x) >= 1e3 else f"{x:g}"

    rows = ["| lever | unit | allowed | plausible | what it does |", "|---|---|---|---|---|"]
    for kind, info in catalogue().items():
        lo, hi = info["range"]
        allowed = "" if lo is None else f"{num(lo)}–{num(hi)}"
        plausible = info.get("plausible")
        span = f"{num(plausible[0])}–{num(plausible[1])}" if plausible else ""
        what = str(info["what"]).split(" (mechanism")[0].rstrip(".")
        rows.append(f"| `{kind}` | {info['unit']} | {allowed} | {span} | {what} |")
    return "\n".join(rows) + "\n"


#: Tables generated from the registry, by marker name.
TABLES = {"levers": levers_table}


def run(command: str, workdir: Path) -> str:
    """What ``command`` (``borderflow ...``) prints, run in ``workdir``."""
    from borderflow.cli import main

    args = shlex.split(command)
    both = args[-1] == "2>&1"
    args = args[:-1] if both else args
    assert args[0] == "borderflow", command
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(workdir)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            warnings.simplefilter("ignore")
            main(args[1:])
    finally:
        os.chdir(here)
    text = out.getvalue() + (err.getvalue() if both else "")
    if "--json" in args and args[args.index("--json") + 1] == "-":
        return _json_excerpt(text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def regenerate(text: str) -> str:
    """The README ``text`` with every generated block rerun."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for name, body in FILE.findall(text):
            (workdir / name).write_text(body, encoding="utf-8")
        text = GENERATED.sub(
            lambda m: m.group(1) + run(m.group(2), workdir) + m.group(5), text)
    return TABLE.sub(lambda m: m.group(1) + TABLES[m.group(2)]() + m.group(4), text)


def normalised(text: str) -> str:
    """For comparison: numbers to 2 significant figures; no spacing or table rules."""
    def number(m: re.Match[str]) -> str:
        x = float(m.group(0).replace(",", ""))
        return f"{x:.2g}"

    text = re.sub(r"-?\d[\d,]*\.?\d*(?:e[-+]?\d+)?", number, text)
    return re.sub(r"[\s\u2500-\u257f]+", "", text)


def main() -> int:
    """Rewrite README.md's generated blocks, or (``--check``) report stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    new = regenerate(text)
    if args.check:
        stale = normalised(new) != normalised(text)
        print("README examples are stale: run python tools/readme.py" if stale
              else "README examples are current")
        return 1 if stale else 0
    README.write_text(new, encoding="utf-8")
    print(f"rewrote {len(GENERATED.findall(new))} generated blocks in {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
