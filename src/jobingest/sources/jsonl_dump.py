"""Bulk dumps as JSON Lines: one JSON object per line (scraper output, database exports).

Same entry shape as the `csv` kind: `url` names the file, `options.columns` maps contract fields
to keys (a dotted path such as `company.name` reaches into nested objects; without a mapping a
key named like the field is used). Objects may be sparse, so a mapped key missing from a line
is simply unknown. A line without an id key is keyed `row<N>`, N being its line number in the
file. A line that is not a JSON object is kept as a record and rejected with its reason, so a
few broken lines never hide the rest; a file with no object at all is not JSON Lines.
Encoding as for `csv`: UTF-8, cp1252 when the bytes are not UTF-8, `options.encoding` overrides.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from jobingest.errors import ConfigError, ParseError
from jobingest.models import Posting, SourceConfig
from jobingest.sources import _dumps
from jobingest.sources.base import Page, Record, RecordContext

_JSON_TYPES = {
    list: "array", str: "string", int: "number", float: "number", bool: "boolean",
    type(None): "null",
}  # fmt: skip


class JsonlDump:
    kind: ClassVar[str] = "jsonl"
    # A dump is a one-off export: absence from the next one is not closing.
    complete_snapshot: ClassVar[bool] = False
    description: ClassVar[str] = (
        "JSON Lines dump of postings from a file or URL, keys mapped by options.columns"
    )

    def board_of(self, entry: SourceConfig) -> str:
        if not entry.url:
            # Checked here because `sources check` calls board_of: the entry is reported then.
            raise ConfigError(f"source {entry.name!r}: jsonl needs `url` (file:// or http(s))")
        return entry.board or entry.name

    def start_url(self, entry: SourceConfig) -> str:
        # Called only when the entry has no `url`, and a dump has no default address.
        raise ConfigError(f"source {entry.name!r}: jsonl needs `url` (file:// or http(s))")

    def parse(self, payload: bytes, *, url: str) -> Page:
        return parse_dump(payload)

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        row = _dumps.row_of(record, ctx, what="jsonl line", columns_must_exist=False)
        return _dumps.posting_from_row(row, ctx, what="jsonl line")


def parse_dump(payload: bytes, *, encoding: str | None = None) -> Page:
    """Every non-blank line as a record, numbered by its line in the file."""
    text, used = _dumps.decode(payload, encoding)
    _dumps.refuse_markup(text, what="jsonl dump")
    if _one_json_document(text):
        raise ParseError("jsonl dump: no line is a JSON object (one JSON document over many lines)")
    records: list[Record] = []
    # Only "\n" ends a line: U+2028 and friends may sit unescaped inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            records.append(_record(number, line, used))
    if not any("values" in record for record in records):
        first = records[0].get("error") if records else "no lines"
        raise ParseError(f"jsonl dump: no line is a JSON object ({first})")
    return Page(records=records)


def _record(number: int, line: str, encoding: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"row": number, "error": f"invalid JSON at column {exc.colno}: {exc.msg}"}
    except RecursionError:
        return {"row": number, "error": "JSON nested too deeply to read"}
    if not isinstance(value, dict):
        return {
            "row": number,
            "error": f"a JSON {_JSON_TYPES.get(type(value), 'value')}, not an object",
        }
    return {"row": number, "values": value, "read_as": {"encoding": encoding}}


def _one_json_document(text: str) -> bool:
    """A pretty-printed JSON file: some of its lines may be objects, but it is no JSON Lines.
    JSON Lines with two or more objects is never one valid document (json stops at line two)."""
    if text.strip().count("\n") == 0:
        return False
    try:
        json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True
