"""Bytes of one payload to finished postings, with every unusable record accounted for.

Used by the pipeline and by `jobingest parse`, so what a person debugs is what a run loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError

from jobingest.dedupe import fingerprint
from jobingest.errors import JobIngestError
from jobingest.extract.enrich import enrich
from jobingest.extract.role import normalize_title
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
        out.postings.append(finish_posting(posting, ctx))
    return out


def finish_posting(posting: Posting, ctx: RecordContext) -> Posting:
    """What every mapped posting goes through: text extraction for unstated fields, then the
    fingerprint (which depends on the extracted places and title)."""
    enriched = enrich(posting, fetched_on=ctx.fetched_on, hours_per_year=ctx.hours_per_year)
    return enriched.model_copy(update={"fingerprint": fingerprint(enriched)})


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


@dataclass
class ParsedSurvey:
    """Survey answers of one payload, as `salary_survey` rows."""

    rows: list[dict[str, object]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
    records: int = 0


def parse_survey(connector: Connector, payload: bytes, *, url: str) -> ParsedSurvey:
    """For connectors whose `target` is `salary_survey`: rows for that table, with the role the
    title normalises to, and unusable answers rejected with a reason."""
    survey_row = getattr(connector, "survey_row", None)
    if survey_row is None:
        raise TypeError(f"{connector.kind} has target salary_survey but no survey_row()")
    page = connector.parse(payload, url=url)
    out = ParsedSurvey(follow=list(page.follow), records=len(page.records))
    for record in page.records:
        try:
            row = dict(survey_row(record))
        except (JobIngestError, ValidationError, ValueError, TypeError, KeyError) as exc:
            out.rejected.append(
                Rejected("map", _reason(exc), _excerpt(record), source_id=_record_id(record))
            )
            continue
        match = normalize_title(str(row.get("job_title") or ""))
        row.setdefault("role", match.role)
        row.setdefault("role_family", match.family)
        out.rows.append(row)
    return out
