"""SmartRecruiters Posting API: a company's public postings, paged by offset/limit.

`GET https://api.smartrecruiters.com/v1/companies/{company}/postings?limit=100&offset=0` answers
`{"offset", "limit", "totalFound", "content": [...]}`. The next page starts where this one's
postings end (`offset + len(content)`), followed until `totalFound` is reached; an empty page
stops, so a board that miscounts cannot loop. A payload replayed from `file://` is one page.

The list endpoint carries no job text (that lives at `/postings/{id}`, one request per job), so
these postings have no description, and no pay either. `ref` is the API address of a posting,
not a page for people, so the posting URL is `postingUrl`/`applyUrl` when present and otherwise
the public job page `https://jobs.smartrecruiters.com/{company}/{id}`. `location.country` is a
lower-case ISO code; `remote`/`hybrid` are flags, and both present and false state on-site.

Level, from `experienceLevel.id` (SmartRecruiters' fixed list), only where one of ours is certain:

| `experienceLevel.id` | level |
|---|---|
| entry_level | entry |
| director, executive | executive (our level is "Executive-level / Director") |
| mid_senior_level | None: it spans our mid and senior |
| associate | None: between entry and mid, neither for certain |
| internship, not_applicable | None: a kind of job, or no level |
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.industry import stated_industry
from jobingest.extract.location import workplace_from_text
from jobingest.models import EmploymentType, Level, Location, Posting, SourceConfig, Workplace
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import (
    pageable,
    parse_datetime,
    path_segment_after,
    structured_location,
    with_query,
)

API = "https://api.smartrecruiters.com/v1/companies/{company}/postings?limit=100&offset=0"
JOB_PAGE = "https://jobs.smartrecruiters.com/{company}/{id}"

LEVELS: dict[str, Level | None] = {
    "entry_level": Level.entry,
    "director": Level.executive,
    "executive": Level.executive,
    "mid_senior_level": None,
    "associate": None,
    "internship": None,
    "not_applicable": None,
}
EMPLOYMENT_TYPES: dict[str, EmploymentType] = {
    "full_time": EmploymentType.full_time,
    "part_time": EmploymentType.part_time,
    "contract": EmploymentType.contract,
    "contractor": EmploymentType.contract,
    "temporary": EmploymentType.temporary,
    "intern": EmploymentType.internship,
    "internship": EmploymentType.internship,
    "freelance": EmploymentType.freelance,
}


class SmartRecruiters:
    kind: ClassVar[str] = "smartrecruiters"
    description: ClassVar[str] = (
        "SmartRecruiters Posting API (api.smartrecruiters.com), by company identifier; "
        "pages by offset/limit; no descriptions"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if entry.company:
            return entry.company
        if entry.url:
            return path_segment_after(entry.url, "companies") or entry.name
        raise ConfigError(
            f"source {entry.name!r}: smartrecruiters needs `company` (the company identifier) "
            "or `url`"
        )

    def start_url(self, entry: SourceConfig) -> str:
        return API.format(company=quote(self.board_of(entry), safe=""))

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="smartrecruiters postings")
        if not isinstance(document, dict) or not isinstance(document.get("content"), list):
            raise ParseError("smartrecruiters postings: no `content` list in the response")
        content = document["content"]
        return Page(
            records=[item for item in content if isinstance(item, dict)],
            follow=_next_page(url, document, len(content)),
        )

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        posting_id = text_or_none(record.get("id"))
        if posting_id is None:
            raise RecordError("smartrecruiters posting without an `id`")
        title = text_or_none(record.get("name"))
        if title is None:
            raise RecordError(f"smartrecruiters posting {posting_id} without a title (`name`)")
        company = _object(record, "company")
        location = _object(record, "location")
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=posting_id,
            url=_url(record, company, posting_id, ctx),
            company=text_or_none(company.get("name")) or ctx.company,
            title=title,
            level=_level(_object(record, "experienceLevel")),
            employment_type=_employment_type(_object(record, "typeOfEmployment")),
            workplace=_workplace(location) or workplace_from_text(title),
            locations=_places(location),
            industry=stated_industry(record.get("industry")),
            posted_at=parse_datetime(record.get("releasedDate")),
        )


def _next_page(url: str, document: Record, count: int) -> list[str]:
    total = document.get("totalFound")
    offset = document.get("offset")
    if not pageable(url) or isinstance(total, bool) or not isinstance(total, int) or count == 0:
        return []
    start = offset if isinstance(offset, int) and not isinstance(offset, bool) else 0
    following = start + count
    return [with_query(url, offset=following)] if following < total else []


def _object(record: Record, key: str) -> Record:
    value = record.get(key)
    return value if isinstance(value, dict) else {}


def _url(record: Record, company: Record, posting_id: str, ctx: RecordContext) -> str:
    stated = text_or_none(record.get("postingUrl")) or text_or_none(record.get("applyUrl"))
    if stated:
        return stated
    identifier = text_or_none(company.get("identifier")) or ctx.board
    return JOB_PAGE.format(company=quote(identifier, safe=""), id=quote(posting_id, safe=""))


def _level(experience: Record) -> Level | None:
    level_id = text_or_none(experience.get("id"))
    return LEVELS.get(level_id.lower()) if level_id else None


def _employment_type(kind: Record) -> EmploymentType | None:
    kind_id = text_or_none(kind.get("id"))
    if kind_id and kind_id.lower() in EMPLOYMENT_TYPES:
        return EMPLOYMENT_TYPES[kind_id.lower()]
    return employment_type_from_label(text_or_none(kind.get("label"))) or (
        employment_type_from_label(kind_id.replace("_", " ")) if kind_id else None
    )


def _workplace(location: Record) -> Workplace | None:
    if location.get("hybrid") is True:
        return Workplace.hybrid
    if location.get("remote") is True:
        return Workplace.remote
    if location.get("remote") is False and location.get("hybrid") is False:
        return Workplace.onsite
    return None


def _places(location: Record) -> list[Location]:
    place = structured_location(
        location.get("city"),
        location.get("region"),
        location.get("country"),
        raw=text_or_none(location.get("fullLocation")),
    )
    return [place] if place is not None else []
