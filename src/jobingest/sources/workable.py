"""Workable job widget API: one JSON document per account with every published job, no paging.

`GET https://apply.workable.com/api/v1/widget/accounts/{account}?details=true` answers
`{"name": <account display name>, "description": ..., "jobs": [...]}`; `details=true` adds each
job's HTML `description`. The account name lives at the top level only, so `parse` copies it
into each record under `_account_name` (our key, never Workable's) for the mapping to use.

`telecommuting: true` is Workable's remote flag; `false` only says "not remote", so it states no
workplace. The widget carries no pay fields, so these postings have no structured salary.

Level: `experience` uses LinkedIn's seniority labels, mapped only where one of our levels is
certain:

| Workable `experience` | level |
|---|---|
| Entry level | entry |
| Director, Executive | executive (our level is "Executive-level / Director") |
| Mid-Senior level | None: it spans our mid and senior |
| Associate | None: between entry and mid, neither for certain |
| Internship, Not applicable, other | None: a kind of job (see employment type), not a level |
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.industry import stated_industry
from jobingest.extract.location import workplace_from_text
from jobingest.extract.sanitize import html_sections
from jobingest.extract.text import html_to_text
from jobingest.models import Level, Location, Posting, SourceConfig, Workplace
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import parse_datetime, path_segment_after, structured_location

API = "https://apply.workable.com/api/v1/widget/accounts/{account}?details=true"
ACCOUNT_NAME = "_account_name"

LEVELS: dict[str, Level | None] = {
    "entry level": Level.entry,
    "director": Level.executive,
    "executive": Level.executive,
    "mid-senior level": None,
    "associate": None,
    "internship": None,
    "not applicable": None,
}
_DESCRIPTION_PARTS = ("description", "requirements", "benefits")


class Workable:
    kind: ClassVar[str] = "workable"
    description: ClassVar[str] = (
        "Workable job widget API (apply.workable.com/api/v1/widget), by account (`company`)"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if entry.company:
            return entry.company
        if entry.url:
            return path_segment_after(entry.url, "widget", "accounts") or entry.name
        raise ConfigError(
            f"source {entry.name!r}: workable needs `company` (the account subdomain) or `url`"
        )

    def start_url(self, entry: SourceConfig) -> str:
        return API.format(account=quote(self.board_of(entry), safe=""))

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="workable account")
        if not isinstance(document, dict) or not isinstance(document.get("jobs"), list):
            raise ParseError("workable account: no `jobs` list in the response")
        name = text_or_none(document.get("name"))
        return Page(
            records=[
                {**job, ACCOUNT_NAME: name} for job in document["jobs"] if isinstance(job, dict)
            ]
        )

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        shortcode = text_or_none(record.get("shortcode"))
        if shortcode is None:
            raise RecordError("workable job without a `shortcode`")
        title = text_or_none(record.get("title"))
        if title is None:
            raise RecordError(f"workable job {shortcode} without a title")
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=shortcode,
            url=text_or_none(record.get("url"))
            or text_or_none(record.get("shortlink"))
            or text_or_none(record.get("application_url")),
            company=text_or_none(record.get(ACCOUNT_NAME)) or ctx.company,
            title=title,
            level=_level(record.get("experience")),
            employment_type=employment_type_from_label(text_or_none(record.get("employment_type"))),
            workplace=Workplace.remote
            if record.get("telecommuting") is True
            else workplace_from_text(title),
            locations=_places(record),
            industry=stated_industry(record.get("industry")),
            posted_at=parse_datetime(record.get("published_on"))
            or parse_datetime(record.get("created_at")),
            description_text=_description(record),
            description_html=html_sections(
                (None, text_or_none(record.get(key))) for key in _DESCRIPTION_PARTS
            ),
        )


def _level(value: object) -> Level | None:
    text = text_or_none(value)
    return LEVELS.get(" ".join(text.lower().split())) if text else None


def _places(record: Record) -> list[Location]:
    places: list[Location] = []
    listed = record.get("locations")
    for item in listed if isinstance(listed, list) else ():
        if isinstance(item, dict):
            written = (item.get("city"), item.get("region"), item.get("country"))
            place = structured_location(
                item.get("city"),
                item.get("region"),
                item.get("countryCode") or item.get("country"),
                raw=", ".join(t for t in map(text_or_none, written) if t) or None,
            )
            if place is not None and place not in places:
                places.append(place)
    if not places:
        place = structured_location(record.get("city"), record.get("state"), record.get("country"))
        places = [place] if place is not None else []
    return places


def _description(record: Record) -> str | None:
    sections = [html_to_text(text_or_none(record.get(key))) for key in _DESCRIPTION_PARTS]
    text = "\n\n".join(section for section in sections if section)
    return text or None
