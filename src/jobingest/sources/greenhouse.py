"""Greenhouse Job Board API: one JSON document per board with every open job.

`GET https://boards-api.greenhouse.io/v1/boards/{token}/jobs?content=true&pay_transparency=true`
`content` is entity-escaped HTML. `pay_input_ranges` carries no period field, so the period is
read from the range's title and blurb; when a job has several ranges (pay zones), the primary
band is the first range with a usable amount and currency, which is the order the employer
entered them in and, on every board we have seen, the top zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from urllib.parse import quote, urlsplit

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.location import parse_location, workplace_from_text
from jobingest.extract.salary import period_from_text
from jobingest.extract.text import html_to_text, unescape_entities
from jobingest.models import Location, Posting, Salary, SourceConfig
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import amount, board_band, currency_code, parse_datetime

API = "https://boards-api.greenhouse.io/v1/boards/{token}/jobs?content=true&pay_transparency=true"


class Greenhouse:
    kind: ClassVar[str] = "greenhouse"
    description: ClassVar[str] = (
        "Greenhouse job board API (boards-api.greenhouse.io), by board token"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if entry.board:
            return entry.board
        if entry.url:
            parts = [p for p in urlsplit(entry.url).path.split("/") if p]
            if "boards" in parts and parts.index("boards") + 1 < len(parts):
                return parts[parts.index("boards") + 1]
            return entry.name
        raise ConfigError(
            f"source {entry.name!r}: greenhouse needs `board` (the board token) or `url`"
        )

    def start_url(self, entry: SourceConfig) -> str:
        return API.format(token=quote(self.board_of(entry), safe=""))

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="greenhouse board")
        if not isinstance(document, dict) or not isinstance(document.get("jobs"), list):
            raise ParseError("greenhouse board: no `jobs` list in the response")
        return Page(records=[job for job in document["jobs"] if isinstance(job, dict)])

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        job_id = text_or_none(record.get("id"))
        if job_id is None:
            raise RecordError("greenhouse job without an `id`")
        title = text_or_none(record.get("title"))
        if title is None:
            raise RecordError(f"greenhouse job {job_id} without a title")
        title = unescape_entities(title)
        location = record.get("location")
        location_name = text_or_none(location.get("name")) if isinstance(location, dict) else None
        located = parse_location(location_name)
        places = located.places
        if not any(p.country for p in places):
            places = places + _office_places(record.get("offices"))
        content = text_or_none(record.get("content"))
        markup = unescape_entities(content) if content else None
        posted_at = parse_datetime(record.get("first_published"))
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=job_id,
            url=text_or_none(record.get("absolute_url")),
            company=text_or_none(record.get("company_name")) or ctx.company,
            title=title,
            employment_type=employment_type_from_label(_metadata(record, "employment type")),
            workplace=located.workplace or workplace_from_text(title),
            locations=places,
            salary=_primary_salary(record.get("pay_input_ranges"), ctx, posted_at),
            posted_at=posted_at,
            description_text=html_to_text(markup),
            description_html=markup,
        )


def _metadata(record: Record, name: str) -> str | None:
    metadata = record.get("metadata")
    for item in metadata if isinstance(metadata, list) else ():
        if isinstance(item, dict) and str(item.get("name", "")).strip().lower() == name:
            value = item.get("value")
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            return text_or_none(value)
    return None


def _office_places(offices: object) -> list[Location]:
    places: list[Location] = []
    for office in offices if isinstance(offices, list) else ():
        if not isinstance(office, dict):
            continue
        text = text_or_none(office.get("location")) or text_or_none(office.get("name"))
        for place in parse_location(text).places:
            if place.country and place not in places:
                places.append(place)
    return places


def _primary_salary(
    ranges: object, ctx: RecordContext, posted_at: datetime | None
) -> Salary | None:
    if not isinstance(ranges, list):
        return None
    for item in ranges:
        if not isinstance(item, dict):
            continue
        label = " ".join(text for text in (text_or_none(item.get("title")), _blurb(item)) if text)
        salary = board_band(
            _cents(item.get("min_cents")),
            _cents(item.get("max_cents")),
            currency=currency_code(item.get("currency_type")),
            period=period_from_text(label),
            raw=_describe_range(item),
            ctx=ctx,
            posted_at=posted_at,
        )
        if salary is not None and salary.currency is not None:
            return salary
    return None


def _blurb(item: Record) -> str | None:
    blurb = text_or_none(item.get("blurb"))
    return html_to_text(unescape_entities(blurb)) if blurb else None


def _cents(value: object) -> float | None:
    cents = amount(value)
    return cents / 100 if cents is not None else None


def _describe_range(item: Record) -> str:
    title = text_or_none(item.get("title")) or "pay range"
    return (
        f"{title}: {item.get('min_cents')}-{item.get('max_cents')} cents "
        f"{item.get('currency_type') or '?'}"
    )
