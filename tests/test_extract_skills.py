"""Skills and tools named in posting text; board-stated industries to a fixed list."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobingest.extract.industry import INDUSTRIES
from jobingest.extract.skills import extract_skills, industry_from_text, skill_names
from jobingest.taxonomy import load


def test_dictionary_has_150_unique_skills_and_no_alias_names_two_skills() -> None:
    data = load("skills.yaml")
    names = skill_names()
    assert len(set(names)) == len(names) >= 150
    assert data["version"]
    insensitive = Counter(
        " ".join(str(alias).lower().split())
        for entry in data["skills"]
        for alias in entry.get("aliases", [])
    )
    assert [alias for alias, count in insensitive.items() if count > 1] == []
    exact = Counter(
        str(alias)
        for entry in data["skills"]
        for alias in entry.get("exact_case", []) + entry.get("in_context", [])
    )
    assert [alias for alias, count in exact.items() if count > 1] == []


def test_canonical_names_in_order_of_first_appearance_without_repeats() -> None:
    text = (
        "You know Python and SQL. Tooling: TensorFlow/Keras, PyTorch, pandas, numpy and "
        "scikit-learn; Git on GitHub. Deploy on AWS, Google Cloud (GCP) or Azure. More python."
    )
    assert extract_skills(text) == [
        "Python", "SQL", "TensorFlow", "Keras", "PyTorch", "Pandas", "NumPy", "scikit-learn",
        "Git", "GitHub", "AWS", "Google Cloud", "Azure",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Experience with R and Python.", ["R", "Python"]),
        ("Statistical programming in R.", ["R"]),
        ("Tools: SAS, R, SQL", ["SAS", "R", "SQL"]),
        ("Python/R for modelling", ["Python", "R"]),
        ("SAS/R", ["SAS", "R"]),
        ("Service A/C, heating", []),
        ("Our R&D team builds sensors.", []),
        ("Rust and Ruby on Rails", ["Rust", "Ruby on Rails"]),
        ("Mr. R Smith will interview you.", []),
        ("Medicare Part C and vitamin C levels", []),
        ("Strong C, C++ and C# skills", ["C", "C++", "C#"]),
    ],
)
def test_one_letter_languages_need_context(text: str, expected: list[str]) -> None:
    assert extract_skills(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Services in Go and Rust.", ["Go", "Rust"]),
        ("Java, Scala, Go", ["Java", "Scala", "Go"]),
        ("We write Golang microservices.", ["Go", "Microservices"]),
        ("Own the go-to-market plan.", []),
        ("Go beyond the brief; go to market fast.", []),
        ("Ready to go and grow?", []),
    ],
)
def test_go_the_language_and_go_the_verb(text: str, expected: list[str]) -> None:
    assert extract_skills(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Advanced Excel; you will excel in a fast team.", ["Excel"]),
        ("Apache Spark and Spark SQL; ideas that spark joy.", ["Spark"]),
        ("Projects in Asana, boards in Trello, tickets in Jira.", ["Asana", "Trello", "Jira"]),
        ("A daily asana practice is welcome.", []),
        ("Dashboards in Tableau, Power BI and Looker.", ["Tableau", "Power BI", "Looker"]),
        ("Vous construisez des tableaux de bord.", []),
        ("Catalogues in Collibra or Alation.", ["Collibra", "Alation"]),
    ],
)
def test_tool_names_that_are_also_words(text: str, expected: list[str]) -> None:
    assert extract_skills(text) == expected


def test_longest_name_wins_where_names_overlap() -> None:
    text = "SQL Server, MySQL and PostgreSQL; some SQL. JavaScript and TypeScript. Spark SQL."
    assert extract_skills(text) == [
        "SQL Server", "MySQL", "PostgreSQL", "SQL", "JavaScript", "TypeScript", "Spark",
    ]  # fmt: skip


def test_data_stack_names() -> None:
    text = (
        "Airflow, dbt, Kubernetes, Docker, Terraform, Snowflake, Databricks, BigQuery, Redshift, "
        "Kafka; CRM in Salesforce and HubSpot; designs in Figma."
    )
    assert extract_skills(text) == [
        "Airflow", "dbt", "Kubernetes", "Docker", "Terraform", "Snowflake", "Databricks",
        "BigQuery", "Redshift", "Kafka", "Salesforce", "HubSpot", "Figma",
    ]  # fmt: skip


def test_empty_text_has_no_skills() -> None:
    assert extract_skills("") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_never_raises_on_any_text(text: str) -> None:
    found = extract_skills(text)
    assert len(found) == len(set(found))
    assert set(found) <= set(skill_names())


# ------------------------------------------------------------------------------- industry
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Computer Software", "Software"),
        ("Enterprise Software & Network Solutions", "Software"),
        ("IT Services and IT Consulting", "IT Services"),
        ("Biotech & Pharmaceuticals", "Pharma & Biotech"),
        ("Hospitals and Health Care", "Healthcare"),
        ("Insurance Agencies & Brokerages", "Insurance"),
        ("Banks & Credit Unions", "Financial Services"),
        ("Staffing and Recruiting", "Staffing & Recruiting"),
        ("Colleges & Universities", "Education"),
        ("Federal Agencies", "Government"),
        ("Gesundheitswesen", "Healthcare"),
        ("Services financiers", "Financial Services"),
        ("Telecomunicaciones", "Telecommunications"),
        ("-1", None),
        ("", None),
        (None, None),
        ("Auctions & Galleries", None),
    ],
)
def test_industry_from_a_board_value(value: str | None, expected: str | None) -> None:
    assert industry_from_text(value) == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=300)))
def test_industry_never_raises_and_stays_in_the_list(value: str | None) -> None:
    found = industry_from_text(value)
    assert found is None or found in INDUSTRIES
