"""Lever Postings API: a bare JSON list of a site's published postings, paged by skip/limit.

`GET https://api.lever.co/v0/postings/{site}?mode=json&skip=0&limit=100` (EU-hosted sites answer
on `api.eu.lever.co`, chosen with `options: {region: eu}`). A page holding `limit` postings may
have a successor, so we follow the same URL with `skip` advanced by `limit`; a short page is the
last. Without a `limit` in the URL Lever returns the whole site at once and nothing is followed;
a payload replayed from `file://` is one page too.

`salaryRange.interval` names the period outright (`per-year-salary` … `per-hour-wage`); an
interval we do not know passes no period, so only unambiguous magnitude can supply one; a
range without a currency is not a comparable band and is dropped, as for Greenhouse.
`country` is the ISO code of the primary location (`categories.location`) only, so it completes
that place and no other. The description is Lever's own plain text: the body, each list under
its heading (list content is HTML `<li>` items), then the closing `additionalPlain`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from urllib.parse import quote

import pycountry

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.location import parse_location, workplace_from_text
from jobingest.extract.sanitize import html_sections
from jobingest.extract.text import html_to_text
from jobingest.models import (
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
    pageable,
    parse_datetime,
    path_segment_after,
    query_int,
    with_query,
)

API = "https://{host}/v0/postings/{site}?mode=json&skip=0&limit=100"
HOSTS = {"global": "api.lever.co", "eu": "api.eu.lever.co"}

INTERVALS: dict[str, PayPeriod] = {
    "per-year-salary": PayPeriod.year,
    "per-month-salary": PayPeriod.month,
    "per-week-salary": PayPeriod.week,
    "per-day-wage": PayPeriod.day,
    "per-hour-wage": PayPeriod.hour,
}
WORKPLACES: dict[str, Workplace | None] = {
    "on-site": Workplace.onsite,
    "onsite": Workplace.onsite,
    "remote": Workplace.remote,
    "hybrid": Workplace.hybrid,
    "unspecified": None,
}


class Lever:
    kind: ClassVar[str] = "lever"
    description: ClassVar[str] = (
        "Lever Postings API (api.lever.co / api.eu.lever.co), by site name; pages by skip/limit"
    )

    def board_of(self, entry: SourceConfig) -> str:
        _host(entry)  # the sources check calls board_of on every entry: a bad region fails early
        if entry.site:
            return entry.site
        if entry.url:
            return path_segment_after(entry.url, "v0", "postings") or entry.name
        raise ConfigError(f"source {entry.name!r}: lever needs `site` (the site name) or `url`")

    def start_url(self, entry: SourceConfig) -> str:
        return API.format(host=_host(entry), site=quote(self.board_of(entry), safe=""))

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="lever postings")
        if isinstance(document, dict) and "error" in document:
            raise ParseError(f"lever postings: the API answered an error: {document['error']!r}")
        if not isinstance(document, list):
            raise ParseError("lever postings: expected a JSON list of postings")
        return Page(
            records=[item for item in document if isinstance(item, dict)],
            follow=_next_page(url, len(document)),
        )

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        posting_id = text_or_none(record.get("id"))
        if posting_id is None:
            raise RecordError("lever posting without an `id`")
        title = text_or_none(record.get("text"))
        if title is None:
            raise RecordError(f"lever posting {posting_id} without a title (`text`)")
        categories = record.get("categories")
        categories = categories if isinstance(categories, dict) else {}
        places, located_workplace = _places(categories, record.get("country"))
        posted_at = parse_datetime(record.get("createdAt"))
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=posting_id,
            url=text_or_none(record.get("hostedUrl")),
            company=ctx.company,
            title=title,
            employment_type=employment_type_from_label(text_or_none(categories.get("commitment"))),
            workplace=_workplace(record.get("workplaceType"))
            or located_workplace
            or workplace_from_text(title),
            locations=places,
            salary=_salary(record.get("salaryRange"), ctx, posted_at),
            posted_at=posted_at,
            description_text=_description(record),
            description_html=_description_html(record),
        )


def _host(entry: SourceConfig) -> str:
    region = str(entry.options.get("region", "global")).strip().lower()
    if region not in HOSTS:
        raise ConfigError(
            f"source {entry.name!r}: options.region must be one of {', '.join(HOSTS)}, "
            f"not {region!r}"
        )
    return HOSTS[region]


def _next_page(url: str, count: int) -> list[str]:
    """A full page (as many postings as `limit`) may have a successor; a short one is the end."""
    limit = query_int(url, "limit")
    if not pageable(url) or limit is None or limit <= 0 or count < limit:
        return []
    return [with_query(url, skip=(query_int(url, "skip") or 0) + limit)]


def _workplace(value: object) -> Workplace | None:
    text = text_or_none(value)
    return WORKPLACES.get(text.lower()) if text else None


def _places(categories: Record, country: object) -> tuple[list[Location], Workplace | None]:
    primary = text_or_none(categories.get("location"))
    listed = categories.get("allLocations")
    texts = [t for t in (text_or_none(v) for v in listed) if t] if isinstance(listed, list) else []
    if primary and primary not in texts:
        texts.insert(0, primary)
    code = _country(country)
    places: list[Location] = []
    workplace: Workplace | None = None
    for text in texts:
        located = parse_location(text)
        found = _completed(text, located.places, code) if text == primary else located.places
        places.extend(place for place in found if place not in places)
        workplace = workplace or located.workplace
    if not texts and code:
        places.append(Location(country=code, raw=code))
    return places, workplace


def _country(value: object) -> str | None:
    text = text_or_none(value)
    if text is None or len(text) != 2:
        return None
    found = pycountry.countries.get(alpha_2=text.upper())
    return str(found.alpha_2) if found else None


def _completed(text: str, places: list[Location], code: str | None) -> list[Location]:
    """The primary location completed with Lever's `country`, when the text alone left it out.

    The text is read again with the country's alpha-3 code appended, which the location parser
    cannot mistake for a US state the way an alpha-2 code such as "CA" could be.
    """
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None or len(places) > 1 or any(place.country for place in places):
        return places
    reread = [p for p in parse_location(f"{text}, {country.alpha_3}").places if p.country == code]
    if len(reread) == 1:
        return [reread[0].model_copy(update={"raw": text})]
    return [Location(country=code, raw=text)]


def _salary(band: object, ctx: RecordContext, posted_at: datetime | None) -> Salary | None:
    return band_from_record(
        band,
        periods=INTERVALS,
        period_key="interval",
        label="salaryRange",
        ctx=ctx,
        posted_at=posted_at,
    )


def _description(record: Record) -> str | None:
    sections = [
        text_or_none(record.get("descriptionPlain")) or html_to_text(_str(record, "description"))
    ]
    lists = record.get("lists")
    for item in lists if isinstance(lists, list) else ():
        if isinstance(item, dict):
            heading = text_or_none(item.get("text"))
            body = html_to_text(text_or_none(item.get("content")))
            sections.append("\n".join(part for part in (heading, body) if part))
    sections.append(
        text_or_none(record.get("additionalPlain")) or html_to_text(_str(record, "additional"))
    )
    text = "\n\n".join(section for section in sections if section)
    return text or None


def _description_html(record: Record) -> str | None:
    """Body, each list (its `content` is bare `<li>` items) under its heading, then closing."""
    lists = record.get("lists")
    return html_sections(
        [
            (None, _str(record, "description")),
            *(
                (text_or_none(item.get("text")), _items(text_or_none(item.get("content"))))
                for item in (lists if isinstance(lists, list) else ())
                if isinstance(item, dict)
            ),
            (None, _str(record, "additional")),
        ]
    )


def _items(content: str | None) -> str | None:
    return f"<ul>{content}</ul>" if content else None


def _str(record: Record, key: str) -> str | None:
    return text_or_none(record.get(key))
