"""Driver-level bulk writes for the loader: ids handed out up front, then one upsert per table.

SQLAlchemy spends more time per row preparing an executemany than SQLite spends storing it, and
PostgreSQL pays a round trip per statement page. So rows go to the driver as plain tuples, each
value passed through the column type's own bind processor (rows read back exactly as a Core
insert would have written them): `sqlite3.executemany` of one `INSERT … ON CONFLICT (id) DO
UPDATE`, or on PostgreSQL a `COPY` into a temporary staging table and one `INSERT … SELECT … ON
CONFLICT (id) DO UPDATE` from it. Keying the upsert on the id, not on a natural key, keeps a
concurrent insert of the same listing an error instead of a silent merge. Every name spliced
into SQL here (tables, columns) comes from the warehouse metadata, never from input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, func, select

_Processor = Callable[[Any], Any] | None


def allocate_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, ascending, as the database would assign them."""
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
        result = connection.exec_driver_sql(
            f"SELECT nextval({sequence}) FROM generate_series(1, %(n)s) ORDER BY 1",  # noqa: S608
            {"n": count},
        )
        return [int(row[0]) for row in result]
    # SQLite gives a new row max(rowid) + 1; the transaction holds the write lock (BEGIN
    # IMMEDIATE), and a writer that did not would fail on the key rather than share it.
    top = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + count))


def upsert_by_id(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    update_columns: Sequence[str],
) -> None:
    """Insert rows whose `id` is new and update `update_columns` of rows whose `id` exists.

    Every row has the same keys (in any order), `id` among them, and a valid value for each
    NOT NULL column (the proposed row of an update is checked too, then discarded).
    """
    if not rows:
        return
    columns = list(rows[0])
    processed = [
        (index, process)
        for index, process in enumerate(_bind_processors(connection, table, columns))
        if process is not None
    ]
    values_of = itemgetter(*columns)
    tuples = []
    for row in rows:
        values = list(values_of(row))
        for index, process in processed:
            if values[index] is not None:
                values[index] = process(values[index])
        tuples.append(tuple(values))
    if connection.dialect.name == "postgresql" and len(tuples) >= _COPY_FROM_ROWS:
        _copy_upsert(connection, table, columns, tuples, update_columns)
    else:
        _executemany_upsert(connection, table, columns, tuples, update_columns)


def _bind_processors(connection: Connection, table: Table, columns: list[str]) -> list[_Processor]:
    dialect = connection.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def _on_conflict(update_columns: Sequence[str]) -> str:
    if not update_columns:  # inserts only: an id taken already is an error, never skipped
        return ""
    assignments = ", ".join(f"{name} = excluded.{name}" for name in update_columns)
    return f"ON CONFLICT (id) DO UPDATE SET {assignments}"


def _executemany_upsert(
    connection: Connection,
    table: Table,
    columns: list[str],
    tuples: list[tuple[Any, ...]],
    update_columns: Sequence[str],
) -> None:
    """One upsert statement repeated by the driver: sqlite3's executemany, or psycopg's, which
    pipelines the statements (one round trip for the lot)."""
    mark = "?" if connection.dialect.name == "sqlite" else "%s"
    marks = ", ".join(mark for _ in columns)
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks}) "  # noqa: S608
        f"{_on_conflict(update_columns)}"
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(statement, tuples)
    finally:
        cursor.close()


# Below this many rows, staging with COPY costs more round trips than it saves.
_COPY_FROM_ROWS = 100


def _copy_upsert(
    connection: Connection,
    table: Table,
    columns: list[str],
    tuples: list[tuple[Any, ...]],
    update_columns: Sequence[str],
) -> None:
    names = ", ".join(columns)
    # Named after its columns, so a pooled session never reuses one of an older schema.
    digest = hashlib.sha1(names.encode(), usedforsecurity=False).hexdigest()[:10]
    stage = f"_stage_{table.name}_{digest}"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        # Created once per session; emptied first, as a backfill loads many batches in one
        # transaction (ON COMMIT DELETE ROWS empties it for the next one). One round trip.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS "  # noqa: S608
            f"AS SELECT {names} FROM {table.name} WITH NO DATA; DELETE FROM {stage}"
        )
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:  # sql: identifiers only
            for row in tuples:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {stage} ORDER BY id "  # noqa: S608
            f"{_on_conflict(update_columns)}"
        )
