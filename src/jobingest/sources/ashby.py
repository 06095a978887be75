"""Ashby public job posting API: one JSON document per job board, no paging.

`GET https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true` answers
`{"apiVersion": "1", "jobs": [...]}`. Jobs with `isListed: false` are published but deliberately
kept off the board's listing (reachable by direct link only), so they are left out, not rejected.

Places come from the structured `address.postalAddress` (country names such as "USA" become ISO
codes) with the `location` text kept as written; `secondaryLocations` add more. Pay is the
`Salary` entry of `compensation.summaryComponents` (the board-wide summary across pay tiers);
equity, bonus and commission components are not a salary band. Its `interval` ("1 YEAR",
"1 HOUR") states the period; `compensationTierSummary` is kept as the raw text.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar, TypeVar
from urllib.parse import quote

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.location import parse_location, workplace_from_text
from jobingest.extract.text import html_to_text
from jobingest.models import (
    EmploymentType,
    Location,
    PayPeriod,
    Posting,
    Salary,
    SourceConfig,
    Workplace,
)
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import (
    amount,
    board_band,
    currency_code,
    parse_datetime,
    path_segment_after,
    structured_location,
)

_T = TypeVar("_T")

API = "https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true"

EMPLOYMENT_TYPES: dict[str, EmploymentType] = {
    "fulltime": EmploymentType.full_time,
    "parttime": EmploymentType.part_time,
    "intern": EmploymentType.internship,
    "contract": EmploymentType.contract,
    "temporary": EmploymentType.temporary,
}
WORKPLACES: dict[str, Workplace] = {
    "onsite": Workplace.onsite,
    "remote": Workplace.remote,
    "hybrid": Workplace.hybrid,
}
_INTERVAL = re.compile(r"^\s*1\s+(?P<unit>YEAR|MONTH|WEEK|DAY|HOUR)S?\s*$", re.IGNORECASE)
_UNITS = {
    "YEAR": PayPeriod.year,
    "MONTH": PayPeriod.month,
    "WEEK": PayPeriod.week,
    "DAY": PayPeriod.day,
    "HOUR": PayPeriod.hour,
}


class Ashby:
    kind: ClassVar[str] = "ashby"
    description: ClassVar[str] = (
        "Ashby job posting API (api.ashbyhq.com/posting-api), by job board name"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if entry.board:
            return entry.board
        if entry.url:
            return path_segment_after(entry.url, "job-board") or entry.name
        raise ConfigError(f"source {entry.name!r}: ashby needs `board` (the board name) or `url`")

    def start_url(self, entry: SourceConfig) -> str:
        return API.format(board=quote(self.board_of(entry), safe=""))

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="ashby job board")
        if not isinstance(document, dict) or not isinstance(document.get("jobs"), list):
            raise ParseError("ashby job board: no `jobs` list in the response")
        return Page(
            records=[
                job
                for job in document["jobs"]
                if isinstance(job, dict) and job.get("isListed") is not False
            ]
        )

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        job_id = text_or_none(record.get("id"))
        if job_id is None:
            raise RecordError("ashby job without an `id`")
        title = text_or_none(record.get("title"))
        if title is None:
            raise RecordError(f"ashby job {job_id} without a title")
        places, located_workplace = _places(record)
        posted_at = parse_datetime(record.get("publishedAt"))
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=job_id,
            url=text_or_none(record.get("jobUrl")) or text_or_none(record.get("applyUrl")),
            company=ctx.company,
            title=title,
            employment_type=_lookup(EMPLOYMENT_TYPES, record.get("employmentType")),
            workplace=_workplace(record) or located_workplace or workplace_from_text(title),
            locations=places,
            salary=_salary(record.get("compensation"), ctx, posted_at),
            posted_at=posted_at,
            description_text=text_or_none(record.get("descriptionPlain"))
            or html_to_text(text_or_none(record.get("descriptionHtml"))),
            description_html=text_or_none(record.get("descriptionHtml")),
        )


def _lookup(table: dict[str, _T], value: object) -> _T | None:
    text = text_or_none(value)
    return table.get(text.lower()) if text else None


def _workplace(record: Record) -> Workplace | None:
    stated = _lookup(WORKPLACES, record.get("workplaceType"))
    if stated is not None:
        return stated
    return Workplace.remote if record.get("isRemote") is True else None


def _places(record: Record) -> tuple[list[Location], Workplace | None]:
    text = text_or_none(record.get("location"))
    address = record.get("address")
    places: list[Location] = []
    workplace = parse_location(text).workplace
    primary = _place(text, address)
    places.extend(primary)
    secondary = record.get("secondaryLocations")
    for item in secondary if isinstance(secondary, list) else ():
        if isinstance(item, dict):
            item_text = text_or_none(item.get("location"))
            workplace = workplace or parse_location(item_text).workplace
            places.extend(p for p in _place(item_text, item.get("address")) if p not in places)
    return places, workplace


def _place(text: str | None, address: object) -> list[Location]:
    """One Ashby location: the structured address when there is one, else the text parsed."""
    if isinstance(address, dict):
        postal = address.get("postalAddress")
        fields = postal if isinstance(postal, dict) else address
        place = structured_location(
            fields.get("addressLocality"),
            fields.get("addressRegion"),
            fields.get("addressCountry"),
            raw=text,
        )
        if place is not None:
            return [place]
    return parse_location(text).places


def _salary(compensation: object, ctx: RecordContext, posted_at: datetime | None) -> Salary | None:
    if not isinstance(compensation, dict):
        return None
    components = compensation.get("summaryComponents")
    summary = text_or_none(compensation.get("compensationTierSummary"))
    for item in components if isinstance(components, list) else ():
        if not isinstance(item, dict) or item.get("compensationType") != "Salary":
            continue
        currency = currency_code(item.get("currencyCode"))
        if currency is None:  # amounts in no known currency are not a comparable band
            continue
        salary = board_band(
            amount(item.get("minValue")),
            amount(item.get("maxValue")),
            currency=currency,
            period=_period(item.get("interval")),
            raw=summary or text_or_none(item.get("summary")),
            ctx=ctx,
            posted_at=posted_at,
        )
        if salary is not None:
            return salary
    return None


def _period(interval: object) -> PayPeriod | None:
    match = _INTERVAL.match(interval) if isinstance(interval, str) else None
    return _UNITS[match.group("unit").upper()] if match else None
