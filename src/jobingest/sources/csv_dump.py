"""Bulk dumps as CSV files (Kaggle exports, scraper output, a spreadsheet someone saved).

The entry names the file (`url: file://dumps/jobs.csv` or an http(s) URL); there is no paging.
`options.columns` maps contract fields to the file's columns, e.g.
`{source_id: job_id, title: Job Title, company: Company Name, location: Location}`; without it a
column named like the field is used (see `_dumps.FIELDS`). A row without an id column is keyed
`row<N>`, N counting data rows from 1 (header excluded, blank lines skipped): stable while the
file only grows at the end, so prefer an id column when the dump has one (a row whose id cell
is empty is then rejected, never keyed by its number). A row without a title is rejected.

Pay: structured `salary_min` / `salary_max` / `salary_currency` / `salary_period` columns map
directly (a stated period the contract cannot hold, such as BIWEEKLY, stays unknown rather
than being guessed from the amount); a single free-text `salary` column ("$53K-$91K (Glassdoor
est.)") is read by `extract_salary`, a bare "$" resolved by the row's country.

Encoding: UTF-8 (a BOM is honoured), falling back to cp1252 when the bytes are not UTF-8;
`options.encoding` overrides it for any ASCII-compatible encoding. The delimiter is detected
from the header line (`,` `;` TAB `|`); `options.delimiter` is checked against it.
"""

from __future__ import annotations

from typing import ClassVar

from jobingest.errors import ConfigError
from jobingest.models import Posting, SourceConfig
from jobingest.sources import _dumps
from jobingest.sources.base import Page, Record, RecordContext


class CsvDump:
    kind: ClassVar[str] = "csv"
    # A dump is a one-off export: absence from the next one is not closing.
    complete_snapshot: ClassVar[bool] = False
    description: ClassVar[str] = (
        "CSV dump of postings from a file or URL, columns mapped by options.columns"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if not entry.url:
            # Checked here because `sources check` calls board_of: the entry is reported then.
            raise ConfigError(f"source {entry.name!r}: csv needs `url` (file:// or http(s))")
        return entry.board or entry.name

    def start_url(self, entry: SourceConfig) -> str:
        # Called only when the entry has no `url`, and a dump has no default address.
        raise ConfigError(f"source {entry.name!r}: csv needs `url` (file:// or http(s))")

    def parse(self, payload: bytes, *, url: str) -> Page:
        return parse_dump(payload)

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        # Every row holds every header name, so a mapped column missing from it is a typo.
        row = _dumps.row_of(record, ctx, what="csv row", columns_must_exist=True)
        return _dumps.posting_from_row(row, ctx, what="csv row")


def parse_dump(
    payload: bytes, *, encoding: str | None = None, delimiter: str | None = None
) -> Page:
    """Rows of a CSV dump as records. `encoding` and `delimiter` are for callers that know the
    entry's options; the connector's parse() detects both."""
    table = _dumps.read_csv(payload, what="csv dump", encoding=encoding, delimiter=delimiter)
    read_as = {"encoding": table.encoding, "delimiter": table.delimiter}
    return Page(
        records=[
            {"row": number, "values": values, "read_as": read_as}
            for number, values in enumerate(table.rows, start=1)
        ]
    )
