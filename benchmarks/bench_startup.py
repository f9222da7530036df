"""Start-up cost of the command line: ``boaudit --version`` and ``--help`` against the bare
import of Typer and rich, which every command pays anyway.

Target: ``boaudit --version`` at most 1.5x ``python -c "import typer, rich"`` (wall time, the
median of per-pair ratios). The two run in turn, A B A B ..., so that a machine whose speed
drifts moves both sides of a pair alike; CPU time (user + system of the child) is printed beside
wall time. It also checks, with ``-X importtime``, that neither command imports pandas, numpy or
pyarrow.

    python benchmarks/bench_startup.py --pairs 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("pandas", "numpy", "pyarrow")
TARGET = 1.5


def _timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv`` (CPU: the child's user + system)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def heavy_imports(args: list[str]) -> list[str]:
    """The heavy packages ``python -X importtime -m boaudit ARGS`` imports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "boaudit", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return sorted(name for name in HEAVY if name in names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20, help="interleaved pairs per command")
    args = parser.parse_args()
    boaudit = str(Path(sys.executable).parent / "boaudit")
    yardstick = [sys.executable, "-c", "import typer, rich"]
    print(f"{'command':<18} {'wall median':>12} {'cpu median':>11} {'ratio median':>13} range")
    verdict = 0
    for label, argv in (("--version", [boaudit, "--version"]), ("--help", [boaudit, "--help"])):
        for warm in (argv, yardstick):  # the file cache, for both
            _timed(warm)
        walls, cpus, ratios = [], [], []
        base_walls, base_cpus = [], []
        for _ in range(args.pairs):
            wall, cpu = _timed(argv)
            base_wall, base_cpu = _timed(yardstick)
            walls.append(wall)
            cpus.append(cpu)
            base_walls.append(base_wall)
            base_cpus.append(base_cpu)
            ratios.append(wall / base_wall)
        ratio = statistics.median(ratios)
        print(
            f"boaudit {label:<10} {statistics.median(walls):>11.3f}s "
            f"{statistics.median(cpus):>10.3f}s {ratio:>12.2f}x "
            f"{min(ratios):.2f}-{max(ratios):.2f}"
        )
        print(
            f"{'import typer, rich':<18} {statistics.median(base_walls):>11.3f}s "
            f"{statistics.median(base_cpus):>10.3f}s"
        )
        heavy = heavy_imports([label])
        print(f"  heavy packages imported by boaudit {label}: {', '.join(heavy) or 'none'}")
        if label == "--version" and (ratio > TARGET or heavy):
            verdict = 1
    print(f"target: boaudit --version at most {TARGET}x, no heavy package: ", end="")
    print("met" if verdict == 0 else "MISSED")
    return verdict


if __name__ == "__main__":
    sys.exit(main())
