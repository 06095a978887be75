"""Remotive public API: every remote job on the board (or one category) in one JSON document.

`GET https://remotive.com/api/remote-jobs[?category=<slug>]`. The body may start with a UTF-8
byte-order mark. Remotive lists remote jobs only, so every posting is remote by board fact;
`candidate_required_location` is a list of regions candidates may live in ("USA, Canada",
"Europe", "Worldwide"), read as alternatives, never as "city, country".

`publication_date` carries no offset; Remotive serves it in UTC, so it is read as UTC.
`salary` is free text with no structured amounts; it is read with the text salary extractor
(origin `text`), and left None when the extractor finds no band in it.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from urllib.parse import urlencode

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.salary import extract_salary
from jobingest.extract.text import html_to_text, unescape_entities
from jobingest.models import EmploymentType, Posting, Salary, SourceConfig, Workplace
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import parse_datetime, region_list_places

API = "https://remotive.com/api/remote-jobs"
BOARD = "remotive"

# Remotive's documented `job_type` values; "other" states nothing.
_JOB_TYPES: dict[str, EmploymentType | None] = {
    "full_time": EmploymentType.full_time,
    "part_time": EmploymentType.part_time,
    "contract": EmploymentType.contract,
    "freelance": EmploymentType.freelance,
    "internship": EmploymentType.internship,
    "other": None,
}


class Remotive:
    kind: ClassVar[str] = "remotive"
    description: ClassVar[str] = (
        "Remotive public remote-jobs API (remotive.com/api/remote-jobs), optionally one category"
    )

    def board_of(self, entry: SourceConfig) -> str:
        _category(entry)  # a bad option is a config error, found before the run
        # One board for every category: a job listed in a category feed and in the full feed
        # is the same listing.
        return entry.board or BOARD

    def start_url(self, entry: SourceConfig) -> str:
        category = _category(entry)
        return f"{API}?{urlencode({'category': category})}" if category else API

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="remotive api")
        if not isinstance(document, dict) or not isinstance(document.get("jobs"), list):
            raise ParseError("remotive api: no `jobs` list in the response")
        return Page(records=[job for job in document["jobs"] if isinstance(job, dict)])

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        job_id = text_or_none(record.get("id"))
        if job_id is None:
            raise RecordError("remotive job without an `id`")
        title = _text(record.get("title"))
        if title is None:
            raise RecordError(f"remotive job {job_id} without a title")
        places = region_list_places(_text(record.get("candidate_required_location")))
        posted_at = parse_datetime(record.get("publication_date"))
        description = text_or_none(record.get("description"))
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=job_id,
            url=text_or_none(record.get("url")),
            company=_text(record.get("company_name")) or ctx.company,
            title=title,
            employment_type=_employment_type(record.get("job_type")),
            workplace=Workplace.remote,
            locations=places,
            salary=_salary(record, ctx, posted_at),
            posted_at=posted_at,
            description_text=html_to_text(description) if description else None,
            description_html=description,
        )


def _category(entry: SourceConfig) -> str | None:
    category = entry.options.get("category")
    if category is None:
        return None
    if not isinstance(category, str) or not category.strip():
        raise ConfigError(
            f"source {entry.name!r}: remotive `options.category` must be a category slug "
            "such as software-dev"
        )
    return category.strip()


def _text(value: object) -> str | None:
    text = text_or_none(value)
    if text is None:
        return None
    return unescape_entities(text).strip() or None


def _employment_type(value: object) -> EmploymentType | None:
    label = text_or_none(value)
    if label is None:
        return None
    key = label.lower()
    if key in _JOB_TYPES:
        return _JOB_TYPES[key]
    return employment_type_from_label(key.replace("_", " "))


def _salary(record: Record, ctx: RecordContext, posted_at: datetime | None) -> Salary | None:
    """`salary` is the board's pay field, but free text ("$80k - $100k", "$18 - $22/hr"), so it
    goes through the text extractor. No country is passed: the candidate region says where
    applicants may live, not what currency the employer pays in (one "$80k - $100k" ad is posted
    once per Latin American country), so a bare "$" is read the extractor's default way."""
    text = text_or_none(record.get("salary"))
    if text is None:
        return None
    on = posted_at.date() if posted_at else ctx.fetched_on
    return extract_salary(unescape_entities(text), on=on)
