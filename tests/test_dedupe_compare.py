"""Cross-source sameness: `dedupe.compare` on the golden pairs, rule step by rule step, per
hard-negative pattern, and as properties (symmetric; a posting is a duplicate of itself)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jobingest.dedupe import compare, containment, estimated_jaccard, features, signature
from jobingest.evaluate_pairs import PairScore, score_pairs, score_realdata_duplicates
from jobingest.extract.location import identify_places
from jobingest.models import Location, PayPeriod, Posting, Salary, SalaryOrigin

GOLDEN = Path(__file__).parent / "golden" / "duplicates.jsonl"
FIXTURES = Path(__file__).parent / "fixtures"
# What the rule must reach (the dedupe brief).
PRECISION_TARGET = 0.995
RECALL_TARGET = 0.97
# What the rule reached when these floors were set (precision 164/164, recall 164/164; the set
# was written alongside the code, so keep a margin): a drop below them is a regression.
PRECISION_FLOOR = 0.995
RECALL_FLOOR = 0.98
HARD_NEGATIVE_KINDS = (
    "same_title_other_team", "same_title_other_city", "reopened_revised", "agency_copy",
    "other_level", "template_other_role", "other_pay_band", "intern_vs_full_time",
    "other_company_same_title", "contract_vs_permanent",
)  # fmt: skip
UNTITLED_TEAMS = "same_title_other_team_untitled"


@pytest.fixture(scope="module")
def golden() -> PairScore:
    return score_pairs(GOLDEN.read_text(encoding="utf-8").splitlines())


def _cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]


# ------------------------------------------------------------------------------ golden file
def test_golden_file_has_320_pairs_half_of_them_distinct_jobs_all_valid_postings() -> None:
    cases = _cases()
    assert len(cases) >= 320
    assert len({case["id"] for case in cases}) == len(cases)
    distinct = sum(not case["expected"]["duplicate"] for case in cases)
    assert distinct >= len(cases) / 2
    for case in cases:
        for side in ("a", "b"):
            posting = Posting.model_validate(case[side])
            text = posting.description_text
            assert text is None or len(text.split()) >= 40, (case["id"], side)
        assert case["note"], case["id"]


def test_each_golden_kind_is_one_label() -> None:
    labels: dict[str, set[bool]] = {}
    for case in _cases():
        labels.setdefault(case["kind"], set()).add(case["expected"]["duplicate"])
    assert all(len(values) == 1 for values in labels.values()), labels
    assert set(HARD_NEGATIVE_KINDS) | {UNTITLED_TEAMS} <= {
        kind for kind, values in labels.items() if values == {False}
    }


def test_golden_pairs_hold_the_floors_the_rule_reached(golden: PairScore) -> None:
    assert golden.skipped == Counter()
    assert golden.precision is not None and golden.precision >= PRECISION_FLOOR, golden.errors
    assert golden.recall is not None and golden.recall >= RECALL_FLOOR, golden.errors


def test_golden_precision_reaches_the_target(golden: PairScore) -> None:
    assert golden.precision is not None and golden.precision >= PRECISION_TARGET


def test_golden_recall_reaches_the_target(golden: PairScore) -> None:
    assert golden.recall is not None and golden.recall >= RECALL_TARGET


@pytest.mark.parametrize("kind", HARD_NEGATIVE_KINDS)
def test_hard_negative_pattern_is_kept_apart(golden: PairScore, kind: str) -> None:
    counts = golden.by_kind[kind]
    assert counts.tn >= 6
    assert counts.fp == 0, [e for e in golden.errors if e.kind == kind]


def test_same_title_requisitions_for_other_teams_are_kept_apart(golden: PairScore) -> None:
    assert golden.by_kind[UNTITLED_TEAMS].fp == 0


def test_copies_without_title_place_or_text_changes_are_all_found(golden: PairScore) -> None:
    for kind in (
        "ats_vs_careers_page",
        "ats_vs_linkedin",
        "remote_board_copy",
        "reposted_unchanged",
    ):
        counts = golden.by_kind[kind]
        assert counts.fn == 0 and counts.tp >= 6, [e for e in golden.errors if e.kind == kind]


def test_scorer_counts_each_outcome_and_keeps_errors() -> None:
    base = _posting()
    other_team = _posting(title="Data Engineer, Search")
    lines = [
        _line("p1", "copy", base, _posting(source="linkedin", source_id="9"), duplicate=True),
        _line("p2", "team", base, other_team, duplicate=True),  # a miss
        _line("n1", "team", base, other_team, duplicate=False),
        _line("n2", "level", base, _posting(source_id="2"), duplicate=False),  # a false alarm
        json.dumps({"id": "bad", "kind": "x", "a": {"title": ""}, "b": {}, "expected": {}}),
        "",
    ]
    score = score_pairs(lines)
    assert (score.tp, score.fn, score.tn, score.fp) == (1, 1, 1, 1)
    assert score.precision == 0.5 and score.recall == 0.5
    assert score.by_kind["team"].fn == 1 and score.by_kind["team"].tn == 1
    assert {(e.id, e.expected) for e in score.errors} == {("p2", True), ("n2", False)}
    assert sum(score.skipped.values()) == 1
    assert score.rows()[-1]["kind"] == "(all)"


# ------------------------------------------------------------------------------ rule steps
DESCRIPTION = (
    "Northwind builds accounts payable software for mid-sized manufacturers. The Payments team "
    "owns card acquiring, payouts to suppliers in fourteen countries and the ledger that "
    "reconciles them every night. You will design and operate batch and streaming pipelines, own "
    "our dbt project, improve the reliability of Airflow jobs with data quality checks and work "
    "with analysts on well-modelled datasets. We ask for four years of experience with Python, "
    "SQL and a cloud warehouse, and offer equity, a learning budget and flexible hours."
)
OTHER_TEXT = (
    "Join a small team that builds the internal developer platform: service templates, "
    "deployment pipelines, shared libraries and the developer portal that every engineer uses. "
    "You will run Kubernetes clusters, write Terraform, define service level objectives with "
    "product teams and lead incident reviews. We look for strong Go or Python, Linux networking "
    "knowledge and a calm approach to production incidents. Hybrid work from the Berlin office, "
    "thirty days of vacation and a yearly conference budget are part of the package."
)

BOILERPLATE = (
    "What we offer: a competitive salary and a meaningful stock option package, twenty-eight days "
    "of paid vacation plus public holidays, flexible working hours with up to three remote days a "
    "week, a yearly learning budget, relocation support and visa sponsorship, and a subsidised "
    "public transport pass. Northwind is an equal opportunity employer. We welcome applications "
    "from people of every background, regardless of gender, ethnicity, religion, disability, "
    "sexual orientation or age. If you need any adjustments during the recruitment process, let "
    "us know and we will make them. Our hiring process has four steps and takes three weeks."
)


def _salary(low: float, high: float, currency: str = "EUR") -> Salary:
    return Salary(
        min=low, max=high, currency=currency, period=PayPeriod.year, origin=SalaryOrigin.structured
    )


def _posting(**changes: Any) -> Posting:
    values: dict[str, Any] = {
        "source": "greenhouse",
        "board": "northwind",
        "source_id": "1",
        "company": "Northwind GmbH",
        "title": "Data Engineer",
        "role": "Data Engineer",
        "locations": [Location(city="Berlin", country="DE", raw="Berlin")],
        "description_text": DESCRIPTION,
    }
    values.update(changes)
    return Posting(**values)


def _same(a: Posting, b: Posting, *, merge_locations: bool = False) -> bool:
    return compare(features(a), features(b), merge_locations=merge_locations).same


def _line(case_id: str, kind: str, a: Posting, b: Posting, *, duplicate: bool) -> str:
    return json.dumps(
        {
            "id": case_id,
            "kind": kind,
            "a": a.model_dump(mode="json"),
            "b": b.model_dump(mode="json"),
            "expected": {"duplicate": duplicate},
        }
    )


def test_block_joins_legal_forms_of_one_employer_and_separates_others() -> None:
    assert _same(_posting(), _posting(company="Northwind"))
    verdict = compare(features(_posting()), features(_posting(company="Southwind GmbH")))
    assert not verdict.same and verdict.reason == "different employer or role"
    assert not _same(_posting(), _posting(role="Analytics Engineer"))


def test_an_employer_named_by_the_start_of_its_name_is_the_same_employer() -> None:
    for short, full in (("Tessellate", "Tessellate Maps Inc."), ("Acme", "The Acme Labs")):
        assert _same(_posting(company=short), _posting(company=full)), (short, full)
    # One block (the first word), but neither name is the start of the other.
    verdict = compare(
        features(_posting(company="Acme Labs")), features(_posting(company="Acme Talent GmbH"))
    )
    assert not verdict.same and verdict.reason == "different employer"


def test_without_description_the_employer_names_must_be_equal() -> None:
    card = _posting(company="Tessellate", description_text=None)
    assert not _same(card, _posting(company="Tessellate Maps"))
    assert _same(card, _posting(company="Tessellate Inc."))


def test_a_city_written_in_another_language_is_the_same_city() -> None:
    def at(city: str, raw: str) -> Posting:
        place = Location(city=city, country="DE", raw=raw)
        return _posting(locations=identify_places([place]))

    assert _same(at("München", "München"), at("Munich", "Munich, Bavaria, Germany"))
    assert _same(at("Köln", "Köln"), at("Cologne", "Cologne, North Rhine-Westphalia, Germany"))
    assert not _same(at("München", "München"), at("Hamburg", "Hamburg"))
    # A place stored before ids existed still agrees with its own spelling.
    assert _same(_posting(), at("Berlin", "Berlin"))


def test_a_card_naming_only_the_country_matches_the_posting_in_one_of_its_cities() -> None:
    card = _posting(description_text=None, locations=[Location(country="DE", raw="Germany")])
    verdict = compare(features(card), features(_posting()))
    assert verdict.same and not verdict.from_text
    elsewhere = [Location(country="AT", raw="Austria")]
    assert not _same(_posting(description_text=None, locations=elsewhere), _posting())
    assert not _same(card, _posting(title="Senior Data Engineer"))


def test_a_bracketed_place_in_the_title_that_repeats_the_location_is_ignored() -> None:
    bay_area = [Location(raw="San Francisco Bay Area")]
    titled = _posting(title="Data Engineer (San Francisco)", locations=bay_area)
    assert _same(titled, _posting(locations=bay_area))
    # A bracketed word that is not the posting's place still counts.
    assert not _same(_posting(title="Data Engineer (Payments)", locations=bay_area), titled)


def test_containment_reads_a_trimmed_copy_off_the_sketches() -> None:
    extra = " ".join(f"clause{i} detail{i} note{i}" for i in range(120))
    words = f"{DESCRIPTION} {OTHER_TEXT} {extra}".split()
    full, head = signature(" ".join(words)), signature(" ".join(words[: len(words) // 3]))
    assert full is not None and head is not None and head[1] < full[1] // 2
    assert containment(head[0], head[1], full[0], full[1]) == 1.0
    assert estimated_jaccard(head[0], full[0]) < 0.5
    trimmed = _posting(description_text=" ".join(words[: len(words) // 3]))
    assert _same(_posting(description_text=" ".join(words)), trimmed)
    # Texts of about one length: the Jaccard rule alone decides.
    assert containment(full[0], full[1], full[0], full[1]) == 0.0


def test_a_posting_without_employer_is_never_joined_even_with_itself() -> None:
    nameless = _posting(company=None)
    assert features(nameless).block_key is None
    assert not _same(nameless, nameless)


def test_block_without_role_uses_the_title() -> None:
    assert _same(_posting(role=None), _posting(role=None, title="Data Engineer (m/w/d)"))
    assert not _same(_posting(role=None), _posting(role=None, title="Data Analyst"))


def test_countries_must_share_one_when_both_state_them() -> None:
    abroad = _posting(locations=[Location(city="Vienna", country="AT", raw="Vienna")])
    verdict = compare(features(_posting()), features(abroad), merge_locations=True)
    assert not verdict.same and verdict.reason == "different countries"
    assert _same(_posting(), _posting(locations=[Location(raw="Remote")]))


def test_titles_ignore_gender_markers_and_workplace_words_but_not_teams_or_levels() -> None:
    for title in ("Data Engineer (m/w/d)", "Data Engineer (f/m/x)", "Data Engineer - Remote"):
        assert _same(_posting(), _posting(title=title)), title
    for title in ("Data Engineer, Search", "Senior Data Engineer", "Data Engineer Intern"):
        verdict = compare(features(_posting()), features(_posting(title=title)))
        assert not verdict.same and verdict.reason.startswith("titles differ"), title


def test_different_cities_are_separate_openings_unless_the_policy_merges_them() -> None:
    munich = _posting(locations=[Location(city="Munich", country="DE", raw="Munich")])
    verdict = compare(features(_posting()), features(munich))
    assert not verdict.same and verdict.reason == "different cities: separate openings"
    assert _same(_posting(), munich, merge_locations=True)
    assert _same(_posting(), _posting(locations=[Location(country="DE", raw="Germany")]))


def test_pay_bands_must_overlap_when_comparable() -> None:
    mid = _posting(salary=_salary(60000, 72000))
    verdict = compare(features(mid), features(_posting(salary=_salary(80000, 95000))))
    assert not verdict.same and verdict.reason == "pay bands do not overlap"
    assert _same(mid, _posting(salary=_salary(70000, 85000)))
    assert _same(mid, _posting(salary=_salary(90000, 99000, "USD")))  # other currency: no say
    assert _same(mid, _posting())  # stated on one side only


def test_descriptions_decide_with_a_similarity_threshold() -> None:
    verdict = compare(features(_posting()), features(_posting(source="linkedin")))
    assert verdict.same and verdict.score == 1.0
    verdict = compare(features(_posting()), features(_posting(description_text=OTHER_TEXT)))
    assert not verdict.same and verdict.reason.startswith("descriptions differ")
    assert verdict.score < 0.7


def test_without_description_an_identical_title_needs_a_shared_city_or_pay() -> None:
    card = _posting(description_text=None)
    verdict = compare(features(card), features(_posting()))
    assert verdict.same and verdict.score == 1.0
    remote = [Location(raw="Remote")]
    no_city = _posting(description_text=None, locations=remote)
    assert not _same(no_city, _posting(locations=remote))
    paid = _salary(60000, 72000)
    assert _same(
        _posting(description_text=None, locations=remote, salary=paid),
        _posting(locations=remote, salary=_salary(65000, 80000)),
    )
    near_title = _posting(description_text=None, title="Data Engineer, Payments Platform Team")
    verdict = compare(
        features(near_title), features(_posting(title="Data Engineer, Payments Platform"))
    )
    assert not verdict.same and verdict.score == pytest.approx(0.8)


def test_a_short_description_counts_as_none() -> None:
    short = _posting(description_text="Data engineer for our payments team in Berlin.")
    assert features(short).signature is None
    assert _same(short, _posting())


# ------------------------------------------------------------------------------ hard negatives
def test_same_title_in_another_team_is_another_job() -> None:
    payments = _posting(title="Data Engineer, Payments")
    assert not _same(payments, _posting(title="Data Engineer, Search"))


def test_same_title_in_another_city_is_another_job() -> None:
    hamburg = [Location(city="Hamburg", country="DE", raw="Hamburg")]
    assert not _same(_posting(), _posting(locations=hamburg))


def test_a_rewritten_reopening_is_another_job() -> None:
    # compare has no clock: the months between the two are the warehouse's window to judge.
    assert not _same(_posting(), _posting(source_id="2", description_text=OTHER_TEXT))


def test_an_agency_ad_is_another_employer() -> None:
    assert not _same(_posting(), _posting(company="Talentbridge Recruitment", source="indeed"))


def test_another_level_is_another_job_even_with_the_same_text() -> None:
    assert not _same(_posting(), _posting(title="Senior Data Engineer"))
    assert not _same(_posting(title="Data Engineer II"), _posting(title="Data Engineer III"))


def test_one_template_for_two_roles_is_two_jobs() -> None:
    assert not _same(_posting(), _posting(role="Data Analyst", title="Data Analyst"))


def test_another_pay_band_is_another_job() -> None:
    low, high = _salary(58000, 70000), _salary(75000, 90000)
    assert not _same(_posting(salary=low), _posting(salary=high))


def test_an_internship_is_not_the_full_time_job() -> None:
    for title in ("Data Engineer Intern", "Werkstudent Data Engineering (m/w/d)"):
        assert not _same(_posting(), _posting(title=title)), title


def test_a_contract_engagement_is_not_the_permanent_job() -> None:
    assert not _same(_posting(), _posting(title="Data Engineer (6-month contract)"))


def test_identical_titles_for_two_teams_differing_in_one_paragraph_are_two_jobs() -> None:
    payments = f"{DESCRIPTION}\n\n{BOILERPLATE}"
    search = payments.replace(
        "The Payments team owns card acquiring, payouts to suppliers in fourteen countries and "
        "the ledger that reconciles them every night.",
        "The Search team ranks millions of documents and handles typos in four languages.",
    )
    first = _posting(description_text=payments)
    assert not _same(first, _posting(source_id="2", description_text=search))


# ------------------------------------------------------------------------------ properties
WORDS = [
    "data",
    "pipelines",
    "team",
    "payments",
    "search",
    "ledger",
    "warehouse",
    "python",
    "sql",
    "airflow",
    "dbt",
    "kafka",
    "cloud",
    "reliable",
    "customers",
    "build",
    "operate",
    "model",
    "review",
    "mentor",
    "design",
    "ship",
    "monitor",
    "growth",
    "platform",
    "berlin",
    "remote",
    "hybrid",
    "salary",
    "equity",
    "learning",
    "budget",
    "engineers",
    "analysts",
    "weekly",
    "quality",
]
COMPANIES = ("Northwind GmbH", "Northwind", "Southwind Ltd", "Acme Inc.", "")
TITLES = (
    "Data Engineer", "Data Engineer (m/w/d)", "Senior Data Engineer", "Data Engineer, Payments",
    "Data Engineer - Remote", "Data Analyst",
)  # fmt: skip
ROLES = ("Data Engineer", "Data Analyst", None)
PLACES = (
    Location(city="Berlin", country="DE", raw="Berlin"),
    Location(city="Munich", country="DE", raw="Munich"),
    Location(country="DE", raw="Germany"),
    Location(city="Vienna", country="AT", raw="Vienna"),
    Location(raw="Remote"),
)
BANDS = (
    None,
    _salary(60000, 72000),
    _salary(70000, 85000),
    _salary(90000, 110000),
    _salary(60000, 72000, "USD"),
    Salary(min=65000, currency="EUR", period=PayPeriod.year, origin=SalaryOrigin.text),
)


def _raw(place: Location) -> str:
    return place.raw


texts = st.lists(st.sampled_from(WORDS), min_size=20, max_size=120).map(" ".join)


@st.composite
def postings(draw: st.DrawFn) -> Posting:
    return _posting(
        company=draw(st.sampled_from(COMPANIES)) or None,
        title=draw(st.sampled_from(TITLES)),
        role=draw(st.sampled_from(ROLES)),
        locations=draw(st.lists(st.sampled_from(PLACES), max_size=2, unique_by=_raw)),
        salary=draw(st.sampled_from(BANDS)),
        description_text=draw(st.one_of(texts, st.none())) or None,
    )


@st.composite
def related_pairs(draw: st.DrawFn) -> tuple[Posting, Posting]:
    """Two postings that often share employer, role and text, so deep rule steps are reached."""
    a = draw(postings())
    changes: dict[str, Any] = {}
    for name, strategy in (
        ("title", st.sampled_from(TITLES)),
        ("locations", st.lists(st.sampled_from(PLACES), max_size=2, unique_by=_raw)),
        ("salary", st.sampled_from(BANDS)),
        ("description_text", st.one_of(texts, st.none())),
    ):
        if draw(st.booleans()):
            changes[name] = draw(strategy)
    text = a.description_text
    if text and "description_text" not in changes and draw(st.booleans()):
        words = text.split()
        cut = draw(st.integers(0, len(words)))
        changes["description_text"] = " ".join(words[:cut] + draw(st.lists(st.sampled_from(WORDS))))
    return a, a.model_copy(update=changes)


@settings(max_examples=300, deadline=None)
@given(related_pairs(), st.booleans())
def test_compare_is_symmetric(pair: tuple[Posting, Posting], merge_locations: bool) -> None:
    fa, fb = features(pair[0]), features(pair[1])
    there = compare(fa, fb, merge_locations=merge_locations)
    back = compare(fb, fa, merge_locations=merge_locations)
    assert there.same == back.same
    assert there.score == pytest.approx(back.score)


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=40),
    st.text(min_size=1, max_size=60),
    st.lists(st.sampled_from(PLACES), max_size=3, unique_by=_raw),
    st.sampled_from(BANDS),
    st.lists(st.sampled_from(WORDS), min_size=45, max_size=150).map(" ".join),
)
def test_a_posting_with_a_block_key_and_a_description_is_its_own_duplicate(
    company: str, title: str, places: list[Location], band: Salary | None, text: str
) -> None:
    assume(title.strip())
    posting = _posting(company=company, title=title, role=None, locations=places, salary=band,
                       description_text=text)  # fmt: skip
    found = features(posting)
    assume(found.block_key is not None)
    assert found.signature is not None
    for merge_locations in (False, True):
        assert compare(found, features(posting), merge_locations=merge_locations).same


# ------------------------------------------------------------------------------ real-data shape
def _realdata_folder(root: Path) -> Path:
    """A folder in the shared real-data layout, from our own fixtures and a tiny invented CSV."""
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "remotive" / "remote-jobs.json", raw / "remotive_api.json")
    shutil.copy(FIXTURES / "rss" / "wwr_remote-programming-jobs.rss", raw / "wwr_backend.rss")
    description = " ".join([DESCRIPTION, DESCRIPTION])
    (raw / "glassdoor.csv").write_text(
        "Job Title,Salary Estimate,Job Description,Company Name,Location,Industry\n"
        + "".join(
            f'{title},$90K-$120K (Glassdoor est.),"{description}","Northwind\n4.1",{place},IT\n'
            for title, place in (
                ("Data Engineer", "Austin, TX"),
                ("Data Analyst", "Austin, TX"),
                ("Data Engineer", "Austin, TX"),
            )
        ),
        encoding="utf-8",
    )
    cases = [
        {"id": "glassdoor:row1", "source_format": "csv/glassdoor-scrape(kenjee)",
         "raw_file": "raw/glassdoor.csv"},
        {"id": "remotive:1", "source_format": "json/remotive-api", "raw_file": "raw/remotive_api.json"},
        *(
            {"id": f"linkedin_guest:{n}", "source_format": "html/linkedin-guest-jobs-search",
             "raw_file": "raw/cards.html", "title": title, "company": "Camma Learning",
             "source_values": {"location": "Phnom Penh, Phnom Penh, Cambodia"}}
            for n, title in ((1, "Web Developer"), (2, "Web Developer"))
        ),
    ]  # fmt: skip
    (root / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in cases))
    pairs = [
        ("exact_rescrape", ("raw/glassdoor.csv", "csv data row 1"), ("raw/glassdoor.csv", "csv data row 3")),
        ("exact_rescrape", ("raw/glassdoor.csv", "csv data row 1"), ("raw/glassdoor.csv", "csv data row 2")),
        ("same_ad_other_location", ("raw/remotive_api.json", "/jobs/0"), ("raw/remotive_api.json", "/jobs/1")),
        ("cross_listed_same_id", ("raw/wwr_backend.rss", "/rss/channel/item[1]"), ("raw/wwr_backend.rss", "/rss/channel/item[1]")),
        ("possible_repost", ("raw/cards.html", "<li> card 1"), ("raw/cards.html", "<li> card 2")),
        ("exact_rescrape", ("raw/missing.xml", "/0"), ("raw/missing.xml", "/1")),
    ]  # fmt: skip
    lines = []
    for kind, (file_a, at_a), (file_b, at_b) in pairs:
        ids = {"raw/cards.html": ("linkedin_guest:1", "linkedin_guest:2")}.get(file_a, (None, None))
        lines.append(json.dumps({
            "kind": kind,
            "a": {"raw_file": file_a, "pointer": at_a, "case_id": ids[0]},
            "b": {"raw_file": file_b, "pointer": at_b, "case_id": ids[1]},
        }))  # fmt: skip
    path = root / "duplicates.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_realdata_pairs_are_built_through_the_connectors_and_tallied_per_kind(
    tmp_path: Path,
) -> None:
    score = score_realdata_duplicates(_realdata_folder(tmp_path))
    rescrape = score.kinds["exact_rescrape"]
    assert (rescrape.pairs, rescrape.same, rescrape.same_merged) == (2, 1, 1)
    assert rescrape.reasons == Counter({"different employer or role": 1})
    assert score.kinds["cross_listed_same_id"].same == 1  # an RSS feed without cases is read too
    other_place = score.kinds["same_ad_other_location"]
    assert other_place.pairs == 1 and other_place.same == 0
    repost = score.kinds["possible_repost"]
    assert repost.pairs == 1 and repost.same == 1 and score.from_case_fields == 2
    assert list(score.skipped) == ["exact_rescrape: no connector for raw/missing.xml"]
    assert score.recall(count_other_location=False) == pytest.approx(2 / 3)
    assert score.recall(count_other_location=True) == pytest.approx(2 / 4)
    assert [row["kind"] for row in score.rows()] == sorted(score.kinds)
    assert {m["kind"] for m in score.misses} == {"exact_rescrape", "same_ad_other_location"}
