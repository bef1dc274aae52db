"""A policy's source text: verbatim quote matching and sentence coverage.

Matching ignores differences of Unicode normal form (NFKC), of white space and of
curly versus straight quotes; every match maps back to lines of the original file.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

_QUOTE_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).translate(_QUOTE_FOLD)


def normalise(text: str) -> str:
    """The form quotes are compared in (white space folded to single spaces).

    Same result as `normalised_with_map(text)[0]`, without the per-character map.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)
    return " ".join(folded.split())


def normalised_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text, and for each of its characters the offset in `text` it came from."""
    out: list[str] = []
    origin: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        folded = _fold(ch)
        for f in folded:
            if f.isspace():
                pending_space = bool(out)
                continue
            if pending_space:
                out.append(" ")
                origin.append(i)
                pending_space = False
            out.append(f)
            origin.append(i)
    return "".join(out), origin


# A sentence ends at . ! ? followed by white space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offsets into the normalised text
    end: int
    line: int


@dataclass
class SourceText:
    path: str
    text: str
    normal: str = field(init=False)
    origin: list[int] = field(init=False, repr=False)
    line_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.normal, self.origin = normalised_with_map(self.text)
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", self.text)]

    def find(self, quote: str, start: int = 0) -> tuple[int, int] | None:
        """The span of the normalised text where `quote` stands, or None."""
        needle = normalise(quote)
        if not needle:
            return None
        at = self.normal.find(needle, start)
        return None if at < 0 else (at, at + len(needle))

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        spans, start = [], 0
        while (span := self.find(quote, start)) is not None:
            spans.append(span)
            start = span[0] + 1
        return spans

    def line_of(self, normal_offset: int) -> int:
        """1-based line in the original file of a normalised offset."""
        original = self.origin[min(normal_offset, len(self.origin) - 1)] if self.origin else 0
        return bisect_right(self.line_starts, original)

    def sentences(self) -> list[Sentence]:
        """The sentences of the text: split at line breaks and sentence-final punctuation."""
        result = []
        for line_no, line in enumerate(self.text.split("\n"), start=1):
            for piece in _SENTENCE_END.split(line):
                words = piece.strip().lstrip("•*-–").strip()
                if not re.search(r"[A-Za-z]{2}", words):
                    continue
                span = self.find(words, self._line_offset(line_no))
                if span is None:  # pragma: no cover - a piece of the text is always in it
                    continue
                result.append(Sentence(normalise(words), span[0], span[1], line_no))
        return result

    def _line_offset(self, line_no: int) -> int:
        original = self.line_starts[line_no - 1]
        # first normalised offset whose origin is at or after the line start
        lo, hi = 0, len(self.origin)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.origin[mid] < original:
                lo = mid + 1
            else:
                hi = mid
        return max(0, lo - 1)
