"""Bytes of one payload to finished postings, with every unusable record accounted for.

Used by the pipeline and by `jobingest parse`, so what a person debugs is what a run loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from jobingest.dedupe import fingerprint
from jobingest.errors import JobIngestError, RecordError
from jobingest.extract.enrich import enrich
from jobingest.extract.role import normalize_title
from jobingest.models import Posting
from jobingest.sources.base import Connector, Record, RecordContext

_EXCERPT_CHARS = 2000
# What mapping one record may raise: typed errors, the model's validation, and the slips of a
# connector meeting a value of a type it did not expect (a list where a board sends an object).
# Each costs its record, never the payload.
_RECORD_FAULTS = (
    JobIngestError, ValidationError, ValueError, TypeError, LookupError, AttributeError,
)  # fmt: skip
_Model = TypeVar("_Model", bound=BaseModel)


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
            posting = usable(connector.to_posting(record, ctx))
        except _RECORD_FAULTS as exc:
            record_id = _record_id(record)
            out.rejected.append(
                Rejected(
                    stage="map",
                    reason=_no_nul(_reason(exc)),
                    excerpt=_excerpt(record),
                    source_id=_no_nul(record_id) if record_id is not None else None,
                )
            )
            continue
        out.postings.append(finish_posting(posting, ctx))
    return out


def usable(posting: Posting) -> Posting:
    """A mapped posting a person could search for and any warehouse can store. A title without a
    letter in it (`12345`, a board that put its id or a price in the title field) names no job,
    whatever the board says. NUL characters (JSON `\\u0000`) are dropped: PostgreSQL text
    cannot hold them, and one would fail the whole batch."""
    if not any(character.isalpha() for character in posting.title):
        raise RecordError(f"title {_no_nul(posting.title[:40])!r} has no letters: not a job title")
    return _without_nul(posting)


def _no_nul(text: str) -> str:
    return text.replace("\x00", "")


def _without_nul(model: _Model) -> _Model:
    return _rebuilt_without_nul(model) if _has_nul(model) else model


def _has_nul(model: BaseModel) -> bool:
    """Whether a string of the model (or of a model or list in it) may hold a NUL: a read-only walk
    of what `_rebuilt_without_nul` walks, so a posting without one (nearly all) is not copied.
    Extra fields (no contract model allows them) are left to that walk."""
    if model.__pydantic_extra__:
        return True
    for value in model.__dict__.values():
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, BaseModel):
            if _has_nul(value):
                return True
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    if _has_nul(item):
                        return True
                elif isinstance(item, str) and "\x00" in item:
                    return True
    return False


def _rebuilt_without_nul(model: _Model) -> _Model:
    updates: dict[str, object] = {}
    for name, value in model:
        if isinstance(value, str) and "\x00" in value:
            updates[name] = _no_nul(value)
        elif isinstance(value, BaseModel):
            cleaned = _without_nul(value)
            if cleaned is not value:
                updates[name] = cleaned
        elif isinstance(value, list) and any(isinstance(v, str | BaseModel) for v in value):
            items = [
                _no_nul(v) if isinstance(v, str) else _without_nul(v) if isinstance(v, BaseModel)
                else v
                for v in value
            ]  # fmt: skip
            if any(a is not b for a, b in zip(items, value, strict=True)):
                updates[name] = items
    return model.model_copy(update=updates) if updates else model


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
        except _RECORD_FAULTS as exc:
            out.rejected.append(
                Rejected("map", _reason(exc), _excerpt(record), source_id=_record_id(record))
            )
            continue
        match = normalize_title(str(row.get("job_title") or ""))
        row.setdefault("role", match.role)
        row.setdefault("role_family", match.family)
        out.rows.append(row)
    return out
