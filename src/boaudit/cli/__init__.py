"""The command-line interface: the only layer that knows Typer, rich, exit codes and files."""

from boaudit.cli.app import app, main

__all__ = ["app", "main"]
