"""The ai-jobs.net salary survey (`salaries.csv`): one row per answer, reported pay.

Columns: work_year, experience_level (EN MI SE EX), employment_type (FT PT CT FL), job_title,
salary, salary_currency, salary_in_usd, employee_residence, remote_ratio (0 50 100),
company_location, company_size (S M L). The file has no ids and legitimately repeats rows
(two people with the same title, pay and country), so a row's id is the sha256 of its values
plus its occurrence among identical rows (1st, 2nd, ...). Not the row number: the published file
is ordered newest first, so every release inserts rows at the top and row numbers would give
every old answer a new id; the occurrence count keeps ids stable across releases.

The entry's `url` names the downloaded file (ai-jobs.net/salaries/download/).
`target = "salary_survey"`: these rows load into the `salary_survey` table (see `survey_row`),
never among advertised postings; `to_posting` gives the same row in the posting contract's
shape so `jobingest parse` can show it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from typing import Any, ClassVar

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.location import country_code
from jobingest.models import (
    EmploymentType,
    Level,
    Location,
    PayPeriod,
    Posting,
    Salary,
    SalaryOrigin,
    SourceConfig,
    Workplace,
)
from jobingest.sources import _dumps
from jobingest.sources.base import Page, Record, RecordContext, text_or_none
from jobingest.sources.fields import amount, currency_code

KIND = "aijobs_salaries"
COLUMNS = (
    "work_year", "experience_level", "employment_type", "job_title", "salary",
    "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
    "company_location", "company_size",
)  # fmt: skip
LEVELS = {"EN": Level.entry, "MI": Level.mid, "SE": Level.senior, "EX": Level.executive}
EMPLOYMENT = {
    "FT": EmploymentType.full_time,
    "PT": EmploymentType.part_time,
    "CT": EmploymentType.contract,
    "FL": EmploymentType.freelance,
}
WORKPLACES = {0: Workplace.onsite, 50: Workplace.hybrid, 100: Workplace.remote}


class AiJobsSalaries:
    kind: ClassVar[str] = KIND
    description: ClassVar[str] = (
        "ai-jobs.net salary survey CSV (reported pay, loaded into salary_survey)"
    )
    target: ClassVar[str] = "salary_survey"

    def board_of(self, entry: SourceConfig) -> str:
        if not entry.url:
            raise ConfigError(
                f"source {entry.name!r}: aijobs_salaries needs `url`, the salaries.csv download "
                "(file:// or http(s))"
            )
        return entry.board or "ai-jobs.net"

    def start_url(self, entry: SourceConfig) -> str:
        # Called only without `url`; ai-jobs.net publishes no stable file address to default to.
        raise ConfigError(f"source {entry.name!r}: aijobs_salaries needs `url`")

    def parse(self, payload: bytes, *, url: str) -> Page:
        table = _dumps.read_csv(payload, what="ai-jobs.net salaries")
        missing = [c for c in COLUMNS if c not in table.header]
        if missing:
            raise ParseError(
                f"ai-jobs.net salaries: not the survey file, columns missing: {', '.join(missing)}"
            )
        seen: Counter[str] = Counter()
        records: list[Record] = []
        for number, values in enumerate(table.rows, start=1):
            content = _content_key(values)
            seen[content] += 1
            records.append({"row": number, "occurrence": seen[content], "values": values})
        return Page(records=records)

    def survey_row(self, record: Record) -> dict[str, Any]:
        return survey_row(record, source=self.kind)

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        row = survey_row(record, source=ctx.source)
        company_location = row["company_location"]
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=row["row_hash"],
            title=row["job_title"],
            level=row["level"],
            employment_type=row["employment_type"],
            workplace=row["workplace"],
            locations=[Location(country=company_location, raw=company_location)]
            if company_location
            else [],
            salary=_salary(row),
        )


def survey_row(record: Record, *, source: str = KIND) -> dict[str, Any]:
    """The `salary_survey` table's columns for one record (pure, for the loader)."""
    values = record.get("values")
    number = record.get("row")
    if not isinstance(values, Mapping):
        raise RecordError("ai-jobs.net record without `values`")
    title = text_or_none(values.get("job_title"))
    if title is None:
        raise RecordError(f"ai-jobs.net row {number}: no job_title")
    remote_ratio = _int(values.get("remote_ratio"))
    return {
        "source": source,
        "row_hash": row_hash(values, int(record.get("occurrence") or 1)),
        "work_year": _int(values.get("work_year")),
        "job_title": " ".join(title.split()),
        "level": LEVELS.get(_code(values.get("experience_level"))),
        "employment_type": EMPLOYMENT.get(_code(values.get("employment_type"))),
        "workplace": WORKPLACES.get(remote_ratio) if remote_ratio is not None else None,
        "salary": _positive(values.get("salary")),
        "currency": currency_code(values.get("salary_currency")),
        "salary_usd": _positive(values.get("salary_in_usd")),
        "employee_residence": _country(values.get("employee_residence")),
        "company_location": _country(values.get("company_location")),
        "company_size": _code(values.get("company_size")) or None,
        "remote_ratio": remote_ratio,
    }


def row_hash(values: Mapping[str, Any], occurrence: int) -> str:
    """sha256 of the survey columns and the row's occurrence among identical rows."""
    return hashlib.sha256(f"{_content_key(values)}\x1e{occurrence}".encode()).hexdigest()


def _content_key(values: Mapping[str, Any]) -> str:
    return "\x1f".join(str(values.get(column) or "").strip() for column in COLUMNS)


def _salary(row: Mapping[str, Any]) -> Salary | None:
    amount = row["salary"]
    if amount is None:
        return None
    usd = row["salary_usd"]
    return Salary(
        min=amount,
        max=amount,
        currency=row["currency"],
        period=PayPeriod.year,
        annual_min=amount,
        annual_max=amount,
        # The survey's own USD figure (its yearly average rate), not an ECB rate of ours.
        annual_min_usd=usd,
        annual_max_usd=usd,
        origin=SalaryOrigin.structured,
        raw=f"{amount:g} {row['currency'] or '?'} a year (salary_in_usd {usd})",
    )


def _code(value: object) -> str:
    return (text_or_none(value) or "").upper()


def _int(value: object) -> int | None:
    number = amount(value)
    return int(number) if number is not None and number.is_integer() else None


def _positive(value: object) -> float | None:
    number = amount(value)
    return number if number is not None and number > 0 else None


def _country(value: object) -> str | None:
    text = text_or_none(value)
    return country_code(text) if text else None
