"""Property tests over every parse and extract entry point: arbitrary bytes and text, and JSON
shaped like each board's payload with hostile values anywhere, never raise anything but the
project's typed errors (`jobingest.errors`), and what comes out obeys the contract.

Example counts come from a Hypothesis profile: `fuzz-ci` (default, well under a minute) or
`fuzz-long` (JOBINGEST_FUZZ_PROFILE=fuzz-long, for a local soak).
"""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from jobingest.errors import JobIngestError
from jobingest.extract.employment import employment_type_from_label, employment_type_from_text
from jobingest.extract.level import classify_level
from jobingest.extract.location import parse_location, workplace_from_description
from jobingest.extract.role import normalize_title
from jobingest.extract.salary import extract_salary
from jobingest.extract.skills import extract_skills
from jobingest.extract.text import html_to_text
from jobingest.models import Posting
from jobingest.parse import parse_payload, parse_survey
from jobingest.pipeline import is_survey
from jobingest.sources import REGISTRY
from jobingest.sources._dumps import decode as decode_dump
from jobingest.sources.base import RecordContext
from jobingest.sources.encoding import decode_text
from tests.conftest import FIXTURES
from tests.test_bad_input_fields import BOARDS, _jobs

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "fuzz-ci", max_examples=25, deadline=None, suppress_health_check=_QUIET, derandomize=False
)
settings.register_profile(
    "fuzz-long", max_examples=2000, deadline=None, suppress_health_check=_QUIET
)
FUZZ = settings.get_profile(os.environ.get("JOBINGEST_FUZZ_PROFILE", "fuzz-ci"))
# Extractors are cheap; they get more examples than whole payloads.
FUZZ_CHEAP = settings(FUZZ, max_examples=FUZZ.max_examples * 4)

KINDS = sorted(REGISTRY)
_SLIPS = ("AttributeError", "TypeError", "KeyError", "IndexError", "RecursionError")
URLS = ["https://boards.example/api/jobs", "file:///replay/payload.bin"]
ON = date(2026, 11, 2)


def _ctx(kind: str) -> RecordContext:
    return RecordContext(source=kind, board="fuzz", fetched_on=ON, company="Fuzz Co")


def _parse(kind: str, payload: bytes, url: str = URLS[0]) -> None:
    """The pipeline's own entry point for one payload; only typed errors may escape."""
    connector = REGISTRY[kind]
    try:
        if is_survey(connector):
            parse_survey(connector, payload, url=url)
            return
        parsed = parse_payload(connector, payload, url=url, ctx=_ctx(kind))
    except JobIngestError:
        return
    for posting in parsed.postings:
        _check(posting)
    for rejected in parsed.rejected:
        # A typed reason, not a connector tripping over a value of an unexpected type.
        assert rejected.stage == "map" and not rejected.reason.startswith(_SLIPS), rejected


def _check(posting: Posting) -> None:
    assert posting.title.strip() and any(c.isalpha() for c in posting.title)
    assert "\x00" not in posting.title and "\x00" not in (posting.description_text or "")
    if posting.salary is not None:
        amounts = [posting.salary.min, posting.salary.max, posting.salary.annual_max_usd]
        assert all(a is None or 0 < a < float("inf") for a in amounts)


# strategies ----------------------------------------------------------------------------------
_ODD_TEXT = st.sampled_from(
    ["", " ", "null", "NaN", "-1", "0", "1e999", "$0", "Competitive", "Remote (US only)",
     "Anywhere", "<p>x", "&lt;b&gt;", "\x00", "\u202e", "\ud7ff", "Zürich", "💼", "a" * 3000,
     "2026-02-30", "9999999999999", "USD", "XYZ", "per hour", "<div>" * 300]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), _ODD_TEXT,
)  # fmt: skip
HOSTILE_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _sample_job(kind: str) -> tuple[dict[str, Any], Any, str | None]:
    name, key, _, _ = BOARDS[kind]
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8-sig"))
    return _jobs(document, key)[0], document, key


def _board_payloads(kind: str) -> st.SearchStrategy[bytes]:
    """Documents in the board's own shape: its real fields, each kept or made hostile, plus
    hostile extra fields, wrapped the way the board wraps its job list."""
    job, document, key = _sample_job(kind)
    fields = {name: st.one_of(st.just(value), HOSTILE_JSON) for name, value in job.items()}
    jobs = st.lists(
        st.fixed_dictionaries(fields, optional={"extra": HOSTILE_JSON}), min_size=1, max_size=3
    )

    def wrap(listed: list[Any], container: Any) -> bytes:
        if key is None:
            body: Any = [*(j for j in document if isinstance(j, dict) and j.get("legal")), *listed]
        else:
            body = {**document, key: listed} if isinstance(container, dict) else container
        return json.dumps(body, allow_nan=True).encode()

    containers = st.one_of(st.just({}), st.just({}), HOSTILE_JSON)
    return st.builds(wrap, jobs, containers)


_LD_FIELDS = {
    "@type": st.one_of(st.just("JobPosting"), st.just(["JobPosting", "Thing"]), HOSTILE_JSON),
    "title": st.one_of(st.just("Platform Engineer"), HOSTILE_JSON),
    "identifier": HOSTILE_JSON,
    "description": st.one_of(st.just("<p>Build <b>things</b></p>"), HOSTILE_JSON),
    "baseSalary": st.one_of(
        st.just({"@type": "MonetaryAmount", "currency": "USD",
                 "value": {"@type": "QuantitativeValue", "minValue": 1, "unitText": "YEAR"}}),
        HOSTILE_JSON,
    ),
    "jobLocation": HOSTILE_JSON, "hiringOrganization": HOSTILE_JSON,
    "employmentType": HOSTILE_JSON, "datePosted": HOSTILE_JSON, "salaryCurrency": HOSTILE_JSON,
    "applicantLocationRequirements": HOSTILE_JSON, "jobLocationType": HOSTILE_JSON,
}  # fmt: skip


@st.composite
def _career_pages(draw: st.DrawFn) -> bytes:
    node = draw(st.fixed_dictionaries({}, optional=_LD_FIELDS))
    script = json.dumps(draw(st.one_of(st.just(node), st.just({"@graph": [node]}),
                                       st.just([node, node]))))  # fmt: skip
    garbage = draw(st.sampled_from(["", "\n}", ";", "\x0b", "/* c */", "<!--", "]]>"]))
    cut = draw(st.integers(min_value=0, max_value=len(script)))
    if draw(st.booleans()):
        script = script[:cut] + garbage + script[cut:]
    return (f'<html><head><script type="application/ld+json">{script}</script></head>'
            f"<body>{draw(_MARKUP)}</body></html>").encode()  # fmt: skip


_TAGS = st.sampled_from(
    ["<div>", "</div>", "<p>", "</p>", "<li>", "<ul>", "<br/>", "<script>", "</script>",
     "<style>", "<b>", "</i>", "<!--", "-->", "<![CDATA[", "&amp;", "&#0;", "&#xD800;", "&bogus",
     "<table><tr><td>", "<svg><math>", "<", ">", "\x00", "\r\n"]
)  # fmt: skip
_MARKUP = st.lists(st.one_of(_TAGS, st.text(max_size=20)), max_size=40).map("".join)
_XML_KINDS = {"rss": "rss/harbour_jobs.rss", "personio": "personio/alpenglow.xml"}
_DUMP_KINDS = {"csv": "csv/jobs_export.csv", "jsonl": "jsonl/jobs.jsonl",
               "aijobs_salaries": "aijobs_salaries/salaries.csv"}  # fmt: skip


@st.composite
def _mutated(draw: st.DrawFn, name: str) -> bytes:
    """A real fixture with a slice cut, repeated or replaced by junk."""
    data = (FIXTURES / name).read_bytes()
    start = draw(st.integers(min_value=0, max_value=len(data)))
    end = draw(st.integers(min_value=start, max_value=min(len(data), start + 400)))
    junk = draw(st.one_of(st.binary(max_size=40), _MARKUP.map(str.encode), st.just(b"")))
    return data[:start] + junk + data[end:]


# parse entry points ----------------------------------------------------------------------------
@FUZZ
@given(kind=st.sampled_from(KINDS), payload=st.binary(max_size=2048), url=st.sampled_from(URLS))
def test_every_connector_takes_arbitrary_bytes(kind: str, payload: bytes, url: str) -> None:
    _parse(kind, payload, url)


@FUZZ
@given(kind=st.sampled_from(KINDS), text=st.text(max_size=1024))
def test_every_connector_takes_arbitrary_text(kind: str, text: str) -> None:
    _parse(kind, text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(kind=st.sampled_from(KINDS), document=HOSTILE_JSON)
def test_every_connector_takes_arbitrary_json(kind: str, document: Any) -> None:
    _parse(kind, json.dumps(document).encode())


@FUZZ
@given(data=st.data(), kind=st.sampled_from(sorted(BOARDS)))
def test_board_shaped_json_with_hostile_values(data: st.DataObject, kind: str) -> None:
    _parse(kind, data.draw(_board_payloads(kind)))


@FUZZ
@given(page=_career_pages())
def test_career_pages_with_hostile_json_ld(page: bytes) -> None:
    _parse("jsonld", page, "https://careers.example/jobs/1")


@FUZZ
@given(data=st.data(), kind=st.sampled_from(sorted({**_XML_KINDS, **_DUMP_KINDS})))
def test_feeds_and_dumps_with_damaged_bytes(data: st.DataObject, kind: str) -> None:
    name = {**_XML_KINDS, **_DUMP_KINDS}[kind]
    _parse(kind, data.draw(_mutated(name)), "file:///replay/" + name.rsplit("/", 1)[-1])


@FUZZ_CHEAP
@given(
    payload=st.binary(max_size=2048),
    encoding=st.sampled_from(
        [None, "utf-8", "cp1252", "latin-1", "utf-16", "shift_jis", "no-such-codec", ""]
    ),
)
def test_the_dumps_decoder(payload: bytes, encoding: str | None) -> None:
    try:
        text, used = decode_dump(payload, encoding)
    except JobIngestError:
        assert encoding in ("no-such-codec", "")
        return
    assert isinstance(text, str) and used
    assert isinstance(decode_text(payload), str)


# extract entry points -------------------------------------------------------------------------
_WORDS = st.sampled_from(
    ["$", "€", "£", "USD", "EUR", "k", "K", "-", "–", "to", "per", "hour", "year", "annum", "/yr",
     "salary", "Salary:", "pay", "Competitive", "0", "1", "50,000", "120k", "1.000.000", "-5",
     "1e9", "1000000000", "senior", "Sr.", "junior", "lead", "director", "intern", "III",
     "Remote", "(US only)", "Anywhere", "Berlin,", "Germany", "NY", ";", "/", "|", "Hybrid",
     "full-time", "contract", "Python", "C++", "\x00", "\n", "m/w/d", "💼"]
)  # fmt: skip
TEXTLIKE = st.one_of(st.text(max_size=300), st.lists(_WORDS, max_size=30).map(" ".join))


@FUZZ_CHEAP
@given(markup=st.one_of(st.text(max_size=500), _MARKUP))
def test_html_to_text(markup: str) -> None:
    text = html_to_text(markup)
    assert text is None or (text == text.strip() and "<script>" not in text)


@FUZZ_CHEAP
@given(text=TEXTLIKE, country=st.sampled_from([None, "US", "CA", "DE", "XX"]),
       on=st.sampled_from([None, ON, date(1990, 1, 1)]))  # fmt: skip
def test_extract_salary(text: str, country: str | None, on: date | None) -> None:
    salary = extract_salary(text, country=country, on=on)
    if salary is not None:
        low = salary.min if salary.min is not None else salary.max
        high = salary.max if salary.max is not None else salary.min
        assert low is not None and high is not None and 0 < low <= high


@FUZZ_CHEAP
@given(text=TEXTLIKE)
def test_level_role_location_employment_and_skills(text: str) -> None:
    classify_level(text)
    normalize_title(text)
    located = parse_location(text)
    assert all(p.raw for p in located.places)
    workplace_from_description(text)
    employment_type_from_label(text)
    employment_type_from_text(text)
    assert all(isinstance(skill, str) for skill in extract_skills(text))
