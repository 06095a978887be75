"""Read-only checks of a warehouse against an oracle, shared by the soak and crash-recovery tests.

Each returns what it found rather than asserting, so a test can print the figures it asserts.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, text

from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine

Key = tuple[str, str, str]

_DUPLICATES = {
    "posting": "SELECT source, board, source_id FROM posting GROUP BY source, board, source_id "
    "HAVING count(*) > 1",
    "posting_source": "SELECT source, board, source_id FROM posting_source "
    "GROUP BY source, board, source_id HAVING count(*) > 1",
    # One change recorded twice (a batch loaded again after a crash) repeats its content hash.
    "posting_version": "SELECT posting_id, kind, content_hash FROM posting_version "
    "WHERE kind = 'changed' GROUP BY posting_id, kind, content_hash HAVING count(*) > 1",
}
TABLES = ("posting", "posting_source", "posting_version", "raw_payload", "quarantine")


def _connect(settings: Settings) -> Connection:
    return get_engine(settings.database_url.get_secret_value()).connect()


def listings(settings: Settings, *, open_only: bool = False) -> set[Key]:
    """(source, board, source_id) of every listing in the warehouse (or of the open ones)."""
    sql = (
        "SELECT ps.source, ps.board, ps.source_id FROM posting_source ps "
        "JOIN posting p ON p.id = ps.posting_id"
        + (" WHERE p.closed_at IS NULL" if open_only else "")
    )
    with _connect(settings) as connection:
        return {(r[0], r[1], r[2]) for r in connection.execute(text(sql))}


def duplicates(settings: Settings) -> dict[str, int]:
    with _connect(settings) as connection:
        return {
            table: len(connection.execute(text(sql)).all()) for table, sql in _DUPLICATES.items()
        }


def table_counts(settings: Settings) -> dict[str, int]:
    with _connect(settings) as connection:
        return {
            table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in TABLES
        }


def bookkeeping_ahead(settings: Settings, published: Mapping[str, frozenset[Key]]) -> list[str]:
    """Every place where run bookkeeping claims more than the committed data holds.

    - a run source's new/duplicates/reposts must equal the postings it first loaded, its
      `updated` the changes recorded, its `closed` the closings, its `pages` its index rows;
    - an index row for a parsed payload means every listing in that payload is in the warehouse;
    - a finished run's totals are the sums of its sources' rows.
    """
    problems: list[str] = []
    with _connect(settings) as connection:
        rows = connection.execute(text("SELECT * FROM ingest_run_source")).mappings().all()
        for row in rows:
            run, name, kind, board = row["run_id"], row["source_name"], row["kind"], row["board"]
            first_loaded = connection.execute(
                text(
                    "SELECT count(*) FROM posting "
                    "WHERE first_run_id = :r AND source = :k AND board = :b"
                ),
                {"r": run, "k": kind, "b": board},
            ).scalar_one()
            claimed = row["new"] + row["duplicates"] + row["reposts"]
            if claimed != first_loaded:
                problems.append(f"run {run} {name}: counts {claimed} new, {first_loaded} loaded")
            for counter, version in (("updated", "changed"), ("closed", "closed")):
                recorded = connection.execute(
                    text(
                        "SELECT count(*) FROM posting_version v JOIN posting p "
                        "ON p.id = v.posting_id WHERE v.run_id = :r AND v.kind = :v "
                        "AND p.source = :k AND p.board = :b"
                    ),
                    {"r": run, "v": version, "k": kind, "b": board},
                ).scalar_one()
                if row[counter] != recorded:
                    problems.append(
                        f"run {run} {name}: {counter}={row[counter]}, {recorded} {version} versions"
                    )
            indexed = connection.execute(
                text("SELECT count(*) FROM raw_payload WHERE run_id = :r AND source_name = :n"),
                {"r": run, "n": name},
            ).scalar_one()
            if row["pages"] != indexed:
                problems.append(f"run {run} {name}: pages={row['pages']}, {indexed} indexed")
        problems += _indexed_payloads_loaded(connection, published)
        problems += _run_totals(connection)
    return problems


def _indexed_payloads_loaded(
    connection: Connection, published: Mapping[str, frozenset[Key]]
) -> list[str]:
    stored = {
        (r[0], r[1], r[2])
        for r in connection.execute(text("SELECT source, board, source_id FROM posting_source"))
    }
    problems = []
    for sha, url in connection.execute(
        text("SELECT sha256, url FROM raw_payload WHERE records IS NOT NULL")
    ):
        if sha not in published:
            problems.append(f"{url} indexed with a body {sha[:12]} that was never served")
            continue
        missing = published[sha] - stored
        if missing:
            problems.append(f"{url} indexed as parsed but {len(missing)} of its listings missing")
    return problems


def _run_totals(connection: Connection) -> list[str]:
    problems = []
    runs = connection.execute(
        text("SELECT id, new, updated, closed, finished_at FROM ingest_run")
    ).mappings()
    for run in runs:
        sums = connection.execute(
            text(
                "SELECT coalesce(sum(new), 0), coalesce(sum(updated), 0), "
                "coalesce(sum(closed), 0) FROM ingest_run_source WHERE run_id = :r"
            ),
            {"r": run["id"]},
        ).one()
        totals = (run["new"], run["updated"], run["closed"])
        if run["finished_at"] is None and any(totals):
            problems.append(f"run {run['id']} unfinished but has totals {totals}")
        if run["finished_at"] is not None and totals != tuple(sums):
            problems.append(f"run {run['id']}: totals {totals}, sources sum to {tuple(sums)}")
    return problems
