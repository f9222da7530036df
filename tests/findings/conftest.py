"""Fixtures of the evidence tests: the hand-made frames of :mod:`metrics_frames`."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_frames import invoices_frame, tasks_frame


@pytest.fixture
def tasks() -> pd.DataFrame:
    """See :func:`tasks_frame`."""
    return tasks_frame()


@pytest.fixture
def invoices() -> pd.DataFrame:
    """See :func:`invoices_frame`."""
    return invoices_frame()
