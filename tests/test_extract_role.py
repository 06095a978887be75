"""Job titles to canonical roles from the versioned taxonomy (four languages)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobingest.extract.fold import words
from jobingest.extract.role import (
    RoleMatch,
    normalize_title,
    role_families,
    taxonomy_version,
)
from jobingest.taxonomy import load

GOLDEN = Path(__file__).parent / "golden" / "role.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]
# Reached when these floors were set: 314/314 overall, 100% in each language.
OVERALL_FLOOR = 0.97
LANGUAGE_FLOOR = 0.95
FAMILIES = {
    "Data & AI", "Software Engineering", "IT", "Product", "Design", "Sales", "Marketing",
    "Finance", "Operations", "People", "Customer", "Legal", "Healthcare", "Science",
    "Engineering", "Education",
}  # fmt: skip
SOC = re.compile(r"^\d{2}-\d{4}\.\d{2}$")


def _misses(cases: list[dict[str, object]]) -> list[str]:
    misses = []
    for case in cases:
        title = case["input"]["title"]  # type: ignore[index]
        match = normalize_title(title)
        expected = case["expected"]
        assert isinstance(expected, dict)
        if (match.role, match.family) != (expected["role"], expected["family"]):
            misses.append(f"{case['id']} {title!r}: expected {expected['role']}, got {match.role}")
    return misses


# ------------------------------------------------------------------------------ taxonomy
def test_taxonomy_has_150_unique_roles_each_with_family_and_onet_code() -> None:
    data = load("roles.yaml")
    roles = data["roles"]
    names = [entry["role"] for entry in roles]
    assert len(set(names)) == len(names) >= 150
    for entry in roles:
        assert entry["family"] in FAMILIES, entry
        assert SOC.match(entry["soc_code"]), entry
        assert entry["aliases"], entry
    assert str(data["version"]) == taxonomy_version()


def test_taxonomy_is_deep_on_data_and_ai_and_broad_elsewhere() -> None:
    families = role_families()
    for name in (
        "Machine Learning Engineer", "Data Scientist", "Data Engineer", "Data Analyst",
        "Analytics Engineer", "MLOps Engineer", "AI Research Scientist", "Research Engineer",
        "Applied Scientist", "AI Engineer", "Computer Vision Engineer", "NLP Engineer",
        "Data Architect", "Data Operations Manager", "Data Governance Manager",
        "Data Product Manager", "BI Developer", "BI Analyst", "Data Steward",
        "Database Administrator", "Statistician", "Quantitative Analyst", "Decision Scientist",
    ):  # fmt: skip
        assert families[name] == "Data & AI", name
    assert families["Clinical Data Manager"] == "Healthcare"
    counts = Counter(families.values())
    assert counts["Data & AI"] >= 25
    assert all(counts[family] >= 4 for family in FAMILIES)


def test_golden_roles_exist_in_the_taxonomy_with_that_family() -> None:
    families = role_families()
    assert len(CASES) >= 160
    assert {case["lang"] for case in CASES} == {"en", "de", "fr", "es"}
    assert len({case["id"] for case in CASES}) == len(CASES)
    for case in CASES:
        role, family = case["expected"]["role"], case["expected"]["family"]
        assert (role is None) == (family is None), case
        if role is not None:
            assert families[role] == family, case
    assert sum(case["expected"]["role"] is None for case in CASES) >= 15


# -------------------------------------------------------------------------------- golden
def test_golden_accuracy_overall() -> None:
    misses = _misses(CASES)
    assert 1 - len(misses) / len(CASES) >= OVERALL_FLOOR, "\n".join(misses)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_golden_accuracy_per_language(lang: str) -> None:
    cases = [case for case in CASES if case["lang"] == lang]
    misses = _misses(cases)
    assert 1 - len(misses) / len(cases) >= LANGUAGE_FLOOR, "\n".join(misses)


# ------------------------------------------------------------------------------ behaviour
def test_level_words_numerals_team_and_location_are_stripped() -> None:
    match = normalize_title("Sr. ML Engineer II, Ads (Remote - US)")
    assert match == RoleMatch("Machine Learning Engineer", "Data & AI", "15-2051.00", 0.95)


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Data Entry Clerk", "Data Entry Clerk"),
        ("Sales Engineer", "Sales Engineer"),
        ("Product Designer", "Product Designer"),
        ("Account Executive", "Account Executive"),
        ("Executive Assistant", "Executive Assistant"),
        ("Barista", None),
        ("Forklift Operator", None),
        ("Personal Trainer", None),
        ("Manager", None),
        ("Engineer", None),
        ("CSR Manager", None),
    ],
)
def test_hard_negatives_do_not_become_the_nearest_role(title: str, role: str | None) -> None:
    assert normalize_title(title).role == role


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Data Scientist (m/w/d)", "Data Scientist"),
        ("Datenwissenschaftler (w/m/d)", "Data Scientist"),
        ("Data Engineer (f/h)", "Data Engineer"),
        ("Ingénieur Machine Learning (H/F)", "Machine Learning Engineer"),
        ("Científico de Datos", "Data Scientist"),
        ("Ingeniero/a de Datos", "Data Engineer"),
        ("Dateningenieur", "Data Engineer"),
        ("Softwareentwickler*in", "Software Engineer"),
        ("SoftwareentwicklerIn", "Software Engineer"),
        ("Développeur Full Stack", "Full Stack Engineer"),
        ("Développeur·euse Full Stack", "Full Stack Engineer"),
        ("Infirmier(ère) de nuit", "Registered Nurse"),
    ],
)
def test_gender_markers_and_feminine_endings(title: str, role: str) -> None:
    assert normalize_title(title).role == role


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("ML Engineer", "Machine Learning Engineer"),
        ("MLE", "Machine Learning Engineer"),
        ("SWE", "Software Engineer"),
        ("SDE II", "Software Engineer"),
        ("PM", "Product Manager"),
        ("AE", "Account Executive"),
        ("SDR", "Sales Development Representative"),
        ("BDR", "Sales Development Representative"),
        ("DS", "Data Scientist"),
        ("SRE", "Site Reliability Engineer"),
    ],
)
def test_abbreviations(title: str, role: str) -> None:
    assert normalize_title(title).role == role


def test_state_codes_after_a_comma_are_not_abbreviations() -> None:
    # PA is Pennsylvania here, MD Maryland: never "Physician Assistant" or "Physician"
    assert normalize_title("Associate Sales Representative - Pittsburgh, PA").role == (
        "Sales Representative"
    )
    assert normalize_title("Barista - Baltimore, MD").role is None


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Director, Software Engineering", "Engineering Manager"),
        ("Manager, Regional Sales, Hospital Accounts", "Sales Manager"),
        ("Research Scientist, Machine Learning", "AI Research Scientist"),
        ("Software Engineer, Backend", "Backend Engineer"),
        ("#20417 - Manual QA Tester (Contract)", "QA Engineer"),
        ("Fully Remote || Project Manager (REQ-558120)", "Project Manager"),
        ("Senior Commercial Property Underwriter | Hartford, CT", "Underwriter"),
        ("Solutions Architect/Project Manager", "Solutions Architect"),
        ("UX/UI Designer", "UX Designer"),
        ("Projektleiter IT (m/w/d)", "IT Project Manager"),
        ("Flavour Scientist - Developer", "Research Scientist"),
        ("Senior Data Scientst - Remote", "Data Scientist"),
    ],
)
def test_ats_title_shapes(title: str, role: str) -> None:
    assert normalize_title(title).role == role


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Data Science Intern", "Data Scientist"),
        ("Werkstudent Softwareentwicklung (m/w/d)", "Software Engineer"),
        ("Becario de Ciencia de Datos", "Data Scientist"),
        ("Stage - Analyse de données", "Data Analyst"),
    ],
)
def test_intern_titles_name_a_field_not_a_role(title: str, role: str) -> None:
    assert normalize_title(title).role == role


def test_confidence_is_highest_for_an_exact_alias() -> None:
    exact = normalize_title("Data Scientist")
    token = normalize_title("Healthcare Data Scientist, Population Health")
    assert exact.confidence == 1.0
    assert token.role == "Data Scientist"
    assert 0.6 <= token.confidence < exact.confidence


def test_empty_title_has_no_role() -> None:
    assert normalize_title("") == RoleMatch(None, None, None, 0.0)
    assert normalize_title("   ").role is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_text(title: str) -> None:
    match = normalize_title(title)
    assert (match.role is None) == (match.family is None) == (match.soc_code is None)
    assert 0.0 <= match.confidence <= 1.0


_PIECES = st.sampled_from(
    sorted(
        words(
            "Senior Sr. Data Scientist Engineer Entwickler (m/w/d) (H/F) /a *in , - | : II III Remote "
            "Berlin #123 ( ) [ ] Director of Head Manager Ingénieur Científico de Datos & C++ C# .NET"
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=15).map(" ".join))
def test_never_raises_on_title_like_text(title: str) -> None:
    match = normalize_title(title)
    assert match.role is None or match.role in role_families()


def test_a_tie_between_aliases_goes_the_same_way_whatever_the_hash_seed() -> None:
    # "data analyst" and "project manager" both fit with the same score; the winner used to
    # follow set iteration order, which changes with PYTHONHASHSEED from one process to the next
    title = (
        "The Data Engineer will work with the data Analyst and project managers to determine "
        "logical and physical database design"
    )
    code = (
        "import sys; from jobingest.extract.role import normalize_title; "
        "print(normalize_title(sys.argv[1]).role)"
    )
    roles = {
        subprocess.run(
            [sys.executable, "-c", code, title],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in (1, 2, 3, 4)
    }
    assert len(roles) == 1 and roles != {""}
