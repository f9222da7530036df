"""Typer options declared once and attached to every command that takes them.

An :class:`OptionBundle` is a decorator, after sqlite-utils' ``output_options``: the command
names what it receives (``ingest_options: IngestOptions``, keyword-only), the bundle puts its
options in the command's signature where those names stand, and at call time takes their
values out of the keyword arguments and hands the command what it built from them. Typer reads
the signature and the annotations it is given, so the ``--help`` panels list the options in
the bundle's order, at the place of the command's parameters.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

R = TypeVar("R")

Build = Callable[[Mapping[str, Any]], dict[str, Any]]


def option(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    """One option of a bundle: ``annotation`` is ``Annotated[type, typer.Option(...)]``."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


@dataclass(frozen=True)
class OptionBundle:
    """Options (in their ``--help`` order) and what turns their values into the command's
    arguments ``gives``."""

    options: tuple[inspect.Parameter, ...]
    gives: tuple[str, ...]
    build: Build

    def ordered(self, *names: str) -> OptionBundle:
        """The same bundle with its options listed in the order of ``names`` (all of them)."""
        by_name = {parameter.name: parameter for parameter in self.options}
        if sorted(names) != sorted(by_name):
            raise ValueError(f"give every option once: {', '.join(by_name)}")
        return replace(self, options=tuple(by_name[name] for name in names))

    def __call__(self, func: Callable[..., R]) -> Callable[..., R]:
        signature = _resolved(func)
        missing = [name for name in self.gives if name not in signature.parameters]
        if missing:
            raise TypeError(f"{func.__name__} does not take {', '.join(missing)}")
        names = [parameter.name for parameter in self.options]
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            if parameter.name not in self.gives:
                parameters.append(parameter)
            elif not set(names) & {p.name for p in parameters}:
                parameters.extend(self.options)  # where the first of them stands

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> R:
            values = {name: kwargs.pop(name) for name in names}
            return func(*args, **kwargs, **self.build(values))

        new = signature.replace(parameters=parameters)
        vars(wrapper)["__signature__"] = new
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters} | {
            "return": new.return_annotation
        }
        return wrapper


def _resolved(func: Callable[..., Any]) -> inspect.Signature:
    """``func``'s signature with its annotations evaluated, except those of parameters a
    bundle gives (their types need not be importable when the command is declared)."""
    signature = inspect.signature(func)
    namespace = inspect.unwrap(func).__globals__

    def value(annotation: Any) -> Any:
        return eval(annotation, namespace) if isinstance(annotation, str) else annotation

    parameters = [
        parameter
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is parameter.empty
        else parameter.replace(annotation=value(parameter.annotation))
        for parameter in signature.parameters.values()
    ]
    return signature.replace(
        parameters=parameters, return_annotation=value(signature.return_annotation)
    )
