"""Any RSS 2.0 / RSS 1.0 / Atom job feed, with We Work Remotely's extensions when present.

The feed's own URL is the identifier (`url:`). feedparser reads the bytes we were handed from an
in-memory stream, so it never fetches or opens anything itself. A feed that is still usable
despite a flaw (feedparser's `bozo`, e.g. an undefined entity) is parsed; a body that is no
feed at all (an HTML page, JSON, JSON Feed) is a ParseError.

Generic mapping: guid/id (else the link) is the source id; title, link, published (else
updated) and content (else summary) as HTML. `<region>` (a candidate-region list) and `<type>`
(employment type) are read whenever an item has them. What only holds for We Work Remotely, a
remote-only board whose titles are "Company: Role", is applied only to its feeds: the entry's
`options: {remote_board: true}` says so (a mirror, or another remote-only board in WWR's format),
else the feed's `<link>` or its URL on weworkremotely.com; `remote_board: false` turns it off.
"""

from __future__ import annotations

import calendar
import io
import time
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import feedparser

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.location import workplace_from_text
from jobingest.extract.sanitize import markup_or_none
from jobingest.extract.text import html_to_text, unescape_entities
from jobingest.models import Posting, SourceConfig, Workplace
from jobingest.sources.base import Page, Record, RecordContext, text_or_none
from jobingest.sources.fields import parse_datetime, region_list_places

_REMOTE_BOARD_HOSTS = ("weworkremotely.com",)
_FEED_VERSIONS = ("rss", "atom")


class Rss:
    kind: ClassVar[str] = "rss"
    # A feed shows only its latest items: absence is not closing.
    complete_snapshot: ClassVar[bool] = False
    description: ClassVar[str] = (
        "Any RSS or Atom job feed by URL; We Work Remotely feeds get their region, type and "
        "'Company: Role' titles read"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if not entry.url:
            raise ConfigError(f"source {entry.name!r}: rss needs `url` (the feed's address)")
        if not isinstance(entry.options.get("remote_board", False), bool):
            raise ConfigError(
                f"source {entry.name!r}: rss `options.remote_board` must be true/false"
            )
        if entry.board:
            return entry.board
        parts = urlsplit(entry.url)
        return parts.netloc if parts.scheme in ("http", "https") and parts.netloc else entry.name

    def start_url(self, entry: SourceConfig) -> str:
        self.board_of(entry)
        return str(entry.url)

    def parse(self, payload: bytes, *, url: str) -> Page:
        if not payload.strip():
            raise ParseError("rss feed: empty body")
        try:
            feed = feedparser.parse(io.BytesIO(payload), response_headers=_headers(url))
        except (UnicodeError, ValueError) as exc:  # e.g. a `&#xD800;` surrogate reference
            raise ParseError(f"rss feed: unreadable ({type(exc).__name__}: {exc})") from exc
        version = str(feed.get("version") or "")
        if not version.startswith(_FEED_VERSIONS):
            raise ParseError(f"rss feed: not an RSS or Atom feed ({_what_it_is(payload, feed)})")
        remote_board = _on_remote_board(feed.get("feed", {}).get("link")) or _on_remote_board(url)
        return Page(records=[_record(item, remote_board) for item in feed.get("entries", [])])

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        source_id = text_or_none(record.get("id")) or text_or_none(record.get("link"))
        if source_id is None:
            raise RecordError("feed item without a guid/id or a link")
        remote_board = _remote_board(record, ctx)
        company, title = _company_and_title(record, remote_board)
        if title is None:
            raise RecordError(f"feed item {source_id} without a title")
        region = text_or_none(record.get("region"))
        body = text_or_none(record.get("content")) or text_or_none(record.get("summary"))
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=source_id,
            url=text_or_none(record.get("link")),
            company=company or ctx.company,
            title=title,
            employment_type=employment_type_from_label(text_or_none(record.get("type"))),
            workplace=Workplace.remote if remote_board else _workplace(region, title),
            locations=region_list_places(region),
            posted_at=parse_datetime(record.get("published_at"), naive_is_utc=False),
            description_text=html_to_text(body) if body else None,
            description_html=markup_or_none(body),
        )


def _headers(url: str) -> dict[str, str]:
    """Lets feedparser resolve relative links against the feed's address (no fetching)."""
    return {"content-location": url} if url.startswith(("http://", "https://")) else {}


def _what_it_is(payload: bytes, feed: Any) -> str:
    head = payload.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if head.startswith((b"{", b"[")):
        return "got JSON"
    if b"<html" in head or head.startswith(b"<!doctype html"):
        return "got an HTML page"
    problem = feed.get("bozo_exception")
    return f"unreadable: {problem}" if problem else "no RSS or Atom root element"


def _on_remote_board(link: object) -> bool:
    if not isinstance(link, str):
        return False
    host = (urlsplit(link).hostname or "").lower()
    return any(host == known or host.endswith("." + known) for known in _REMOTE_BOARD_HOSTS)


def _record(item: Any, remote_board: bool) -> dict[str, Any]:
    """A plain, JSON-friendly record of the fields we map (quarantine keeps its excerpt)."""
    content = item.get("content") or []
    return {
        "id": item.get("id"),
        "link": _link(item),
        "title": item.get("title"),
        "published": item.get("published") or item.get("updated"),
        "published_at": _timestamp(item.get("published_parsed") or item.get("updated_parsed")),
        "content": content[0].get("value") if content else None,
        "summary": item.get("summary"),
        "region": item.get("region"),
        "type": item.get("type"),
        "category": item.get("category"),
        "remote_board": remote_board,
    }


def _link(item: Any) -> str | None:
    """The item's web page; an Atom id copied into `link` ("guidislink") is not a URL."""
    for candidate in [item.get("link"), *(x.get("href") for x in item.get("links") or [])]:
        if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
            return candidate
    return None


def _timestamp(parsed: object) -> str | None:
    """feedparser's UTC struct_time as ISO 8601 with an offset."""
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _remote_board(record: Record, ctx: RecordContext) -> bool:
    """The entry's option when it gives one, else what the feed's own address says."""
    option = ctx.options.get("remote_board")
    return option if isinstance(option, bool) else record.get("remote_board") is True


def _company_and_title(record: Record, remote_board: bool) -> tuple[str | None, str | None]:
    title = text_or_none(record.get("title"))
    if title is None:
        return None, None
    title = unescape_entities(title).strip()
    if remote_board:
        company, sep, role = title.partition(": ")
        if sep and company.strip() and role.strip():
            return company.strip(), role.strip()
    return None, title or None


def _workplace(region: str | None, title: str) -> Workplace | None:
    """Off remote-only boards, only what the item's words say ("Anywhere", "(Hybrid)")."""
    return workplace_from_text(region) or workplace_from_text(title)
