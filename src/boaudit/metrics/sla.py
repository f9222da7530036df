"""SLA targets per priority (``--sla-map FILE``).

A TOML file of ``priority = "duration"`` lines (``P1 = "4h"``, ``"*" = "5d"`` for every other
priority), optionally under a ``[sla]`` table; or a CSV file with the columns
``priority,target``.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from boaudit.errors import ConfigError, InputMissingError, UsageError
from boaudit.fileio import parse_problem
from boaudit.metrics.compute import parse_duration
from boaudit.metrics.model import SlaTarget


def load_sla_map(path: Path) -> SlaTarget:
    """Read a per-priority SLA map; raise :class:`ConfigError` naming the bad entry."""
    try:
        text = path.read_text("utf-8-sig")
    except OSError as exc:
        raise InputMissingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    entries: dict[str, str] = {}
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        fields = [name.strip().lower() for name in reader.fieldnames or []]
        if fields[:2] != ["priority", "target"]:
            raise ConfigError(f"{path}: the header must be priority,target")
        for number, row in enumerate(reader, start=2):
            values = list(row.values())
            if len(values) < 2 or not str(values[0] or "").strip():
                raise ConfigError(f"{path}: row {number}: give a priority and a target")
            entries[str(values[0]).strip()] = str(values[1] or "").strip()
    else:
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {parse_problem(exc)}") from None
        table = data.get("sla", data)
        for key, value in table.items():
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ConfigError(f'{path}: {key}: write a duration such as "4h" or "2d"')
            entries[str(key)] = str(value)
    if not entries:
        raise ConfigError(f"{path}: no SLA targets in the file")
    targets: dict[str, float] = {}
    for key, value in entries.items():
        try:
            targets[key] = parse_duration(value)
        except UsageError as exc:
            raise ConfigError(f"{path}: {key}: {exc.message}") from exc
    return SlaTarget(by_priority=targets, label=path.name)
