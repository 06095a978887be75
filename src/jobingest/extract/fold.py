"""Text folding shared by the title and skill extractors.

Titles arrive in four languages with accents, gender markers and punctuation variants; folding
them one way in one place keeps aliases and titles comparable.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "ß": "ss"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


def fold(text: str) -> str:
    """Lower case, accents removed, apostrophes and dashes unified ("Ingénieure" -> "ingenieure")."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_DASHES)
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Runs of whitespace to one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


# "(m/w/d)", "(f/h)", "(H/F)", "(all genders)", "m/w/d" and German gender endings
# ("Entwickler*in", "Entwickler:in", "EntwicklerIn", "Analyst/-in").
_GENDER_MARKERS = re.compile(
    r"\(\s*(?:[mwfdhxi](?:\s*[/|,*]\s*[mwfdhxi]){1,3}|all genders?|alle geschlechter|gn|genderneutral|"
    r"tous genres|todos los generos)\s*\)"
    r"|(?<![\w/])[mwfdh](?:\s*/\s*[mwfdhx]){1,3}(?![\w/])",
    re.IGNORECASE,
)
_GERMAN_ENDINGS = re.compile(
    r"(?<=[a-zäöüß])(?:[*:_]|/-?)(?:in|innen)\b|(?<=[a-zäöüß])In(?:nen)?\b"
)


def strip_gender_markers(text: str) -> str:
    """The title without gender markers; they say nothing about role or level."""
    return _GERMAN_ENDINGS.sub("", _GENDER_MARKERS.sub(" ", text))


def words(text: str) -> frozenset[str]:
    """A word set written as one string, for long vocabularies that read better as prose."""
    return frozenset(text.split())
