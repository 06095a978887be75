"""Fill what a board left unstated from the posting's own text, after the connector mapped the
board's structured fields. Board values always win; text only fills nulls.

Each step is a named extractor so `jobingest parse` output and the warehouse agree.
"""

from __future__ import annotations

from datetime import date

from jobingest.extract.employment import employment_type_from_label, employment_type_from_text
from jobingest.extract.level import level_from_title
from jobingest.extract.location import (
    identify_places,
    workplace_from_description,
    workplace_from_text,
)
from jobingest.extract.role import normalize_title
from jobingest.extract.salary import extract_salary
from jobingest.extract.skills import extract_skills
from jobingest.models import Posting


def enrich(posting: Posting, *, fetched_on: date, hours_per_year: int = 2080) -> Posting:
    updates: dict[str, object] = {}
    country = next((p.country for p in posting.locations if p.country), None)
    if posting.salary is None and posting.description_text:
        on = posting.posted_at.date() if posting.posted_at else fetched_on
        salary = extract_salary(
            posting.description_text, country=country, on=on, hours_per_year=hours_per_year
        )
        if salary is not None:
            updates["salary"] = salary
    if posting.level is None:
        # Title only: years asked in a description disagree with boards' own levels too often
        # (LinkedIn "Entry level" posts asking 6 years) to count as evidence here.
        level = level_from_title(posting.title)
        if level is not None:
            updates["level"] = level
    if posting.role is None:
        match = normalize_title(posting.title)
        if match.role is not None:
            updates["role"] = match.role
            updates["role_family"] = match.family
    if posting.employment_type is None:
        kind = employment_type_from_label(posting.title) or employment_type_from_text(
            posting.description_text
        )
        if kind is not None:
            updates["employment_type"] = kind
    if posting.workplace is None:
        workplace = workplace_from_text(posting.title) or workplace_from_description(
            posting.description_text
        )
        if workplace is not None:
            updates["workplace"] = workplace
    if any(p.city and p.geoname_id is None for p in posting.locations):
        updates["locations"] = identify_places(posting.locations)
    if not posting.skills:
        text = f"{posting.title}\n{posting.description_text or ''}"
        skills = extract_skills(text)
        if skills:
            updates["skills"] = skills
    return posting.model_copy(update=updates) if updates else posting
