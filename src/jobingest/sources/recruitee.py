"""Recruitee careers site API: one JSON document per company with every published offer.

`GET https://{company}.recruitee.com/api/offers/` answers `{"offers": [...]}`, no paging.
Timestamps are written "2026-09-10 07:25:25 UTC"; `salary` amounts may arrive as strings and
the currency in lower case. `remote`, `hybrid` and `on_site` are independent flags (an offer may
tick several); the workplace is stated only when exactly one of them is true. `min_hours` and
`max_hours` (hours a week) have no place in the posting contract and are not mapped.

Employment type, from `employment_type_code` (fixed-term counts as contract, as everywhere):

| code | type |
|---|---|
| fulltime, fulltime_permanent, permanent | full_time |
| parttime, parttime_permanent | part_time |
| fulltime_fixed_term, fixed_term, contract | contract |
| parttime_fixed_term | None: part-time and fixed-term at once |
| internship, traineeship, apprenticeship | internship |
| freelance / temporary | freelance / temporary |

Level, from `experience_code`, only where one of ours is certain:

| code | level |
|---|---|
| entry_level / mid_level / senior_level / executive | entry / mid / senior / executive |
| student_college | None: a kind of job (students), not a level |
| experienced, manager | None: each spans several of our levels |
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, TypeVar
from urllib.parse import quote

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.location import parse_location, workplace_from_text
from jobingest.extract.sanitize import html_sections
from jobingest.extract.text import html_to_text
from jobingest.models import (
    EmploymentType,
    Level,
    Location,
    PayPeriod,
    Posting,
    Salary,
    SourceConfig,
    Workplace,
)
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import (
    band_from_record,
    parse_datetime,
    structured_location,
    subdomain_of,
)

_T = TypeVar("_T")

API = "https://{company}.recruitee.com/api/offers/"

EMPLOYMENT_TYPES: dict[str, EmploymentType | None] = {
    "fulltime": EmploymentType.full_time,
    "fulltime_permanent": EmploymentType.full_time,
    "permanent": EmploymentType.full_time,
    "parttime": EmploymentType.part_time,
    "parttime_permanent": EmploymentType.part_time,
    "fulltime_fixed_term": EmploymentType.contract,
    "fixed_term": EmploymentType.contract,
    "contract": EmploymentType.contract,
    "parttime_fixed_term": None,
    "internship": EmploymentType.internship,
    "traineeship": EmploymentType.internship,
    "apprenticeship": EmploymentType.internship,
    "freelance": EmploymentType.freelance,
    "temporary": EmploymentType.temporary,
}
LEVELS: dict[str, Level | None] = {
    "entry_level": Level.entry,
    "mid_level": Level.mid,
    "senior_level": Level.senior,
    "executive": Level.executive,
    "student_college": None,
    "experienced": None,
    "manager": None,
}
PERIODS: dict[str, PayPeriod] = {
    "year": PayPeriod.year,
    "annual": PayPeriod.year,
    "month": PayPeriod.month,
    "week": PayPeriod.week,
    "day": PayPeriod.day,
    "hour": PayPeriod.hour,
}
_WORKPLACE_FLAGS = (
    ("remote", Workplace.remote),
    ("hybrid", Workplace.hybrid),
    ("on_site", Workplace.onsite),
)


class Recruitee:
    kind: ClassVar[str] = "recruitee"
    description: ClassVar[str] = (
        "Recruitee careers site API ({company}.recruitee.com/api/offers/), by company subdomain"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if entry.company:
            return entry.company
        if entry.url:
            return subdomain_of(entry.url, "recruitee.com") or entry.name
        raise ConfigError(
            f"source {entry.name!r}: recruitee needs `company` (the careers subdomain) or `url`"
        )

    def start_url(self, entry: SourceConfig) -> str:
        return API.format(company=quote(self.board_of(entry), safe=""))

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="recruitee offers")
        if not isinstance(document, dict) or not isinstance(document.get("offers"), list):
            raise ParseError("recruitee offers: no `offers` list in the response")
        return Page(records=[offer for offer in document["offers"] if isinstance(offer, dict)])

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        offer_id = text_or_none(record.get("id"))
        if offer_id is None:
            raise RecordError("recruitee offer without an `id`")
        title = text_or_none(record.get("title"))
        if title is None:
            raise RecordError(f"recruitee offer {offer_id} without a title")
        posted_at = parse_datetime(record.get("published_at")) or parse_datetime(
            record.get("created_at")
        )
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=offer_id,
            url=text_or_none(record.get("careers_url"))
            or text_or_none(record.get("careers_apply_url")),
            company=text_or_none(record.get("company_name")) or ctx.company,
            title=title,
            level=_code(LEVELS, record.get("experience_code")),
            employment_type=_employment_type(record.get("employment_type_code")),
            workplace=_workplace(record) or workplace_from_text(title),
            locations=_places(record),
            salary=_salary(record.get("salary"), ctx, posted_at),
            posted_at=posted_at,
            description_text=_description(record),
            description_html=html_sections(
                (None, text_or_none(record.get(key))) for key in ("description", "requirements")
            ),
        )


def _code(table: dict[str, _T | None], value: object) -> _T | None:
    text = text_or_none(value)
    return table.get(text.lower()) if text else None


def _employment_type(value: object) -> EmploymentType | None:
    code = text_or_none(value)
    if code is None:
        return None
    if code.lower() in EMPLOYMENT_TYPES:
        return EMPLOYMENT_TYPES[code.lower()]
    return employment_type_from_label(code.replace("_", " "))


def _workplace(record: Record) -> Workplace | None:
    ticked = [workplace for flag, workplace in _WORKPLACE_FLAGS if record.get(flag) is True]
    return ticked[0] if len(ticked) == 1 else None


def _places(record: Record) -> list[Location]:
    places: list[Location] = []
    listed = record.get("locations")
    for item in listed if isinstance(listed, list) else ():
        if isinstance(item, dict):
            place = _place(item)
            if place is not None and place not in places:
                places.append(place)
    if places:
        return places
    top = _place(record, raw=text_or_none(record.get("location")))
    if top is not None:
        return [top]
    return parse_location(text_or_none(record.get("location"))).places


def _place(fields: Record, raw: str | None = None) -> Location | None:
    region = text_or_none(fields.get("state_name")) or text_or_none(fields.get("state"))
    country = text_or_none(fields.get("country_code")) or text_or_none(fields.get("country"))
    written = (fields.get("city"), region, fields.get("country") or country)
    return structured_location(
        fields.get("city"),
        region,
        country,
        raw=raw or ", ".join(t for t in map(text_or_none, written) if t) or None,
    )


def _salary(salary: object, ctx: RecordContext, posted_at: datetime | None) -> Salary | None:
    return band_from_record(
        salary, periods=PERIODS, period_key="period", label="salary", ctx=ctx, posted_at=posted_at
    )


def _description(record: Record) -> str | None:
    sections = [
        html_to_text(text_or_none(record.get(key))) for key in ("description", "requirements")
    ]
    text = "\n\n".join(section for section in sections if section)
    return text or None
