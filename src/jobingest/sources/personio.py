"""Personio XML feed: one `<workzag-jobs>` document per company with every published position.

`GET https://{company}.jobs.personio.de/xml` (`options: {language: de}` adds `?language=de`).
XML from the network is parsed with defusedxml: entity declarations (the billion-laughs bomb),
external entities and external DTDs are refused with a ParseError instead of being expanded.
Each `<position>` becomes a plain dict (a child with children becomes a list), so a quarantined
record reads like the feed. The public job page is `https://{company}.jobs.personio.de/job/{id}`.
The feed carries no pay and no workplace field; offices are free text ("Berlin", "Remote").

Employment type combines two fields: `employmentType` says what kind of contract (`intern`,
`trainee` and `working_student` are internships, as a Werkstudent is everywhere here;
`freelance`, `temporary`), and for `permanent` or no kind, `schedule` says the hours
(`full-time`, `part-time`; `flexible` states neither). `yearsOfExperience` is a range, not a
level, and is not mapped.

Level, from `seniority`: `entry-level` → entry, `executive` → executive; `experienced` spans our
mid and senior and `student` is a kind of job, so both are None.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote, urlencode
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.location import parse_location, workplace_from_text
from jobingest.extract.sanitize import html_sections
from jobingest.extract.text import html_to_text
from jobingest.models import EmploymentType, Level, Location, Posting, SourceConfig, Workplace
from jobingest.sources.base import Page, Record, RecordContext, text_or_none
from jobingest.sources.fields import parse_datetime, subdomain_of

FEED = "https://{company}.jobs.personio.de/xml"
JOB_PAGE = "https://{company}.jobs.personio.de/job/{id}"
ROOT_TAG = "workzag-jobs"

CONTRACT_KINDS: dict[str, EmploymentType] = {
    "intern": EmploymentType.internship,
    "trainee": EmploymentType.internship,
    "working_student": EmploymentType.internship,
    "freelance": EmploymentType.freelance,
    "temporary": EmploymentType.temporary,
}
SCHEDULES: dict[str, EmploymentType] = {
    "full-time": EmploymentType.full_time,
    "part-time": EmploymentType.part_time,
}
LEVELS: dict[str, Level | None] = {
    "entry-level": Level.entry,
    "executive": Level.executive,
    "experienced": None,
    "student": None,
}


class Personio:
    kind: ClassVar[str] = "personio"
    description: ClassVar[str] = (
        "Personio XML feed ({company}.jobs.personio.de/xml), by company subdomain; "
        "parsed with defusedxml"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if entry.company:
            return entry.company
        if entry.url:
            return (
                subdomain_of(entry.url, "jobs.personio.de")
                or subdomain_of(entry.url, "jobs.personio.com")
                or entry.name
            )
        raise ConfigError(
            f"source {entry.name!r}: personio needs `company` (the jobs subdomain) or `url`"
        )

    def start_url(self, entry: SourceConfig) -> str:
        url = FEED.format(company=quote(self.board_of(entry), safe=""))
        language = text_or_none(entry.options.get("language"))
        return f"{url}?{urlencode({'language': language})}" if language else url

    def parse(self, payload: bytes, *, url: str) -> Page:
        root = _safe_root(payload)
        if root.tag != ROOT_TAG:
            raise ParseError(f"personio feed: root element is <{root.tag}>, not <{ROOT_TAG}>")
        return Page(records=[_element_dict(position) for position in root.findall("position")])

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        position_id = text_or_none(record.get("id"))
        if position_id is None:
            raise RecordError("personio position without an <id>")
        title = text_or_none(record.get("name"))
        if title is None:
            raise RecordError(f"personio position {position_id} without a <name>")
        places, located_workplace = _places(record)
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=position_id,
            url=JOB_PAGE.format(company=quote(ctx.board, safe=""), id=quote(position_id, safe="")),
            company=text_or_none(record.get("subcompany")) or ctx.company,
            title=title,
            level=_code(LEVELS, record.get("seniority")),
            employment_type=_employment_type(record),
            workplace=located_workplace or workplace_from_text(title),
            locations=places,
            posted_at=parse_datetime(record.get("createdAt")),
            description_text=_description(record.get("jobDescriptions")),
            description_html=_description_html(record.get("jobDescriptions")),
        )


def _safe_root(payload: bytes) -> Element:
    if not payload.strip():
        raise ParseError("personio feed: empty body")
    try:
        root: Element = SafeElementTree.fromstring(payload)
    except DefusedXmlException as exc:
        raise ParseError(
            f"personio feed: refused unsafe XML ({type(exc).__name__}: entity declarations and "
            "external references are not allowed)"
        ) from exc
    except XMLSyntaxError as exc:
        raise ParseError(f"personio feed: not well-formed XML ({exc})") from exc
    return root


def _element_dict(element: Element) -> dict[str, object]:
    """A position as a dict: leaf children become text, a child with children a list."""
    out: dict[str, object] = {}
    for child in element:
        if len(child):
            out[child.tag] = [
                _element_dict(item) if len(item) else (item.text or "").strip() for item in child
            ]
        else:
            out[child.tag] = (child.text or "").strip()
    return out


def _code(table: dict[str, Level | None], value: object) -> Level | None:
    text = text_or_none(value)
    return table.get(text.lower()) if text else None


def _employment_type(record: Record) -> EmploymentType | None:
    kind = (text_or_none(record.get("employmentType")) or "").lower()
    if kind in CONTRACT_KINDS:
        return CONTRACT_KINDS[kind]
    if kind not in ("", "permanent"):
        return None
    schedule = (text_or_none(record.get("schedule")) or "").lower()
    return SCHEDULES.get(schedule)


def _places(record: Record) -> tuple[list[Location], Workplace | None]:
    offices = [text_or_none(record.get("office"))]
    extra = record.get("additionalOffices")
    offices.extend(text_or_none(o) for o in (extra if isinstance(extra, list) else ()))
    places: list[Location] = []
    workplace: Workplace | None = None
    for office in offices:
        located = parse_location(office)
        places.extend(place for place in located.places if place not in places)
        workplace = workplace or located.workplace
    return places, workplace


def _description(sections: object) -> str | None:
    parts: list[str] = []
    for section in sections if isinstance(sections, list) else ():
        if isinstance(section, dict):
            heading = text_or_none(section.get("name"))
            body = html_to_text(text_or_none(section.get("value")))
            parts.append("\n".join(part for part in (heading, body) if part))
    text = "\n\n".join(part for part in parts if part)
    return text or None


def _description_html(sections: object) -> str | None:
    return html_sections(
        (text_or_none(section.get("name")), text_or_none(section.get("value")))
        for section in (sections if isinstance(sections, list) else ())
        if isinstance(section, dict)
    )
