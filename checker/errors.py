"""Errors that reach the user: each names where the problem is and what was expected.

Also the check that keeps a string read from a file from acting on a terminal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import AfterValidator


@dataclass(frozen=True)
class Location:
    """A place in an input file. Lines and columns count from 1; 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file

    def shifted(self, columns: int) -> "Location":
        """The location `columns` characters further along the same line."""
        return Location(self.file, self.line, self.column + columns if self.column else 0)


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class InputError(Exception):
    """Unusable input (exit code 2). Carries every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def fail(location: Location, message: str) -> InputError:
    return InputError([Problem(location, message)])


# ---- strings from files that are printed ----------------------------------------------

_BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])  # reorder the text around them


def unprintable(text: str, one_line: bool) -> str | None:
    """The first character of `text` that must not reach a terminal or a report as it
    is, described (`U+001B (a control character)`), or None. Control characters move
    the cursor, clear the screen or start a line that looks like the checker's own;
    bidirectional controls reorder what a reviewer reads; a lone surrogate cannot be
    written at all. `one_line` also refuses line breaks, tabs and every other
    invisible format character (an id or a name)."""
    for ch in text:
        if ch in "\n\t" and not one_line:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Zl", "Zp") or ord(ch) in _BIDI_CONTROLS or (one_line and category == "Cf"):
            what = unicodedata.name(ch, "a lone surrogate" if category == "Cs" else "a control character")
            return f"U+{ord(ch):04X} ({what.lower()})"
    return None


def plain_line(value: str) -> str:
    """`value`, or ValueError when it is not one line of plain text (a pydantic validator)."""
    bad = unprintable(value, one_line=True)
    if bad:
        raise ValueError(f"contains {bad}: it is printed on terminals and in reports, so it must be one line of plain text")
    return value


def plain_text(value: str) -> str:
    """`value`, or ValueError when it is not plain text (a pydantic validator)."""
    bad = unprintable(value, one_line=False)
    if bad:
        raise ValueError(f"contains {bad}: it is printed on terminals and in reports, so it must be plain text")
    return value


def shown(text: str) -> str:
    """`text` with each character `unprintable` refuses written as an escape (`\\x1b`),
    for a message that quotes the file's own text (pydantic's do)."""
    if unprintable(text, one_line=True) is None:
        return text
    return "".join(repr(ch)[1:-1] if unprintable(ch, one_line=True) else ch for ch in text)


def field_path(loc: tuple) -> str:
    """A pydantic error's location as `clauses.0.quote`; a key that is not one line of
    plain text (a key is the file's own text) is quoted, escapes and all."""
    return ".".join(repr(p) if isinstance(p, str) and (not p or unprintable(p, one_line=True)) else str(p) for p in loc)


Line = Annotated[str, AfterValidator(plain_line)]  # an id, a name, a title: one line of plain text
Text = Annotated[str, AfterValidator(plain_text)]      # a quote, a note, a reason: plain text, lines and tabs allowed
