"""Scoring `cases.jsonl` (real postings with expected fields) through the real connectors.

Each case points at a record in a raw file. CSV sources keep their truth in sibling columns, so
those columns are removed before parsing (the masking the data's README asks for); JSON and RSS
records are fed whole. A salary found only in a description where the label states none is
counted apart, as the README asks, not as a false alarm.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jobingest.evaluate import Scoreboard, _score_salary
from jobingest.models import Posting, SalaryOrigin
from jobingest.parse import finish_posting
from jobingest.sources import REGISTRY
from jobingest.sources._dumps import decode
from jobingest.sources.base import Record, RecordContext

_CSV_ROW = re.compile(r"csv data row (\d+)")
_RSS_ITEM = re.compile(r"/rss/channel/item\[(\d+)\]")
# Their level scale to ours (ai-jobs.net): rungs with no single counterpart are not scored.
LEVELS = {
    "intern": "entry",
    "entry": "entry",
    "mid": "mid",
    "senior": "senior",
    "director": "executive",
    "executive": "executive",
}
UNSCORED_LEVELS = frozenset({"associate", "mid_senior", "manager"})


@dataclass(frozen=True)
class Format:
    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)
    masked: tuple[str, ...] = ()
    text_salary_is_extra: bool = True


FORMATS: dict[str, Format] = {
    "csv/glassdoor-scrape(kenjee)": Format(
        kind="csv",
        options={
            "columns": {
                "title": "Job Title",
                "company": "Company Name",
                "location": "Location",
                "salary": "Salary Estimate",
                "description": "Job Description",
            }
        },
        masked=(
            "min_salary",
            "max_salary",
            "avg_salary",
            "hourly",
            "employer_provided",
            "company_txt",
            "job_state",
            "same_state",
            "age",
        ),
        text_salary_is_extra=False,
    ),
    "csv/linkedin-postings(kaggle)": Format(
        kind="csv",
        options={
            "columns": {
                "source_id": "job_id",
                "title": "title",
                "company": "company_name",
                "location": "location",
                "description": "description",
                "url": "job_posting_url",
            }
        },
        masked=(
            "min_salary",
            "max_salary",
            "pay_period",
            "currency",
            "normalized_salary",
            "compensation_type",
            "formatted_work_type",
            "formatted_experience_level",
            "remote_allowed",
            "work_type",
        ),
    ),
    "json/remoteok-api": Format(kind="remoteok"),
    "json/remotive-api": Format(kind="remotive"),
    "rss/weworkremotely": Format(kind="rss", options={"remote_board": True}),
}


def score_cases(path: Path, board: Scoreboard | None = None) -> Scoreboard:
    board = board or Scoreboard()
    base = path.parent
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            case = json.loads(line)
            fmt = FORMATS.get(case["source_format"])
            if fmt is None or fmt.kind not in REGISTRY:
                board.skipped[f"no connector for {case['source_format']}"] += 1
                continue
            try:
                posting = _posting_for(base, case, fmt)
            except Exception as exc:  # a crash on real data is itself a finding
                board.skipped[f"{case['source_format']}: {type(exc).__name__}: {exc}"[:200]] += 1
                continue
            board.cases += 1
            _score_case(board, case, fmt, posting)
    return board


def _score_case(
    board: Scoreboard, case: Mapping[str, Any], fmt: Format, posting: Posting | None
) -> None:
    expected = case["expected"]
    case_id = case["id"]
    salary = posting.salary if posting else None
    band = {key: expected.get(f"salary_{key}") for key in ("min", "max")}
    band.update(currency=expected.get("currency"), period=expected.get("period"))
    stated = None if band["min"] is None and band["max"] is None else band
    got = (
        {
            "min": salary.min,
            "max": salary.max,
            "currency": salary.currency,
            "period": salary.period.value if salary.period else None,
        }
        if salary
        else None
    )
    if (
        stated is None
        and salary is not None
        and salary.origin is SalaryOrigin.text
        and fmt.text_salary_is_extra
    ):
        board.skipped["salary found in a description where the label states none (extra)"] += 1
    else:
        _score_salary(board, case_id, stated, got)
    place = next((p for p in (posting.locations if posting else []) if p.country), None)
    board.add("country", expected.get("country"), place.country if place else None, case_id=case_id)
    city = next((p.city for p in (posting.locations if posting else []) if p.city), None)
    board.add("city", expected.get("city"), city, case_id=case_id)
    for name in ("employment_type", "workplace"):
        value = getattr(posting, name) if posting else None
        board.add(name, expected.get(name), value.value if value else None, case_id=case_id)
    label = expected.get("level")
    if label not in UNSCORED_LEVELS:
        level = posting.level.value if posting and posting.level else None
        board.add("level", LEVELS.get(label) if label else None, level, case_id=case_id)


def _posting_for(base: Path, case: Mapping[str, Any], fmt: Format) -> Posting | None:
    connector = REGISTRY[fmt.kind]
    record = _record(base / case["raw_file"], case["pointer"], fmt)
    ctx = RecordContext(
        source=fmt.kind,
        board=Path(case["raw_file"]).stem,
        fetched_on=date(2026, 1, 1),
        options=dict(fmt.options),
    )
    try:
        posting = connector.to_posting(record, ctx)
    except Exception:
        return None  # rejected: every expected value counts as missed
    return finish_posting(posting, ctx)


def _record(path: Path, pointer: str, fmt: Format) -> Record:
    if (match := _CSV_ROW.match(pointer)) is not None:
        return _masked_csv_records(path, fmt.kind, fmt.masked)[int(match.group(1)) - 1]
    if (match := _RSS_ITEM.match(pointer)) is not None:
        return _page_records(path, fmt.kind)[int(match.group(1)) - 1]
    if pointer.startswith("/"):
        node: Any = json.loads(path.read_bytes().decode("utf-8-sig"))
        for part in pointer.strip("/").split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return dict(node)
    raise ValueError(f"unknown pointer {pointer!r}")


@lru_cache(maxsize=8)
def _masked_csv_records(path: Path, kind: str, masked: tuple[str, ...]) -> list[Record]:
    """The file's rows through the connector, after removing the columns that hold the truth."""
    text, _ = decode(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    kept = [name for name in reader.fieldnames or [] if name not in masked]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=kept, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(reader)
    payload = out.getvalue().encode("utf-8")
    return list(REGISTRY[kind].parse(payload, url=path.as_uri()).records)


@lru_cache(maxsize=8)
def _page_records(path: Path, kind: str) -> list[Record]:
    return list(REGISTRY[kind].parse(path.read_bytes(), url=path.as_uri()).records)
