"""Scoring extraction against labelled files: our golden sets, and the shapes of the shared
real-data labels (`salary_strings.tsv`, `cases.jsonl`).

Per field: coverage (labelled cases we gave a value), precision (of those values, how many are
right), exact-match accuracy (right over labelled), and false alarms (a value where the label says
the text states none). `level` and `workplace` also get a confusion table.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFUSION_FIELDS = ("level", "workplace")


@dataclass
class FieldScore:
    labelled: int = 0  # cases whose label states a value
    answered: int = 0  # of those, cases where we gave a value
    correct: int = 0
    unlabelled: int = 0  # cases whose label says "not stated"
    false_alarms: int = 0  # of those, cases where we gave a value anyway

    @property
    def coverage(self) -> float | None:
        return self.answered / self.labelled if self.labelled else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.labelled if self.labelled else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.unlabelled if self.unlabelled else None


@dataclass
class Scoreboard:
    fields: dict[str, FieldScore] = field(default_factory=dict)
    confusion: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    cases: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, expected: Any, predicted: Any, *, case_id: str = "") -> None:
        score = self.fields.setdefault(name, FieldScore())
        if expected is None:
            score.unlabelled += 1
            if predicted is not None:
                score.false_alarms += 1
                self._miss(case_id, name, expected, predicted)
        else:
            score.labelled += 1
            if predicted is not None:
                score.answered += 1
            if _same(expected, predicted):
                score.correct += 1
            else:
                self._miss(case_id, name, expected, predicted)
        if name in CONFUSION_FIELDS:
            table = self.confusion.setdefault(name, Counter())
            table[(str(expected), str(predicted))] += 1

    def _miss(self, case_id: str, name: str, expected: Any, predicted: Any) -> None:
        if len(self.misses) < 10_000:
            self.misses.append(
                {"id": case_id, "field": name, "expected": expected, "predicted": predicted}
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "field": name,
                "labelled": s.labelled,
                "coverage": s.coverage,
                "precision": s.precision,
                "accuracy": s.accuracy,
                "false_alarms": s.false_alarms,
                "not_stated": s.unlabelled,
                "false_alarm_rate": s.false_alarm_rate,
            }
            for name, s in self.fields.items()
        ]


def _same(expected: Any, predicted: Any) -> bool:
    if isinstance(expected, int | float) and isinstance(predicted, int | float):
        return abs(float(expected) - float(predicted)) < 0.005
    if isinstance(expected, str) and isinstance(predicted, str):
        return expected.strip().casefold() == predicted.strip().casefold()
    return bool(expected == predicted)


# --- golden files ------------------------------------------------------------------------------


def _salary_fields(case: Mapping[str, Any], board: Scoreboard) -> None:
    from jobingest.extract.salary import extract_salary

    inputs = case["input"]
    found = extract_salary(inputs["text"], country=inputs.get("country"))
    expected = case.get("expected")
    got = (
        {
            "min": found.min,
            "max": found.max,
            "currency": found.currency,
            "period": found.period.value if found.period else None,
        }
        if found
        else None
    )
    _score_salary(board, case["id"], expected, got)


def _score_salary(
    board: Scoreboard,
    case_id: str,
    expected: Mapping[str, Any] | None,
    got: Mapping[str, Any] | None,
) -> None:
    """The band is exact when min, max and period match, and the currency where one is stated."""
    band_expected = None if expected is None else "band"
    band_ok = (
        expected is not None
        and got is not None
        and all(_same(expected.get(k), got.get(k)) for k in ("min", "max", "period"))
        and (expected.get("currency") is None or _same(expected["currency"], got.get("currency")))
    )
    band_predicted = None if got is None else ("band" if band_ok or expected is None else "other")
    board.add("salary_band", band_expected, band_predicted, case_id=case_id)
    for key in ("min", "max", "currency", "period"):
        board.add(
            f"salary_{key}",
            None if expected is None else expected.get(key),
            None if got is None else got.get(key),
            case_id=case_id,
        )


def _level_fields(case: Mapping[str, Any], board: Scoreboard) -> None:
    from jobingest.extract.level import classify_level

    result = classify_level(**case["input"])
    predicted = result.level.value if result.level else None
    board.add("level", case["expected"].get("level"), predicted, case_id=case["id"])


def _role_fields(case: Mapping[str, Any], board: Scoreboard) -> None:
    from jobingest.extract.role import normalize_title

    match = normalize_title(case["input"]["title"])
    board.add("role", case["expected"].get("role"), match.role, case_id=case["id"])
    if "family" in case["expected"]:
        board.add("role_family", case["expected"]["family"], match.family, case_id=case["id"])


def _location_fields(case: Mapping[str, Any], board: Scoreboard) -> None:
    from jobingest.extract.location import parse_location

    result = parse_location(case["input"]["text"])
    expected = case["expected"]
    city = next((p.city for p in result.places if p.city), None)
    country = next((p.country for p in result.places if p.country), None)
    workplace = result.workplace.value if result.workplace else None
    board.add("city", expected.get("city"), city, case_id=case["id"])
    board.add("country", expected.get("country"), country, case_id=case["id"])
    board.add("workplace", expected.get("workplace"), workplace, case_id=case["id"])


def _employment_fields(case: Mapping[str, Any], board: Scoreboard) -> None:
    from jobingest.extract.employment import employment_type_from_label

    found = employment_type_from_label(case["input"]["text"])
    board.add(
        "employment_type",
        case["expected"].get("employment_type"),
        found.value if found else None,
        case_id=case["id"],
    )


GOLDEN_SCORERS: dict[str, Callable[[Mapping[str, Any], Scoreboard], None]] = {
    "salary": _salary_fields,
    "level": _level_fields,
    "role": _role_fields,
    "location": _location_fields,
    "employment": _employment_fields,
}


def score_golden(lines: Iterable[str], board: Scoreboard | None = None) -> Scoreboard:
    """Golden JSONL: `{"id": "<kind>-NNNN", "input": {...}, "expected": {...} | null}`."""
    board = board or Scoreboard()
    for line in lines:
        if not line.strip():
            continue
        case = json.loads(line)
        kind = str(case["id"]).rsplit("-", 1)[0]
        scorer = GOLDEN_SCORERS.get(kind)
        if scorer is None:
            board.skipped[f"unknown golden kind {kind!r}"] += 1
            continue
        board.cases += 1
        scorer(case, board)
    return board


# --- shared real-data shapes -------------------------------------------------------------------


def score_salary_strings(text: str, board: Scoreboard | None = None) -> Scoreboard:
    """`salary_strings.tsv`: salary_string, expected_min, expected_max, currency, period."""
    from jobingest.extract.salary import extract_salary

    board = board or Scoreboard()
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        raw = row["salary_string"].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
        found = extract_salary(raw)
        expected = {
            "min": _number(row.get("expected_min")),
            "max": _number(row.get("expected_max")),
            "currency": row.get("currency") or None,
            "period": row.get("period") or None,
        }
        got = (
            {
                "min": found.min,
                "max": found.max,
                "currency": found.currency,
                "period": found.period.value if found.period else None,
            }
            if found
            else None
        )
        board.cases += 1
        _score_salary(board, raw, expected, got)
    return board


def _number(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    return float(value)


def detect_format(path: Path) -> str:
    """`golden`, `salary_strings`, `cases`, `golden_pairs` or `realdata_pairs`, from the file's
    own shape."""
    if path.suffix == ".tsv":
        return "salary_strings"
    with path.open(encoding="utf-8") as handle:
        first = next((line for line in handle if line.strip()), "{}")
    record = json.loads(first)
    if "source_format" in record:
        return "cases"
    if {"a", "b"} <= record.keys():
        return "realdata_pairs" if "raw_file" in record["a"] else "golden_pairs"
    return "golden"


def score_file(path: Path) -> Scoreboard:
    kind = detect_format(path)
    if kind == "salary_strings":
        return score_salary_strings(path.read_text(encoding="utf-8"))
    if kind == "golden":
        with path.open(encoding="utf-8") as handle:
            return score_golden(handle)
    from jobingest.evaluate_cases import score_cases

    return score_cases(path)
