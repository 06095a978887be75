"""Arbeitnow job board API: the whole board, 100 jobs a page, newest first.

`GET https://www.arbeitnow.com/api/job-board-api`, then `links.next` until it is null. The next
link is absolute on arbeitnow.com; it is followed on the host that served the current page, so a
mirror or a test server keeps paging on itself, and a payload replayed from disk is one page.

`job_types` mixes the kind of contract ("Full Time", "Vollzeit", "Praktikum", "Werkstudent")
with a career stage ("berufseinstieg" = entry level); each is read only when a label names it.
"Professional / Experienced" (berufserfahren) names no particular level, so it gives none.
"""

from __future__ import annotations

from typing import ClassVar

from jobingest.errors import ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.location import parse_location, workplace_from_text
from jobingest.extract.text import html_to_text, unescape_entities
from jobingest.models import EmploymentType, Level, Posting, SourceConfig, Workplace
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import parse_datetime, same_origin, string_list

API = "https://www.arbeitnow.com/api/job-board-api"
BOARD = "arbeitnow"

_LEVELS: dict[str, Level] = {
    "berufseinstieg": Level.entry, "berufseinsteiger": Level.entry, "einsteiger": Level.entry,
    "entry level": Level.entry, "entry-level": Level.entry, "junior": Level.entry,
    "mid level": Level.mid, "mid-level": Level.mid,
    "senior": Level.senior, "senior level": Level.senior, "senior-level": Level.senior,
    "executive": Level.executive, "director": Level.executive, "führungskraft": Level.executive,
}  # fmt: skip
# English labels the shared employment rules know by their German name.
_EMPLOYMENT_ALIASES = {"working student": "Werkstudent", "student job": "Werkstudent"}


class Arbeitnow:
    kind: ClassVar[str] = "arbeitnow"
    description: ClassVar[str] = (
        "Arbeitnow job board API (arbeitnow.com/api/job-board-api), every page"
    )

    def board_of(self, entry: SourceConfig) -> str:
        return entry.board or BOARD

    def start_url(self, entry: SourceConfig) -> str:
        return API

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="arbeitnow api")
        if not isinstance(document, dict) or not isinstance(document.get("data"), list):
            raise ParseError("arbeitnow api: no `data` list in the response")
        records: list[Record] = [job for job in document["data"] if isinstance(job, dict)]
        return Page(records=records, follow=_next_page(document, url))

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        slug = text_or_none(record.get("slug"))
        if slug is None:
            raise RecordError("arbeitnow job without a `slug`")
        title = _text(record.get("title"))
        if title is None:
            raise RecordError(f"arbeitnow job {slug} without a title")
        location = _text(record.get("location"))
        labels = string_list(record.get("job_types"))
        description = text_or_none(record.get("description"))
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=slug,
            url=text_or_none(record.get("url")),
            company=_text(record.get("company_name")) or ctx.company,
            title=title,
            level=_level(labels),
            employment_type=_employment_type(labels),
            workplace=_workplace(record.get("remote"), location, title),
            locations=parse_location(location).places,
            posted_at=parse_datetime(record.get("created_at")),
            description_text=html_to_text(description) if description else None,
            description_html=description,
        )


def _next_page(document: Record, url: str) -> list[str]:
    links = document.get("links")
    target = text_or_none(links.get("next")) if isinstance(links, dict) else None
    if target is None:
        return []
    follow = same_origin(target, url)
    return [follow] if follow and follow != url else []


def _text(value: object) -> str | None:
    text = text_or_none(value)
    if text is None:
        return None
    return unescape_entities(text).strip() or None


def _level(labels: list[str]) -> Level | None:
    levels = {_LEVELS[key] for key in (label.lower() for label in labels) if key in _LEVELS}
    return levels.pop() if len(levels) == 1 else None


def _employment_type(labels: list[str]) -> EmploymentType | None:
    kinds = [_EMPLOYMENT_ALIASES.get(label.lower(), label) for label in labels]
    kinds = [label for label in kinds if label.lower() not in _LEVELS]
    return employment_type_from_label(", ".join(kinds)) if kinds else None


def _workplace(remote: object, location: str | None, title: str) -> Workplace | None:
    """`remote: true` is the board's word. `false` only says "not fully remote": the location or
    title may still say hybrid or on-site, and otherwise the workplace is unknown."""
    if remote is True:
        return Workplace.remote
    stated = workplace_from_text(location) or workplace_from_text(title)
    if remote is False and stated is Workplace.remote:
        return None
    return stated
