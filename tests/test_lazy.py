"""Package attributes imported on first use: each public name resolves, unknown ones fail."""

from __future__ import annotations

import importlib

import pytest

import boaudit.metrics
import boaudit.report


@pytest.mark.parametrize("package", [boaudit.metrics, boaudit.report])
def test_every_public_name_resolves_to_its_home_modules_object(package: object) -> None:
    for name in package.__all__:  # type: ignore[attr-defined]
        home = importlib.import_module(package._HOMES[name])  # type: ignore[attr-defined]
        assert getattr(package, name) is getattr(home, name)
        assert name in vars(package)  # kept after the first lookup


@pytest.mark.parametrize("package", [boaudit.metrics, boaudit.report])
def test_an_unknown_name_is_an_attribute_error(package: object) -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        getattr(package, "nothing_here")  # noqa: B009 - the name is the point of the test
