"""What a fresh interpreter imports: the start-up tests run their code in one, since the test
session itself has imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("pandas", "numpy", "pyarrow")


def heavy_modules_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """Run ``code`` in a new interpreter; the ``heavy`` modules it left in ``sys.modules``."""
    script = (
        f"{code}\n"
        "import json, sys\n"
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.__stderr__)\n"
    )
    # Without coverage's subprocess measurement: it imports sqlite3 at start-up.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded
