"""The straightforward replay every figure is compared with, written as a team would first write
it: BeautifulSoup (`html.parser`) on every page and every description, the same connectors and
extractors for the fields, duplicates found by an exact fingerprint lookup, and one ORM
`session.add` + `commit` per posting.

It reads the same `raw_payload` index and raw store as `jobingest.backfill.replay` and fills the
same `posting` and `posting_source` tables, so both are timed on the same work. It keeps no run
bookkeeping, quarantine or version history, which only flatters it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from bs4 import BeautifulSoup
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from jobingest.config import load_sources
from jobingest.dedupe import content_hash
from jobingest.errors import JobIngestError
from jobingest.models import Posting
from jobingest.parse import finish_posting
from jobingest.pipeline import database_url, prepare_warehouse
from jobingest.rawstore import RawStore
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import Connector, Record, RecordContext
from jobingest.warehouse import runs
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.tables import Posting as PostingRow
from jobingest.warehouse.tables import PostingSource

# Where each board kind keeps a posting's description HTML.
DESCRIPTION_FIELDS = {
    "greenhouse": "content",
    "lever": "description",
    "ashby": "descriptionHtml",
    "rss": "summary",
}


def replay_straightforward(settings: Settings, sources_file: str) -> int:
    """Replay every landed payload; returns the postings loaded."""
    prepare_warehouse(settings)
    entries = {entry.name: entry for entry in load_sources(sources_file).entries}
    store = RawStore(settings.raw_store)
    engine = get_engine(database_url(settings))
    with engine.connect() as connection:
        payloads = [dict(row) for row in connection.execute(sql_select(runs.raw_table)).mappings()]
    loaded = 0
    with Session(engine) as session:
        for payload in payloads:
            entry = entries[payload["source_name"]]
            connector = get_connector(entry.kind)
            fetched_at = _utc(payload["fetched_at"])
            ctx = RecordContext(
                source=entry.kind, board=payload["board"], fetched_on=fetched_at.date(),
                company=entry.company, hours_per_year=settings.hours_per_year,
                options=entry.options,
            )  # fmt: skip
            body = store.get(payload["sha256"])
            for posting in _postings(connector, body, payload["url"], ctx):
                save_one(
                    session, posting, source_name=payload["source_name"],
                    raw_sha256=payload["sha256"], seen=fetched_at,
                )  # fmt: skip
                loaded += 1
    return loaded


def _postings(connector: Connector, body: bytes, url: str, ctx: RecordContext) -> Iterator[Posting]:
    for record in _records(connector, body, url):
        try:
            posting = connector.to_posting(record, ctx)
        except (JobIngestError, ValueError, TypeError, KeyError):
            continue
        text = _description(connector.kind, record)
        if text is not None:
            posting = posting.model_copy(update={"description_text": text})
        yield finish_posting(posting, ctx)


def _records(connector: Connector, body: bytes, url: str) -> list[Record]:
    """A career page is read with BeautifulSoup; feeds and board JSON as the connector does."""
    if connector.kind != "jsonld":
        return connector.parse(body, url=url).records
    soup = BeautifulSoup(body, "html.parser")
    records: list[Record] = []
    for script in soup.find_all("script", type="application/ld+json"):
        node = json.loads(script.get_text())
        if isinstance(node, dict) and node.get("@type") == "JobPosting":
            records.append({"page_url": url, "position": len(records), "posting": node})
    return records


def _description(kind: str, record: Record) -> str | None:
    markup = (
        record.get("posting", {}).get("description")
        if kind == "jsonld"
        else record.get(DESCRIPTION_FIELDS.get(kind, "description"))
    )
    if not isinstance(markup, str):
        return None
    if kind == "greenhouse":
        markup = html.unescape(markup)
    return BeautifulSoup(markup, "html.parser").get_text(" ", strip=True) or None


def save_one(
    session: Session, posting: Posting, *, source_name: str, raw_sha256: str | None, seen: datetime
) -> None:
    """Upsert one listing through the ORM and commit it."""
    digest = content_hash(posting)
    listing = session.exec(
        select(PostingSource).where(
            PostingSource.source == posting.source,
            PostingSource.board == posting.board,
            PostingSource.source_id == posting.source_id,
        )
    ).first()
    if listing is not None:
        row = session.get(PostingRow, listing.posting_id)
        if row is not None:
            _fill(row, posting, digest, seen)
            session.add(row)
        listing.last_seen_at = seen
        session.add(listing)
        session.commit()
        return
    canonical = session.exec(
        select(PostingRow.id).where(
            PostingRow.fingerprint == posting.fingerprint, col(PostingRow.canonical_id).is_(None)
        )
    ).first()
    row = PostingRow(
        source=posting.source, board=posting.board, source_id=posting.source_id,
        title=posting.title, content_hash=digest, first_seen_at=seen, last_seen_at=seen,
        updated_at=seen, canonical_id=canonical,
    )  # fmt: skip
    _fill(row, posting, digest, seen)
    session.add(row)
    session.flush()
    listing = PostingSource(
        posting_id=row.id or 0, source=posting.source, board=posting.board,
        source_id=posting.source_id, source_name=source_name, url=posting.url,
        content_hash=digest, raw_sha256=raw_sha256, first_seen_at=seen, last_seen_at=seen,
    )  # fmt: skip
    session.add(listing)
    session.commit()


def _fill(row: PostingRow, posting: Posting, digest: str, seen: datetime) -> None:
    salary = posting.salary
    first = posting.locations[0] if posting.locations else None
    row.url, row.company, row.title = posting.url, posting.company, posting.title
    row.role, row.role_family = posting.role, posting.role_family
    row.level = posting.level.value if posting.level else None
    row.employment_type = posting.employment_type.value if posting.employment_type else None
    row.workplace = posting.workplace.value if posting.workplace else None
    row.country, row.city = (first.country, first.city) if first else (None, None)
    row.locations = [place.model_dump(mode="json") for place in posting.locations]
    row.salary_min, row.salary_max = (salary.min, salary.max) if salary else (None, None)
    row.salary_currency = salary.currency if salary else None
    row.skills = list(posting.skills)
    row.posted_at = posting.posted_at
    row.description_text = posting.description_text
    row.fingerprint = posting.fingerprint
    row.content_hash = digest
    row.last_seen_at = row.updated_at = seen


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
