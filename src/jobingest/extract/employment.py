"""Employment type from a board's label or a title ("Full-time", "Werkstudent", "CDI")."""

from __future__ import annotations

import re
from functools import lru_cache

from jobingest.extract.scan import WordPattern, lowered
from jobingest.models import EmploymentType

_RULES: tuple[tuple[EmploymentType, re.Pattern[str]], ...] = (
    (
        EmploymentType.internship,
        re.compile(
            r"\b(intern|internship|interns|trainee|praktikum|praktikant\w*|werkstudent\w*|"
            r"stage|stagiaire|alternance|apprenti\w*|pr[áa]cticas|becario|becaria)\b",
            re.IGNORECASE,
        ),
    ),
    (EmploymentType.freelance, re.compile(r"\b(freelance\w*|freiberuflich|aut[óo]nomo)\b", re.IGNORECASE)),
    (
        EmploymentType.contract,
        re.compile(r"\b(contract|contractor|fixed[\s-]term|befristet|cdd|contrato\s+temporal)\b", re.IGNORECASE),
    ),
    (EmploymentType.temporary, re.compile(r"\b(temporary|temp|seasonal|aushilfe|int[ée]rim)\b", re.IGNORECASE)),
    (
        EmploymentType.part_time,
        re.compile(r"\b(part[\s-]?time|teilzeit|temps\s+partiel|media\s+jornada|jornada\s+parcial)\b", re.IGNORECASE),
    ),
    (
        EmploymentType.full_time,
        re.compile(
            r"\b(full[\s-]?time|permanent|regular|vollzeit|unbefristet|cdi|temps\s+plein|"
            r"jornada\s+completa|tiempo\s+completo|indefinido)\b",
            re.IGNORECASE,
        ),
    ),
)  # fmt: skip


@lru_cache(maxsize=4096)
def employment_type_from_label(label: str | None) -> EmploymentType | None:
    """The type a short label names; None when it names none or several that disagree.

    Cached: boards repeat a handful of labels ("Full-time", "full_time") and titles."""
    if not label:
        return None
    found = [kind for kind, pattern in _RULES if pattern.search(label)]
    if len(found) == 1:
        return found[0]
    # "Full-time, permanent" or "Intern (full-time)": the more specific kind wins.
    if found and found[-1] is EmploymentType.full_time:
        return found[0]
    return None


# Only explicit statements about this job: "Job type: Full-time", "This is a contract role",
# "Vollzeit", "CDI". A word in passing ("our full-time staff") is not a statement.
# Each with the literals its matches start with, so only those places are tried (see scan.py).
_STATEMENTS = (
    WordPattern(
        re.compile(
            r"\b(?:job|employment|position|work|contract|role|engagement)\s*type\s*[:\-–]\s*"
            r"(?P<label>[^\n.;|•]{2,40})",
            re.IGNORECASE,
        ),
        ("job", "employment", "position", "work", "contract", "role", "engagement"),
        needs=("type",),
    ),
    WordPattern(
        re.compile(
            r"\bthis is an?\s+(?P<label>(?:full|part)[\s-]?time|contract(?:or)?|temporary|"
            r"freelance|permanent|fixed[\s-]term)\b[^.\n]{0,40}?\b(?:role|position|job|"
            r"opportunity|contract|engagement|assignment)\b",
            re.IGNORECASE,
        ),
        ("this is a",),
    ),
    WordPattern(
        re.compile(
            r"\b(?P<label>(?:full|part)[ \t-]?time|contract(?:-to-hire)?|temporary|freelance)"
            r"[ \t]+(?:permanent[ \t]+)?(?:role|position|job|opportunity|employment|assignment)\b",
            re.IGNORECASE,
        ),
        ("full", "part", "contract", "temporary", "freelance"),
    ),
    WordPattern(
        re.compile(
            r"\b(?P<label>in\s+(?:vollzeit|teilzeit)|(?:festanstellung|unbefristet|befristet)|"
            r"\bcdi\b|\bcdd\b|(?:à\s+)?temps\s+(?:plein|partiel)|jornada\s+(?:completa|parcial)|"
            r"contrato\s+indefinido)",
            re.IGNORECASE,
        ),
        ("in", "festanstellung", "unbefristet", "befristet", "cdi", "cdd", "à", "temps",
         "jornada", "contrato"),
        when={"in": ("vollzeit", "teilzeit"), "à": ("temps",)},
    ),
)  # fmt: skip


_ALTERNATIVES = re.compile(r"\s+(?:or|oder|ou|o)\s+|\s*/\s*", re.IGNORECASE)


def employment_type_from_text(text: str | None) -> EmploymentType | None:
    """The employment type a description states outright; None when it states none or two."""
    if not text:
        return None
    found = set()
    low = lowered(text)
    for pattern in _STATEMENTS:
        for match in pattern.finditer(text, low):
            # "Full-time or part-time" states two answers, which is no answer.
            for part in _ALTERNATIVES.split(match.group("label")):
                kind = employment_type_from_label(part)
                if kind is not None:
                    found.add(kind)
    return found.pop() if len(found) == 1 else None
