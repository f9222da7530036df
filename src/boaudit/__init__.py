"""boaudit: back-office audits from interview answers and system exports.

The package is a library first; :mod:`boaudit.cli` is the only layer that knows about the
terminal, exit codes and files on disk.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
