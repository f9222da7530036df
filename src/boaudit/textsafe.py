"""Text from exports and answers, made safe to print on a terminal.

A cell of an export can hold anything: escape sequences that recolour or clear the screen,
retitle the window or move the cursor, a bell, a backspace that hides what precedes it, or
Unicode bidirectional overrides that show text in another order than it is stored.
:func:`printable` shows each such character as a visible escape (``\\x1b``, ``\\u202e``), so
what reaches the terminal is what the file holds, and nothing of it is obeyed.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = True) -> str:
    """``text`` with every control character and every bidirectional control shown as a
    visible escape; tab and newline are kept unless ``lines`` is false (one line of a log)."""
    pattern = _UNSAFE if lines else _UNSAFE_IN_LINE
    return pattern.sub(_escape, text) if pattern.search(text) else text
