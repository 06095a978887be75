"""What a connector is: pure functions from a board's payloads to postings.

A connector never does I/O. The pipeline fetches the URLs it names, hands it the bytes, and
follows the URLs its pages point to (next pages, sitemap entries). That keeps paging, retries and
politeness in one place and lets any stored payload be parsed again offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Protocol

from jobingest.models import Posting, SourceConfig

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Page:
    """One parsed payload: the board's records, and the URLs to fetch next."""

    records: list[Record]
    follow: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordContext:
    """What a mapping needs beyond the record itself."""

    source: str
    board: str
    fetched_on: date
    company: str | None = None
    hours_per_year: int = 2080
    # The entry's `options` (column mappings of a dump, say): parse() sees only bytes and a URL,
    # so entry-specific settings reach the mapping through here.
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)


class Connector(Protocol):
    """A source kind.

    Optional extras a connector may define, which the pipeline looks for:
    - `target = "salary_survey"` with `survey_row(record) -> dict`: rows are survey answers; they
      print like postings in `jobingest parse` but load into `salary_survey`, never among
      advertised postings.
    - `respects_robots = True`: pages are crawled, so robots.txt is checked before each fetch.
    - `start_urls(entry) -> list[str]`: several first URLs (a list of career pages).
    - `complete_snapshot = False`: a run does not list every open posting (feeds, dumps), so a
      posting it does not list is not closed.
    """

    kind: ClassVar[str]
    description: ClassVar[str]

    def board_of(self, entry: SourceConfig) -> str:
        """The board identifier an entry points at (its token, site, company id, …)."""
        ...

    def start_url(self, entry: SourceConfig) -> str:
        """The first URL to fetch for an entry that gives no explicit `url`."""
        ...

    def parse(self, payload: bytes, *, url: str) -> Page:
        """Bytes of one response to records; raises ParseError when they are not this kind."""
        ...

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        """One record to a posting; raises RecordError (or ValueError) when it cannot be one."""
        ...


def decode_json(payload: bytes, *, what: str) -> Any:
    """Parse a JSON body, with a reason a person can act on when it is not JSON."""
    import json

    import orjson

    from jobingest.errors import ParseError
    from jobingest.sources.encoding import decode_text

    text = decode_text(payload).strip()
    if not text:
        raise ParseError(f"{what}: empty body")
    if text[0] == "<":
        raise ParseError(f"{what}: got HTML or XML where JSON was expected ({text[:60]!r})")
    try:
        # orjson is about twice as fast; what it refuses (NaN, huge numbers, lone surrogates)
        # the standard library decides, so results and error messages are unchanged.
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{what}: invalid JSON at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise ParseError(f"{what}: JSON nested too deeply to read") from exc


def text_or_none(value: object) -> str | None:
    """A board's string field, or None for missing, empty or non-string values."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
