"""Employment type from a board's label or a title ("Full-time", "Werkstudent", "CDI")."""

from __future__ import annotations

import re

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


def employment_type_from_label(label: str | None) -> EmploymentType | None:
    """The type a short label names; None when it names none or several that disagree."""
    if not label:
        return None
    found = [kind for kind, pattern in _RULES if pattern.search(label)]
    if len(found) == 1:
        return found[0]
    # "Full-time, permanent" or "Intern (full-time)": the more specific kind wins.
    if found and found[-1] is EmploymentType.full_time:
        return found[0]
    return None
