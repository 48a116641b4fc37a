"""Lever change to updated charts in the real browser: the dashboard's responsiveness.

Starts ``borderflow serve`` on a free loopback port (``borderflow.dashboard.running``),
opens it in Debian's Chromium through Playwright, waits for the first full answer, then
changes a lever ``--changes`` times (alternating levers and values) and times, for each
change, from the change to the quick answer's charts on the page and to the full
ensemble's. The page's status line names the revision it shows (``quick:N``,
``full:N``), so each time belongs to its change. Prints median and 95th percentile of
both; the last line reads ``lever to chart p95: Q ms quick, F ms full`` (goals on 2
cores: 250 and 1,000 ms).

Usage: ``python benchmarks/dashboard.py [--changes 30]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from borderflow.dashboard import FULL, QUICK, running

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
CHANGES = [("poe_inspection", v) for v in (0.1, 0.3, 0.5)] + [
    ("naloxone_distribution", v) for v in (1e6, 4e6)] + [
    ("precursor_control", v) for v in (0.2, 0.6)]


def wait_for(status, wanted: set[str] | None, timeout: float = 60.0) -> float:
    """When the page's status line first shows one of ``wanted`` (None: any full answer).

    Polled from here every millisecond or so (a round trip to the browser), so a time
    includes at most that much of waiting.
    """
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        text = status.text_content() or ""
        if (text.startswith("full:") if wanted is None else text in wanted):
            return time.perf_counter()
        time.sleep(0.001)
    raise TimeoutError(f"the page's status stayed {status.text_content()!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    quick, full = [], []
    with running() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(url)
        status = page.get_by_test_id("status")
        wait_for(status, None, timeout=120)
        for i in range(args.changes + 1):
            kind, value = CHANGES[i % len(CHANGES)]
            field = page.locator(f"input[id*='\"kind\":\"{kind}\"']")
            rev = page.evaluate("window.bfRev || 0") + 1
            start = time.perf_counter()
            field.fill(str(value))
            field.press("Enter")
            seen_quick = wait_for(status, {f"quick:{rev}", f"full:{rev}"})
            seen_full = wait_for(status, {f"full:{rev}"})
            if i:  # the first change warms the page up
                quick.append(1e3 * (seen_quick - start))
                full.append(1e3 * (seen_full - start))
        browser.close()
    cores = os.cpu_count()
    print(f"{args.changes} lever changes in Chromium, {cores} cores; quick answer "
          f"{QUICK} members, full ensemble {FULL} members (2025-2034 from the stored states)")
    for name, times in (("quick", quick), ("full", full)):
        print(f"{name}: median {np.median(times):.0f} ms, p95 {np.percentile(times, 95):.0f} ms")
    print(f"lever to chart p95: {np.percentile(quick, 95):.0f} ms quick, "
          f"{np.percentile(full, 95):.0f} ms full")


if __name__ == "__main__":
    main()
