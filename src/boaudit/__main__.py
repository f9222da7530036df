"""Run the command-line interface with ``python -m boaudit``."""

from boaudit.cli import main

if __name__ == "__main__":
    main()
