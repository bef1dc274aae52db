"""Errors that reach the user: each names where the problem is and what was expected."""

from __future__ import annotations

from dataclasses import dataclass, field


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
