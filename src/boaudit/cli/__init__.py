"""The command-line interface: the only layer that knows Typer, rich, exit codes and files.

``boaudit --version`` is answered here, before the commands are built: a script that checks
the version pays for the interpreter and this package only. Everything else goes to the Typer
app (:mod:`boaudit.cli.app`), imported on first use.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from boaudit import __version__
from boaudit.lazy import lazy_attributes

if TYPE_CHECKING:
    from boaudit.cli.app import app

__all__ = ["app", "main", "version_line"]

__getattr__ = lazy_attributes(__name__, globals(), {"app": "boaudit.cli.app"})


def version_line() -> str:
    """What ``boaudit --version`` prints, by either path."""
    return f"boaudit {__version__}"


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:  # the whole command line: other flags need the app
        print(version_line())
        return
    from boaudit.cli.app import main as run

    run()
