"""TOML files validated by a pydantic model, every problem one line naming the file and its key.

The configuration (``boaudit.toml``), the roles of ``boaudit plan``, the expected route and the
business calendar are read the same way: a file that cannot be read is missing input (66), one
that is not TOML or does not fit the model is a configuration error (78).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from boaudit.errors import ConfigError, InputMissingError
from boaudit.fileio import parse_problem

ModelT = TypeVar("ModelT", bound=BaseModel)

UNKNOWN_KEY = "unknown key; remove it or check its spelling"


def load_model(path: Path, model: type[ModelT], *, unknown: str = UNKNOWN_KEY) -> ModelT:
    """``path`` read as TOML and validated by ``model``; ``unknown`` words an unknown key."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputMissingError(f"{path}: no such configuration file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {parse_problem(exc)}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = unknown
            elif error["type"] == "missing":
                message = "missing; add this key"
            problems.append(f"{path}: {location(error['loc'])}: {message}")
        raise ConfigError(problems[0], problems[1:]) from exc


def location(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the key a user writes: ``outputs[0].format``."""
    parts: list[str] = []
    for item in loc:
        if item == "[key]":  # pydantic's marker for a bad dict key: the key itself is named
            continue
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]" if parts else f"[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"
