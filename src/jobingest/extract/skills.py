"""Skills and tools named in a posting's text, as canonical names from taxonomy/skills.yaml.

Names that are also ordinary words need care: "Excel" the spreadsheet but not "excel in", "Go"
the language but not "go to market", "R" the language but not "R&D". skills.yaml marks those as
exact-case, or as needing the context of a tools list ("R, Python", "in Go").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from jobingest.extract.fold import words
from jobingest.extract.industry import industry_from_text
from jobingest.extract.scan import lowered
from jobingest.taxonomy import load

__all__ = ["extract_skills", "industry_from_text", "skill_names"]

_MAX_TEXT = 200_000
# What may not come right before a name, and what may not follow it.
_LEFT = r"[\w.+#@]"
_RIGHT = r"(?![\w+#])"
_CONTEXT_LEFT = r"[\w.+#@&'-]"
_CONTEXT_RIGHT = r"(?![\w+#&'’-])(?!\.\w)"
_CONTEXT_PREVIOUS = words(
    "in with using and or like as of including eg e.g. such languages language python java sql "
    "scala rust kotlin javascript typescript sas matlab julia also either"
)
_CONTEXT_NEXT = words(
    "and or programming language languages studio shiny scripts scripting packages package "
    "developer developers engineer engineers lang code libraries library microservices services "
    "modules experience skills"
)
# "Medicare Part C", "Vitamin C", "Type R", "Schedule C": a letter naming a part, not a language.
_NOT_CONTEXT_PREVIOUS = words(
    "part vitamin schedule section grade class type level hepatitis plan suite tier room building "
    "unit phase series form exhibit appendix team model option size category group zone area "
    "sector block box route lot step stage item mr ms dr mrs plus"
)
_WORD = re.compile(r"[\w.]+")


@dataclass(frozen=True)
class _Matcher:
    insensitive: re.Pattern[str] | None  # IGNORECASE, for a text `lowered` cannot fold
    lowered: re.Pattern[str] | None  # the same names, for the lowered text
    after_break: re.Pattern[str] | None  # and for `_ascii_copy` of it: see `_after_break`
    name_letters: frozenset[str]  # the non-ASCII characters of the lowered names
    sensitive: re.Pattern[str] | None
    contextual: re.Pattern[str] | None
    names: dict[str, str]  # matched text (lowered for insensitive) -> canonical name
    exact_names: dict[str, str]
    lowered_exact: frozenset[str]
    version: str
    skills: tuple[str, ...]


def _alternation(aliases: list[str], *, fold_case: bool, after_first: str) -> str:
    """One regex for many names, factored as a trie: shared prefixes are matched once, so the
    engine tries a handful of branches per position instead of every alias (10x on long text).
    Longest names still win: at each node the longer continuation is tried before stopping.
    `after_first` goes after each name's first character."""
    trie: dict[str, Any] = {}
    for alias in set(aliases):
        node = trie
        for char in " ".join((alias.lower() if fold_case else alias).split()):
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie, after_first=after_first)


def _trie_regex(node: dict[str, Any], after_first: str = "") -> str:
    ends_here = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + after_first + _trie_regex(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return f"(?:{body})?"
    return body


def _compile(
    aliases: list[str], left: str, right: str, flags: int, *, few: bool = False
) -> re.Pattern[str] | None:
    """Names not after a `left` character and not before `right`.

    With `few` first characters (the exact-case names), "not after" is checked after the first
    character (`a(?<!L.)…` is `(?<!L)a…`), so every branch starts with a literal and `re` skips
    the positions no name starts at; with many, checking it first rejects mid-word positions
    sooner."""
    if not aliases:
        return None
    fold_case = bool(flags & re.IGNORECASE)
    if few:
        body = _alternation(aliases, fold_case=fold_case, after_first=f"(?<!{left}.)")
        return re.compile(f"(?:{body}){right}", flags)
    body = _alternation(aliases, fold_case=fold_case, after_first="")
    return re.compile(f"(?<!{left})(?:{body}){right}", flags)


def _compile_after_break(aliases: list[str]) -> re.Pattern[str] | None:
    """The lowered names after one ASCII character that may come before a name (not `_LEFT`);
    None when a name holds a character `_ascii_copy` would not keep apart (then the look-behind
    pattern runs)."""
    chars = {char for alias in aliases for char in alias}
    if (
        not aliases
        or {_LETTER, _OTHER} & chars
        or not all(c.isascii() or c.isalnum() for c in chars)
    ):
        return None
    left = re.compile(_LEFT)
    breaks = "".join(re.escape(chr(code)) for code in range(128) if not left.match(chr(code)))
    body = _alternation(aliases, fold_case=False, after_first="")
    return re.compile(f"[{breaks}](?:{body}){_RIGHT}")


# Past this many non-ASCII characters, `_ascii_copy` leaves the text to the look-behind pattern.
_MAX_REPLACED = 64
# What `_ascii_copy` puts for a non-ASCII letter or digit (`\w`), and for any other non-ASCII
# character but a space (which becomes " "): characters of no name, as the originals are.
_LETTER = "_"
_OTHER = "\x00"


def _ascii_copy(low: str, keep: frozenset[str]) -> str | None:
    """`low` with each non-ASCII character but the names' own (`keep`, letters) replaced by an
    ASCII one the names' pattern treats alike (it can only be a space, a letter of no name, or
    neither space nor `\\w`), for `_after_break`; None past `_MAX_REPLACED` of them."""
    if low.isascii():
        return low
    data = low.encode("ascii", "replace")
    if data.count(b"?") > _MAX_REPLACED:
        return None
    pieces: list[str] = []
    done = 0
    at = data.find(b"?")
    while at >= 0:
        char = low[at]
        if not char.isascii() and char not in keep:
            pieces += [
                low[done:at],
                " " if char.isspace() else _LETTER if char.isalnum() else _OTHER,
            ]
            done = at + 1
        at = data.find(b"?", at + 1)
    return "".join(pieces) + low[done:]


def _after_break(pattern: re.Pattern[str], low: str) -> Iterator[tuple[int, int]]:
    """The spans of `_Matcher.lowered.finditer(low)` when every non-ASCII character of `low`
    is a letter of a name (`_ascii_copy`), a third faster.

    `re` tries a pattern that starts with a look-behind at every position of the text; one
    that starts by matching the character before the name, from a set of ASCII characters,
    lets it skip to the next such character. A space in front stands for the text's start, and
    each search resumes at the character before the previous name's end, so that a name right
    after another is found as `finditer` finds it."""
    text = " " + low
    position = 0
    while (found := pattern.search(text, position)) is not None:
        yield found.start(), found.end() - 1
        position = found.end() - 1


@cache
def _matcher() -> _Matcher:
    data = load("skills.yaml")
    names: dict[str, str] = {}
    exact_names: dict[str, str] = {}
    insensitive: list[str] = []
    sensitive: list[str] = []
    contextual: list[str] = []
    skills: list[str] = []
    for entry in data["skills"]:
        name = str(entry["name"])
        skills.append(name)
        for alias in entry.get("aliases", []):
            names[" ".join(str(alias).lower().split())] = name
            insensitive.append(str(alias))
        for alias in entry.get("exact_case", []):
            exact_names[str(alias)] = name
            sensitive.append(str(alias))
        for alias in entry.get("in_context", []):
            exact_names[str(alias)] = name
            contextual.append(str(alias))
    return _Matcher(
        insensitive=_compile(insensitive, _LEFT, _RIGHT, re.IGNORECASE),
        lowered=_compile([alias.lower() for alias in insensitive], _LEFT, _RIGHT, 0),
        after_break=_compile_after_break([alias.lower() for alias in insensitive]),
        name_letters=frozenset(
            char for alias in insensitive for char in alias.lower() if not char.isascii()
        ),
        sensitive=_compile(sensitive, _LEFT, _RIGHT, 0, few=True),
        contextual=_compile(contextual, _CONTEXT_LEFT, _CONTEXT_RIGHT, 0, few=True),
        names=names,
        exact_names=exact_names,
        lowered_exact=frozenset(alias.lower() for alias in exact_names),
        version=str(data["version"]),
        skills=tuple(skills),
    )


def skill_names() -> tuple[str, ...]:
    """Every canonical skill name in skills.yaml."""
    return _matcher().skills


def _in_context(text: str, start: int, end: int) -> bool:
    """A tools list or a language phrase around a one-letter name ("in R", "R, Python")."""
    before = text[max(0, start - 40) : start].rstrip()
    after = text[end : end + 40].lstrip()
    previous_words = _WORD.findall(before.lower())
    previous = previous_words[-1] if previous_words else ""
    if previous in _NOT_CONTEXT_PREVIOUS:
        return False
    if before[-1:] == "/":
        # "Python/R" is a list of languages, "A/C" is air conditioning
        matcher = _matcher()
        return previous in matcher.names or previous in matcher.lowered_exact
    if before[-1:] in {",", "(", "&", "+"} or previous in _CONTEXT_PREVIOUS:
        return True
    next_words = _WORD.findall(after.lower())
    following = next_words[0].rstrip(".") if next_words else ""
    return after[:1] in {",", "/", ")"} or following in _CONTEXT_NEXT


def _spans(text: str) -> list[tuple[int, int, str]]:
    matcher = _matcher()
    spans: list[tuple[int, int, str]] = []
    low = lowered(text)
    copy = _ascii_copy(low, matcher.name_letters) if low is not None else None
    found: Iterable[tuple[int, int]] = ()
    if copy is not None and matcher.after_break is not None:
        found = _after_break(matcher.after_break, copy)
    elif low is not None and matcher.lowered is not None:
        found = (match.span() for match in matcher.lowered.finditer(low))
    elif low is None and matcher.insensitive is not None:
        found = (match.span() for match in matcher.insensitive.finditer(text))
    for start, end in found:
        # IGNORECASE also matches "ı" for "i": such a spelling names no alias, so no skill
        name = matcher.names.get(" ".join(text[start:end].lower().split()))
        if name is not None:
            spans.append((start, end, name))
    if matcher.sensitive is not None:
        for match in matcher.sensitive.finditer(text):
            key = " ".join(match.group(0).split())
            spans.append((match.start(), match.end(), matcher.exact_names[key]))
    if matcher.contextual is not None:
        for match in matcher.contextual.finditer(text):
            if _in_context(text, match.start(), match.end()):
                spans.append((match.start(), match.end(), matcher.exact_names[match.group(0)]))
    return spans


def extract_skills(text: str) -> list[str]:
    """Canonical skill names in order of first appearance, each once; longest name wins overlaps."""
    if not text:
        return []
    text = text[:_MAX_TEXT]
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for start, end, name in sorted(_spans(text), key=lambda s: (s[0], -(s[1] - s[0]))):
        if any(start < t_end and end > t_start for t_start, t_end in taken):
            continue
        taken.append((start, end))
        found.append((start, name))
    result: list[str] = []
    for _, name in sorted(found):
        if name not in result:
            result.append(name)
    return result
