"""What the bulk-dump connectors (`csv`, `jsonl`, `aijobs_salaries`) share: reading the bytes of
a file, and mapping one row to a posting through the entry's column mapping.

A connector's parse() sees only bytes and a URL, never the entry, so reading is self-sufficient:
the encoding and the CSV delimiter are detected from the payload, and every record remembers
how it was read (`read_as`). The mapping step gets the entry's `options` through
`RecordContext.options` and applies them there: an explicit `encoding` that differs from the
detected one is applied by re-decoding the cells (lossless, see `_recode`), and a `delimiter`
that contradicts the header is reported on each row instead of silently producing garbage.

Record shape (the same for every dump kind, so quarantine excerpts read alike):
`{"row": N, "values": {column: value}, "read_as": {"encoding": ..., "delimiter": ...}}`, or
`{"row": N, "error": "..."}` for a line that could not be read at all (JSON Lines).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobingest.errors import ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.industry import industry_from_text
from jobingest.extract.location import country_code, parse_location, workplace_from_text
from jobingest.extract.salary import extract_salary, normalise_band, period_from_text
from jobingest.extract.sanitize import markup_or_none
from jobingest.extract.text import html_to_text
from jobingest.models import (
    Level,
    Location,
    PayPeriod,
    Posting,
    Salary,
    SalaryOrigin,
    Workplace,
)
from jobingest.sources.base import Record, RecordContext
from jobingest.sources.fields import amount, currency_code, parse_datetime

# Contract fields a column mapping may name, and what each column holds.
FIELDS: dict[str, str] = {
    "source_id": "the row's own id (default: the row number, `row<N>`)",
    "title": "job title (required)",
    "company": "employer name (first line of the cell)",
    "url": "link to the posting",
    "location": "location text, e.g. 'Austin, TX' or 'Berlin, Germany; Remote'",
    "country": "country name or ISO code, for rows whose location text names none",
    "workplace": "remote / hybrid / onsite, or text saying so",
    "remote": "a flag (1, true, yes) meaning fully remote; false says nothing",
    "employment_type": "label such as Full-time, Contract, Internship",
    "level": "label such as Entry level, Senior, Director",
    "salary": "free-text pay, e.g. '$53K-$91K (Glassdoor est.)'",
    "salary_min": "lower bound, a number",
    "salary_max": "upper bound, a number",
    "salary_currency": "ISO 4217 code",
    "salary_period": "hour, day, week, month, year (or HOURLY, per annum, ...)",
    "description": "description, HTML or text",
    "industry": "the employer's industry or sector as the dump states it",
    "posted_at": "ISO 8601 date or datetime, or Unix epoch seconds/milliseconds",
}
# A cell holding one of these (case-insensitive) is empty; options.na_values adds more.
NA_VALUES = frozenset({"", "na", "n/a", "nan", "null", "none"})
DEFAULT_ENCODING = "utf-8"
FALLBACK_ENCODING = "cp1252"
_DELIMITERS = (",", ";", "\t", "|")
# A CSV cell may be a whole description; the csv module's default (128 KiB) is too small for
# some dumps. Raising the process-wide limit only ever allows more.
_MAX_CELL_CHARS = 16 * 1024 * 1024
_TRUE = frozenset({"1", "1.0", "true", "yes", "y", "t"})
_LEVEL_WORDS: tuple[tuple[Level, re.Pattern[str]], ...] = (
    (Level.entry, re.compile(r"\b(entry|junior|graduate)\b", re.IGNORECASE)),
    (Level.mid, re.compile(r"\b(mid|intermediate)\b", re.IGNORECASE)),
    (Level.senior, re.compile(r"\b(senior|expert)\b", re.IGNORECASE)),
    (Level.executive, re.compile(r"\b(executive|director)\b", re.IGNORECASE)),
)
_PERIOD_WORDS = {
    "hour": PayPeriod.hour, "hourly": PayPeriod.hour, "day": PayPeriod.day,
    "daily": PayPeriod.day, "week": PayPeriod.week, "weekly": PayPeriod.week,
    "month": PayPeriod.month, "monthly": PayPeriod.month, "year": PayPeriod.year,
    "yearly": PayPeriod.year, "annual": PayPeriod.year, "annually": PayPeriod.year,
}  # fmt: skip
_PERIOD_DERIVED = (
    "period", "annual_min", "annual_max", "annual_min_usd", "annual_max_usd", "fx_rate_date",
)  # fmt: skip


# reading -------------------------------------------------------------------------------------
def decode(payload: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a dump and the encoding it was read with.

    A byte-order mark decides; otherwise `encoding` (default UTF-8), falling back to cp1252
    when UTF-8 fails (Excel's "CSV" on Windows, Kaggle re-exports). cp1252 leaves five bytes
    undefined; they are kept as surrogates so `_recode` can give the exact bytes back.
    """
    if payload.startswith(codecs.BOM_UTF8):
        return payload[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8"
    if payload.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return payload.decode("utf-16", errors="replace"), "utf-16"
    wanted = codec_name(encoding or DEFAULT_ENCODING)
    try:
        return payload.decode(wanted), wanted
    except UnicodeDecodeError:
        if wanted != "utf-8":
            return payload.decode(wanted, errors="replace"), wanted
    return payload.decode(FALLBACK_ENCODING, errors="surrogateescape"), FALLBACK_ENCODING


def codec_name(encoding: str) -> str:
    """Python's canonical name for an encoding ("UTF8", "windows-1252" → "utf-8", "cp1252")."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as exc:
        raise RecordError(f"options.encoding: unknown encoding {encoding!r}") from exc


def refuse_markup(text: str, *, what: str) -> None:
    """A dump that starts like HTML or XML is an error page or the wrong file."""
    head = text.lstrip()[:1]
    if not head:
        raise ParseError(f"{what}: empty body")
    if head == "<":
        raise ParseError(f"{what}: got HTML or XML where a dump was expected ({text[:60]!r})")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[dict[str, str | None]]
    encoding: str
    delimiter: str


def read_csv(
    payload: bytes, *, what: str, encoding: str | None = None, delimiter: str | None = None
) -> Table:
    """A CSV file as rows keyed by header name. Blank lines are skipped; a row with fewer cells
    than the header gets None for the rest, extra cells are dropped; repeated header names get
    `.1`, `.2` suffixes (as pandas does) so no column is lost."""
    csv.field_size_limit(max(csv.field_size_limit(), _MAX_CELL_CHARS))
    text, used = decode(payload, encoding)
    refuse_markup(text, what=what)
    if "\x00" in text:
        raise ParseError(f"{what}: binary data (NUL bytes), not CSV")
    if text.lstrip()[:1] in ("{", "["):
        raise ParseError(f"{what}: got JSON where CSV was expected")
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _unique([cell.strip() for cell in next(reader)])
        rows = [
            {name: (cells[i] if i < len(cells) else None) for i, name in enumerate(header)}
            for cells in reader
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as exc:
        raise ParseError(f"{what}: invalid CSV at line {reader.line_num}: {exc}") from exc
    if not any(header):
        raise ParseError(f"{what}: the first line is not a header")
    return Table(header=header, rows=rows, encoding=used, delimiter=delimiter)


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the candidate seen most often outside quotes (ties go
    to the earlier of `, ; TAB |`). A one-column file reads the same with any of them."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            break
        elif char in counts and not quoted:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


# mapping -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One record with the entry's options applied: `get(field)` is the mapped cell."""

    number: int
    values: Mapping[str, Any]
    columns: Mapping[str, str]
    na_values: frozenset[str]
    read_encoding: str
    wanted_encoding: str | None

    def get(self, name: str) -> Any:
        column = self.columns.get(name)
        if column is None:
            return None
        value = lookup(self.values, column)
        if isinstance(value, str):
            value = self._recode(value).strip()
            return None if value.lower() in self.na_values else value
        return value

    def text(self, name: str) -> str | None:
        value = self.get(name)
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, list):
            parts = [str(v).strip() for v in value if isinstance(v, str | int | float)]
            return "; ".join(p for p in parts if p) or None
        return value if isinstance(value, str) and value else None

    def _recode(self, value: str) -> str:
        # The bytes as read, decoded again as the entry says: exact for every ASCII-compatible
        # encoding, since the delimiter, quote and newline bytes mean the same in all of them.
        if self.wanted_encoding is None or self.wanted_encoding == self.read_encoding:
            return value
        raw = value.encode(self.read_encoding, errors="surrogateescape")
        return raw.decode(self.wanted_encoding, errors="replace")


def row_of(record: Record, ctx: RecordContext, *, what: str, columns_must_exist: bool) -> Row:
    """The record with the entry's options applied; RecordError when the options or the line
    are unusable, so the row lands in quarantine with a reason a person can act on."""
    number = record.get("row")
    if record.get("error"):
        raise RecordError(f"{what} {number}: {record['error']}")
    values = record.get("values")
    if not isinstance(values, Mapping) or not isinstance(number, int):
        raise RecordError(f"not a dump record (no `row` and `values`): {what}")
    options = ctx.options
    read_as = record.get("read_as") or {}
    read_encoding = str(read_as.get("encoding") or DEFAULT_ENCODING)
    _check_delimiter(options, read_as)
    columns = _columns(options, list(values))
    if columns_must_exist and options.get("columns") is not None:
        missing = [
            f"{field} → {column!r}" for field, column in columns.items() if column not in values
        ]
        if missing:
            raise RecordError(
                f"{what} {number}: options.columns names columns the header lacks: "
                f"{', '.join(missing)}"
            )
    return Row(
        number=number,
        values=values,
        columns=columns,
        na_values=NA_VALUES | _na_values(options),
        read_encoding=read_encoding,
        wanted_encoding=_wanted_encoding(options, read_encoding),
    )


def _wanted_encoding(options: Mapping[str, Any], read_encoding: str) -> str | None:
    """The entry's encoding when it overrides the detected one. UTF-8 (the default) does not:
    a file that is not UTF-8 is read as cp1252, as documented."""
    declared = options.get("encoding")
    if declared is None:
        return None
    if not isinstance(declared, str):
        raise RecordError("options.encoding must be a string such as 'cp1252'")
    wanted = codec_name(declared)
    if wanted == "utf-8" or wanted == read_encoding or read_encoding == "utf-16":
        return None
    return wanted


def _check_delimiter(options: Mapping[str, Any], read_as: Mapping[str, Any]) -> None:
    declared = options.get("delimiter")
    used = read_as.get("delimiter")
    if declared is None or used is None:
        return
    if declared in ("\\t", "tab"):
        declared = "\t"
    if declared != used:
        raise RecordError(
            f"options.delimiter is {declared!r} but the header line splits on {used!r}; the "
            "delimiter is detected from the header (parse() does not see options)"
        )


def _na_values(options: Mapping[str, Any]) -> frozenset[str]:
    extra = options.get("na_values") or []
    if not isinstance(extra, list) or not all(isinstance(v, str) for v in extra):
        raise RecordError("options.na_values must be a list of strings")
    return frozenset(v.strip().lower() for v in extra)


def _columns(options: Mapping[str, Any], header: list[str]) -> dict[str, str]:
    """Contract field → column. Without options.columns, a column named like the field (any
    case; `id` for source_id) is used; with it, exactly the columns it names."""
    given = options.get("columns")
    if given is None:
        by_lower = {name.lower(): name for name in header}
        found = {f: by_lower[f] for f in FIELDS if f in by_lower}
        if "source_id" not in found and "id" in by_lower:
            found["source_id"] = by_lower["id"]
        return found
    if not isinstance(given, Mapping):
        raise RecordError("options.columns must map contract fields to column names")
    unknown = sorted(str(k) for k in given if k not in FIELDS)
    if unknown:
        raise RecordError(
            f"options.columns: unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})"
        )
    columns: dict[str, str] = {}
    for name, column in given.items():
        if not isinstance(column, str) or not column.strip():
            raise RecordError(f"options.columns.{name} must be a column name")
        columns[str(name)] = column
    return columns


def lookup(values: Mapping[str, Any], column: str) -> Any:
    """A column, or a dotted path into nested objects ("company.name") when no column has
    that exact name."""
    if column in values:
        return values[column]
    current: Any = values
    for part in column.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def posting_from_row(row: Row, ctx: RecordContext, *, what: str) -> Posting:
    """One dump row to a posting: structured columns first, text only where a column is text."""
    source_id = row.text("source_id") if "source_id" in row.columns else f"row{row.number}"
    if source_id is None:
        raise RecordError(
            f"{what} {row.number}: the id column {row.columns['source_id']!r} is empty"
        )
    title = row.text("title")
    if title is None:
        raise RecordError(f"{what} {row.number} ({source_id}): no title")
    posted_at = parse_datetime(row.get("posted_at"))
    located = parse_location(row.text("location"))
    places = _with_country(located.places, row.text("country"))
    description = row.text("description")
    return Posting(
        source=ctx.source,
        board=ctx.board,
        source_id=source_id,
        url=_url(row.text("url")),
        company=_first_line(row.text("company")) or ctx.company,
        title=title,
        level=level_from_label(row.text("level")),
        employment_type=employment_type_from_label(row.text("employment_type")),
        workplace=_workplace(row) or located.workplace or workplace_from_text(title),
        locations=places,
        salary=_salary(row, ctx, posted_at, places),
        industry=industry_from_text(row.text("industry")),
        posted_at=posted_at,
        description_text=html_to_text(description) if description else None,
        description_html=markup_or_none(description),
    )


def _first_line(text: str | None) -> str | None:
    # Scraped company cells carry extras on later lines (Glassdoor: "Acme Corp\n3.8").
    if text is None:
        return None
    return next((line.strip() for line in text.splitlines() if line.strip()), None)


def _url(text: str | None) -> str | None:
    return text if text and text.startswith(("http://", "https://")) else None


def _workplace(row: Row) -> Workplace | None:
    stated = row.text("workplace")
    if stated:
        key = stated.strip().lower().replace("-", "").replace(" ", "")
        for workplace in Workplace:
            if key == workplace.value:
                return workplace
        found = workplace_from_text(stated)
        if found is not None:
            return found
    flag = row.get("remote")
    if flag is True or (isinstance(flag, int | float | str) and str(flag).lower() in _TRUE):
        return Workplace.remote
    return None


def _with_country(places: list[Location], country_text: str | None) -> list[Location]:
    code = country_code(country_text) if country_text else None
    if code is None or country_text is None:
        return places
    if not places:
        return [Location(country=code, raw=country_text)]
    return [p if p.country else p.model_copy(update={"country": code}) for p in places]


def level_from_label(label: str | None) -> Level | None:
    """The level a label names ("Entry level", "Senior"); None when it names none or several
    ("Mid-Senior level")."""
    if not label:
        return None
    found = [level for level, pattern in _LEVEL_WORDS if pattern.search(label)]
    return found[0] if len(found) == 1 else None


def _salary(
    row: Row, ctx: RecordContext, posted_at: datetime | None, places: list[Location]
) -> Salary | None:
    """Structured min/max columns when the dump has them, else a free-text pay column read by
    the salary extractor (a bare "$" resolved by the posting's country)."""
    on = posted_at.date() if posted_at else ctx.fetched_on
    low, high = amount(row.get("salary_min")), amount(row.get("salary_max"))
    if low is not None or high is not None:
        currency = currency_code(row.text("salary_currency")) or _option_currency(ctx)
        period_text = row.text("salary_period")
        period = pay_period(period_text)
        band = normalise_band(
            low,
            high,
            currency=currency,
            period=period,
            origin=SalaryOrigin.structured,
            raw=" ".join(part for part in (_band_text(low, high), currency, period_text) if part),
            on=on,
            hours_per_year=ctx.hours_per_year,
        )
        if band is not None and period is None and period_text:
            # A period the dump states but the contract cannot hold (BIWEEKLY) is not replaced
            # by a guess from the amount's magnitude.
            band = band.model_copy(update=dict.fromkeys(_PERIOD_DERIVED))
        return band
    pay_text = row.text("salary")
    if pay_text is None:
        return None
    country = next((place.country for place in places if place.country), None)
    return extract_salary(pay_text, country=country, on=on)


def _band_text(low: float | None, high: float | None) -> str:
    def show(value: float | None) -> str:
        return "?" if value is None else f"{value:g}"

    return show(low) if low == high else f"{show(low)}-{show(high)}"


def _option_currency(ctx: RecordContext) -> str | None:
    """A dump-wide currency the entry states (`options.currency: USD`), for dumps whose amount
    columns carry none."""
    return currency_code(ctx.options.get("currency"))


def pay_period(text: str | None) -> PayPeriod | None:
    if not text:
        return None
    key = text.strip().lower()
    return _PERIOD_WORDS.get(key) or period_from_text(text)
