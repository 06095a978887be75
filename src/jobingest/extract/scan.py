"""The same matches as `pattern.finditer(text)`, found faster by trying the pattern only where a
match can start.

Python's `re` tries an alternation of words at every position of a text (folding case on the
way when IGNORECASE is set): about 1 ms for one pattern over a 4 KB description, which made text
extraction the cost of a replay. Finding a few literals with `str.find` in one lowered copy of
the text, or the digits an amount must contain, and calling `pattern.match` only there gives the
same spans and groups in a tenth of the time. `match(text, pos)` sees the text before `pos`, so
lookbehinds and `\\b` behave exactly as they do in `finditer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

# Characters whose lower case is not what IGNORECASE compares them as ("ſ" matches "s", "ı"
# matches "i") or is two characters long ("İ"): a lowered copy with one of them could miss a
# match or shift offsets, so the plain scan runs instead. (Three `str.find`s cost a tenth of a
# regex scan for them.)
_UNSAFE_TO_LOWER = "\u0130\u0131\u017f"


def lowered(text: str) -> str | None:
    """`text.lower()` with offsets equal to the text's and matching as IGNORECASE does, or None."""
    if not text.isascii() and any(char in text for char in _UNSAFE_TO_LOWER):
        return None
    low = text.lower()
    return low if len(low) == len(text) else None


def match_from(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` when `starts` (ascending) holds every position a match can start
    at. The pattern must never match the empty string."""
    position = 0
    match = pattern.match
    for start in starts:
        if start < position:
            continue
        found = match(text, start)
        if found is not None:
            yield found
            position = found.end()


@dataclass(frozen=True)
class WordPattern:
    """A pattern each of whose matches starts with one of `literals` (lower case, any case in
    the text) or, with `digits`, with a decimal digit.

    `needs`: words of which every match contains one; a text without any has no match.
    `when`: a literal (or "digits") that starts only matches containing one of these words, so
    a common one ("in" of "in Vollzeit") is tried only when such a word occurs.
    `never_inside`: characters no match contains, where `starts_in` may begin its scan.
    """

    pattern: re.Pattern[str]
    literals: tuple[str, ...]
    needs: tuple[str, ...] = ()
    digits: bool = False
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    never_inside: str = ""

    def finditer(self, text: str, low: str | None) -> Iterator[re.Match[str]]:
        """`pattern.finditer(text)`; `low` is `lowered(text)`."""
        if low is None:
            return self.pattern.finditer(text)
        if self.needs and not any(word in low for word in self.needs):
            return iter(())
        return match_from(self.pattern, text, self.starts(low))

    def search(self, text: str, low: str | None) -> re.Match[str] | None:
        """`pattern.search(text)`; `low` is `lowered(text)`."""
        return next(self.finditer(text, low), None)

    def starts(self, low: str) -> list[int]:
        found: set[int] = set()
        for literal in self.literals:
            if not self._wanted(literal, low):
                continue
            at = low.find(literal)
            while at >= 0:
                found.add(at)
                at = low.find(literal, at + 1)
        if self.digits and self._wanted("digits", low):
            for start, end in digit_runs(low):
                found.update(range(start, end))
        return sorted(found)

    def starts_in(self, text: str, low: str, resume: int, start: int, end: int) -> bool:
        """Whether `finditer(text, low)` has a match starting in [start, end), when `resume` (at
        most `start`) is 0 or follows a `never_inside` character: no match spans that character,
        so `finditer` restarts at `resume` just as it does in the whole text, and only the few
        words of [resume, end) need be found (without `needs` and `when`, which only skip tries
        that cannot match)."""
        starts: set[int] = set()
        for literal in self.literals:
            limit = end - 1 + len(literal)
            at = low.find(literal, resume, limit)
            while at >= 0:
                starts.add(at)
                at = low.find(literal, at + 1, limit)
        if self.digits:
            for first, last in digit_runs(low[resume:end]):
                starts.update(range(resume + first, resume + last))
        found = match_from(self.pattern, text, sorted(starts))
        return any(match.start() >= start for match in found)

    def _wanted(self, literal: str, low: str) -> bool:
        words = self.when.get(literal)
        return words is None or any(word in low for word in words)


_DIGIT_RUN = re.compile(r"\d+")
# Each ASCII character to "0" when it is a digit, else to " ": `str.find` in the translated copy
# finds the digits at C speed, where a `\d` scan costs about 10 ns a character (25 µs for a
# description).
_DIGIT_MARKS = str.maketrans(
    {chr(code): "0" if chr(code).isdigit() else " " for code in range(128)}
)
# Past this many non-ASCII characters (or "?"), checking each for a digit costs more than `\d+`.
_MAX_CHECKED = 64


def digit_runs(text: str) -> Iterator[tuple[int, int]]:
    """The spans of `re.finditer(r"\\d+", text)`, ascending."""
    marks = _digit_marks(text)
    if marks is None:
        for run in _DIGIT_RUN.finditer(text):
            yield run.span()
        return
    end = 0
    while (start := marks.find("0", end)) >= 0:
        end = marks.find(" ", start)
        if end < 0:
            end = len(marks)
        yield start, end


def _digit_marks(text: str) -> str | None:
    """`text` with each digit a "0" and any other character a " "; None when a digit is not
    ASCII or there are too many non-ASCII characters to look at one by one. (`\\d` is
    `str.isdecimal`; a non-ASCII character, "?" in the ASCII copy, is rarely a digit.)"""
    if not text.isascii():
        data = text.encode("ascii", "replace")
        if data.count(b"?") > _MAX_CHECKED:
            return None
        at = data.find(b"?")
        while at >= 0:
            if text[at].isdecimal():
                return None
            at = data.find(b"?", at + 1)
        text = data.decode("ascii")
    return text.translate(_DIGIT_MARKS)


# What a currency prefix can start with besides a letter ("USD", "kr.", "CA$", "zł"): the signs
# of `salary_words._PRE`.
_SIGNS = "$£€¥₹₱₩₺₪"


def money_starts(text: str, prefix_width: int) -> Iterator[int]:
    """Every position a match of a pattern shaped `(?:prefix)?(?<![\\d.,'’])\\d…` can start at,
    ascending, where the optional prefix holds no digit, starts with a letter or one of `_SIGNS`
    and is at most `prefix_width` long: the first digit of a run (not after a separator) and the
    letters and signs among the few positions before it."""
    tried = 0
    for first, _ in digit_runs(text):
        if first and text[first - 1] in ".,'’":
            continue
        for start in range(max(tried, first - prefix_width), first):
            if text[start].isalpha() or text[start] in _SIGNS:
                yield start
        yield first
        tried = first + 1
