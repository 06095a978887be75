"""RemoteOK public API: one JSON array with every live job on the board.

`GET https://remoteok.com/api`. Element 0 is the API's legal notice (`legal`, no `id`), not a
job, so it is skipped rather than rejected. RemoteOK lists remote jobs only, so every posting is
remote by board fact; `location` is free text naming where candidates may be.

Pay: `salary_min`/`salary_max` are bare numbers (0 = not stated). The API states no currency
and no period, and some bands are plainly hourly (30-30), so the band keeps the numbers with
currency and period None: `normalise_band` infers a period from magnitude only for a known
currency, so no annual or USD figures are made up. We never assume USD.

RemoteOK has no employment-type or level field. `tags` look machine-derived from the text
("director" and "go" on a Data Analyst ad), so they are not read as a statement of either.

Text arrives UTF-8-encoded twice ("donâ\\x80\\x99t"); it is repaired before use.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from jobingest.errors import ParseError, RecordError
from jobingest.extract.location import parse_location
from jobingest.extract.text import html_to_text, unescape_entities
from jobingest.models import Posting, Salary, SourceConfig, Workplace
from jobingest.sources.base import Page, Record, RecordContext, decode_json, text_or_none
from jobingest.sources.fields import (
    amount,
    board_band,
    parse_datetime,
    undo_double_utf8,
)

API = "https://remoteok.com/api"
BOARD = "remoteok"


class RemoteOK:
    kind: ClassVar[str] = "remoteok"
    # The API lists only recent jobs: absence is not closing.
    complete_snapshot: ClassVar[bool] = False
    description: ClassVar[str] = "RemoteOK public job API (remoteok.com/api), the whole board"

    def board_of(self, entry: SourceConfig) -> str:
        return entry.board or BOARD

    def start_url(self, entry: SourceConfig) -> str:
        return API

    def parse(self, payload: bytes, *, url: str) -> Page:
        document = decode_json(payload, what="remoteok api")
        if not isinstance(document, list):
            raise ParseError("remoteok api: expected a JSON array of jobs")
        return Page(records=[item for item in document if _is_job(item)])

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        job_id = text_or_none(record.get("id"))
        if job_id is None:
            raise RecordError("remoteok job without an `id`")
        title = _text(record.get("position"))
        if title is None:
            raise RecordError(f"remoteok job {job_id} without a `position` (title)")
        posted_at = parse_datetime(record.get("date"), naive_is_utc=False) or parse_datetime(
            record.get("epoch")
        )
        description = text_or_none(record.get("description"))
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=job_id,
            url=text_or_none(record.get("url")) or text_or_none(record.get("apply_url")),
            company=_text(record.get("company")) or ctx.company,
            title=title,
            workplace=Workplace.remote,
            locations=parse_location(_text(record.get("location"))).places,
            salary=_salary(record, ctx, posted_at),
            posted_at=posted_at,
            description_text=html_to_text(undo_double_utf8(description)) if description else None,
            description_html=undo_double_utf8(description) if description else None,
        )


def _is_job(item: object) -> bool:
    """Job objects only: the leading legal notice has `legal` and no `id`."""
    if not isinstance(item, dict):
        return False
    return not ("legal" in item and "id" not in item)


def _text(value: object) -> str | None:
    text = text_or_none(value)
    if text is None:
        return None
    return unescape_entities(undo_double_utf8(text)).strip() or None

    try:
        return float(value)
    except ValueError:
        return None


def _salary(record: Record, ctx: RecordContext, posted_at: datetime | None) -> Salary | None:
    return board_band(
        amount(record.get("salary_min")),
        amount(record.get("salary_max")),
        currency=None,
        period=None,
        raw=f"salary_min={record.get('salary_min')} salary_max={record.get('salary_max')}",
        ctx=ctx,
        posted_at=posted_at,
    )
