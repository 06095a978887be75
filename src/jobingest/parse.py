"""Bytes of one payload to finished postings, with every unusable record accounted for.

Used by the pipeline and by `jobingest parse`, so what a person debugs is what a run loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError

from jobingest.dedupe import fingerprint
from jobingest.errors import JobIngestError
from jobingest.models import Posting
from jobingest.sources.base import Connector, Record, RecordContext

_EXCERPT_CHARS = 2000


@dataclass(frozen=True)
class Rejected:
    """A record that could not become a posting, with why, for the quarantine table."""

    stage: str
    reason: str
    excerpt: str
    source_id: str | None = None


@dataclass
class ParsedPayload:
    postings: list[Posting] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
    records: int = 0


def parse_payload(
    connector: Connector, payload: bytes, *, url: str, ctx: RecordContext
) -> ParsedPayload:
    """Parse and map one payload. A payload that is not the kind raises ParseError."""
    page = connector.parse(payload, url=url)
    out = ParsedPayload(follow=list(page.follow), records=len(page.records))
    for record in page.records:
        try:
            posting = connector.to_posting(record, ctx)
        except (JobIngestError, ValidationError, ValueError, TypeError, KeyError) as exc:
            out.rejected.append(
                Rejected(
                    stage="map",
                    reason=_reason(exc),
                    excerpt=_excerpt(record),
                    source_id=_record_id(record),
                )
            )
            continue
        out.postings.append(posting.model_copy(update={"fingerprint": fingerprint(posting)}))
    return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        return f"invalid posting: {problems}"
    return f"{type(exc).__name__}: {exc}"


def _excerpt(record: Record) -> str:
    try:
        text = json.dumps(record, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(record)
    return text[:_EXCERPT_CHARS]


def _record_id(record: Record) -> str | None:
    for key in ("id", "source_id", "identifier", "uuid", "slug"):
        value = record.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None
