"""Handing freed memory back to the operating system between the steps of a large run."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache

import pyarrow as pa  # type: ignore[import-untyped]


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_memory() -> None:
    """Hand freed memory back to the operating system: Arrow's pool keeps what it freed for
    reuse, and so does glibc's heap (NumPy arrays of a few MB land there once one was freed),
    so after a large load the process would otherwise stay ~100 MB above what it holds.
    ``malloc_trim`` also trims the arenas of worker threads, whose freed memory the main
    thread would not reuse."""
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
