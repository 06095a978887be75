"""Career pages with schema.org JobPosting markup, and their sitemaps, to postings."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.models import (
    EmploymentType,
    PayPeriod,
    Posting,
    SalaryOrigin,
    SourceConfig,
    Workplace,
)
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.sources.jsonld import employment_type, gunzip, lenient_json, parse_page
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

JSONLD = get_connector("jsonld")
HERE = FIXTURES / "jsonld"
SITE = "https://careers.kestrel-logistics.example"


def _ctx() -> RecordContext:
    return RecordContext(source="jsonld", board="site", fetched_on=date(2026, 11, 2))


def _postings(name: str, url: str | None = None) -> list[Posting]:
    page = JSONLD.parse((HERE / name).read_bytes(), url=url or f"{SITE}/{name}")
    assert page.follow == []
    return [JSONLD.to_posting(record, _ctx()) for record in page.records]


def _one(name: str) -> Posting:
    postings = _postings(name)
    assert len(postings) == 1
    return postings[0]


def test_a_job_page_maps_every_structured_field() -> None:
    posting = _one("kestrel_senior_data_engineer.html")
    assert posting.source_id == "KL-2041"
    assert posting.url == f"{SITE}/jobs/kl-2041-senior-data-engineer"
    assert posting.company == "Kestrel Logistics GmbH"
    assert posting.title == "Senior Data Engineer (m/f/d)"
    assert posting.employment_type is EmploymentType.full_time
    assert [(p.city, p.region, p.country) for p in posting.locations] == [
        ("Hamburg", "Hamburg", "DE")
    ]
    assert posting.posted_at == datetime(2026, 10, 12, tzinfo=UTC)
    salary = posting.salary
    assert salary is not None
    assert (salary.min, salary.max, salary.currency) == (72_000, 88_000, "EUR")
    assert salary.period is PayPeriod.year and salary.origin is SalaryOrigin.structured
    assert salary.annual_max_usd is not None and salary.fx_rate_date is not None
    text_ = posting.description_text or ""
    assert "- Mentor two mid-level engineers" in text_
    assert "<li>" not in text_ and "&amp;" not in text_ and "not required & our" in text_
    assert posting.workplace is None, "two office days are in the text, not in the markup"


def test_json_ld_wins_over_a_microdata_copy_of_the_same_job() -> None:
    posting = _one("kestrel_shift_lead.html")
    assert posting.source_id == "KL-2057"
    assert posting.title == "Warehouse Shift Lead – Night Shift"  # &ndash; undone
    assert posting.url == f"{SITE}/jobs/kl-2057-warehouse-shift-lead"  # relative url resolved
    assert posting.locations[0].country == "NL"  # addressCountry as Country {name}
    salary = posting.salary
    assert salary is not None and salary.period is PayPeriod.hour
    assert (salary.min, salary.max) == (18.40, 21.75)
    assert salary.annual_min == pytest.approx(18.40 * 2080)


def test_graph_arrays_references_and_remote_jobs() -> None:
    url = "https://halcyon-energy.example/careers/"
    postings = _postings("halcyon_openings.html", url)
    assert [p.source_id for p in postings] == ["88412", "HAL-FST-0217", f"{url}#2", f"{url}#3"]
    remote = postings[0]
    assert remote.company == "Halcyon Energy Inc."  # hiringOrganization was an @id reference
    assert remote.workplace is Workplace.remote
    assert [p.country for p in remote.locations] == ["US", "CA"]
    assert remote.employment_type is EmploymentType.contract
    assert remote.salary is not None and remote.salary.period is PayPeriod.hour
    assert remote.salary.min == remote.salary.max == 85
    technician = postings[1]
    assert technician.company == "Halcyon Energy Inc."  # a plain string
    assert [(p.city, p.region, p.country) for p in technician.locations] == [
        ("Lethbridge", "AB", "CA")
    ]
    assert technician.salary is not None and technician.salary.currency == "CAD"
    analyst = postings[2]
    assert analyst.employment_type is None, "full-time or part-time: the page does not say"
    assert [p.country for p in analyst.locations] == ["US", "CA"]
    assert analyst.salary is not None
    assert (analyst.salary.min, analyst.salary.max) == (95_000, 120_000)
    assert analyst.url == url, "no url of its own: the page it was found on"
    volunteer = postings[3]
    assert volunteer.employment_type is None
    assert [(p.city, p.country) for p in volunteer.locations] == [("Austin", "US")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FULL_TIME", EmploymentType.full_time),
        (["PART_TIME"], EmploymentType.part_time),
        ("CONTRACTOR", EmploymentType.contract),
        ("TEMPORARY", EmploymentType.temporary),
        ("INTERN", EmploymentType.internship),
        (["FULL_TIME", "INTERN"], EmploymentType.internship),
        ("Full-time", EmploymentType.full_time),
        (["FULL_TIME", "PART_TIME"], None),
        ("VOLUNTEER", None),
        ("PER_DIEM", None),
        ("OTHER", None),
        (None, None),
    ],
)
def test_employment_types(value: object, expected: EmploymentType | None) -> None:
    assert employment_type(value) is expected


def test_broken_json_ld_is_read_leniently_and_one_bad_script_hides_nothing() -> None:
    page_bytes = (HERE / "tidepool_broken.html").read_bytes()
    first_script = page_bytes.split(b'<script type="application/ld+json">')[1].split(b"</script>")[
        0
    ]
    with pytest.raises(ValueError):
        json.loads(first_script, strict=False)  # the fixture really is broken
    postings = _postings("tidepool_broken.html")
    assert [p.source_id for p in postings] == ["TPG-031", "TPG-034"]  # the cut script is skipped
    programmer, tester = postings
    assert programmer.locations[0].country == "GB"
    assert programmer.salary is not None
    assert (programmer.salary.min, programmer.salary.currency) == (65_000, "GBP")
    assert programmer.salary.raw == "65000"  # a bare Number
    assert tester.title == "QA Tester & Community Moderator"
    assert tester.description_text is not None and "<p>" not in tester.description_text
    assert "&lt;" not in tester.description_text
    assert tester.employment_type is EmploymentType.temporary
    assert tester.salary is not None and tester.salary.period is None, "4800 GBP a what? unknown"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('{"@type": "JobPosting", "title": "A"}\n}\n', {"@type": "JobPosting", "title": "A"}),
        ('{"@type": "JobPosting",\x0b "title": "B\tC"}', {"@type": "JobPosting", "title": "B\tC"}),
        ('<!--\n[{"title": "D"}]\n-->', [{"title": "D"}]),
        ('{"title": "E"};', {"title": "E"}),
        ('{"title": "cut', None),
        ("not json at all", None),
    ],
)
def test_lenient_json(script: str, expected: object) -> None:
    assert lenient_json(script) == expected


def test_states_and_areas_an_applicant_may_live_in() -> None:
    body = (
        b'<html><head><script type="application/ld+json">{"@type": "JobPosting", "title": "SRE",'
        b' "identifier": "S-1", "jobLocationType": ["TELECOMMUTE"], "applicantLocationRequirements":'
        b' [{"@type": "State", "name": "California"}, {"@type": "AdministrativeArea",'
        b' "name": "Ontario"}, {"@type": "Country", "name": "Deutschland"}, "EMEA"]}'
        b"</script></head></html>"
    )
    (record,) = JSONLD.parse(body, url=f"{SITE}/jobs/s-1").records
    posting = JSONLD.to_posting(record, _ctx())
    assert posting.workplace is Workplace.remote
    assert [(p.region, p.country, p.raw) for p in posting.locations] == [
        ("California", "US", "California"),
        ("Ontario", "CA", "Ontario"),
        (None, "DE", "Deutschland"),
        (None, None, "EMEA"),
    ]


def test_microdata_only_page() -> None:
    posting = _one("fernhill_microdata.html")
    assert posting.source_id == "FB-118"
    assert posting.company == "Fernhill Bakery Co-op"
    assert posting.employment_type is EmploymentType.part_time
    assert [(p.city, p.country) for p in posting.locations] == [("Bristol", "GB")]
    assert posting.salary is not None and posting.salary.period is PayPeriod.hour
    assert (posting.salary.min, posting.salary.currency) == (12.60, "GBP")
    assert posting.posted_at == datetime(2026, 10, 18, tzinfo=UTC)
    assert "worker-owned bakery" in (posting.description_text or "")


def test_a_page_without_job_postings_has_no_records() -> None:
    page = JSONLD.parse((HERE / "kestrel_about.html").read_bytes(), url=f"{SITE}/about")
    assert page.records == [] and page.follow == []


def test_a_script_type_with_parameters_is_still_json_ld() -> None:
    body = (
        b'<html><head><script type="Application/LD+JSON; charset=utf-8">'
        b'{"@type": "JobPosting", "title": "Barista", "identifier": "B-7"}</script></head></html>'
    )
    (record,) = JSONLD.parse(body, url=f"{SITE}/jobs/b-7").records
    assert JSONLD.to_posting(record, _ctx()).title == "Barista"


def test_a_posting_without_a_title_is_rejected_with_the_reason() -> None:
    body = (
        b'<html><head><script type="application/ld+json">'
        b'{"@type": "JobPosting", "identifier": "X-1", "datePosted": "2026-10-01"}'
        b"</script></head><body></body></html>"
    )
    (record,) = JSONLD.parse(body, url=f"{SITE}/x").records
    with pytest.raises(RecordError, match="X-1 without a title"):
        JSONLD.to_posting(record, _ctx())


def test_a_urlset_lists_its_pages_once_without_image_urls() -> None:
    page = JSONLD.parse((HERE / "sitemap-jobs.xml").read_bytes(), url=f"{SITE}/sitemap-jobs.xml")
    assert page.records == []
    assert page.follow == [
        f"{SITE}/jobs/kl-2041-senior-data-engineer",
        f"{SITE}/jobs/kl-2057-warehouse-shift-lead",
    ]


def test_a_gzipped_sitemap_index_lists_its_sitemaps_and_no_filter_drops_them() -> None:
    body = gzip.compress((HERE / "sitemap_index.xml").read_bytes())
    page = parse_page(body, url=f"{SITE}/sitemap_index.xml.gz", url_pattern=r"/jobs/")
    assert page.follow == [f"{SITE}/sitemap-jobs.xml.gz", f"{SITE}/sitemap-pages.xml"]


def test_url_pattern_filters_the_pages_of_a_urlset() -> None:
    body = gzip.compress((HERE / "sitemap-jobs.xml").read_bytes())
    page = parse_page(body, url=f"{SITE}/sitemap-jobs.xml.gz", url_pattern=r"shift-lead")
    assert page.follow == [f"{SITE}/jobs/kl-2057-warehouse-shift-lead"]


def test_a_sitemap_replayed_from_disk_follows_nothing() -> None:
    page = JSONLD.parse((HERE / "sitemap-jobs.xml").read_bytes(), url="file:///tmp/sitemap.xml")
    assert page.follow == [] and page.records == []


def test_a_gzip_bomb_stops_at_the_cap() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (51 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 200_000
    with pytest.raises(ParseError, match="larger than 50 MiB"):
        JSONLD.parse(bomb, url=f"{SITE}/sitemap.xml.gz")
    with pytest.raises(ParseError, match="larger than"):
        gunzip(gzip.compress(b"x" * 2048), limit=1024)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "empty body"),
        (b'{"jobs": []}', "got JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not an HTML page or a sitemap"),
        (
            b'<?xml version="1.0"?><urlset><url><loc>https://a.example/x</loc></url>',
            "invalid sitemap",
        ),
        (gzip.compress(b"<urlset></urlset>")[:-8], "truncated gzip"),
        (b"\x1f\x8bnot really gzip", "invalid gzip"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><urlset><url><loc>&lol2;</loc></url></urlset>',
            "invalid sitemap",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<sitemapindex><sitemap><loc>&e;</loc></sitemap></sitemapindex>",
            "invalid sitemap",
        ),
    ],
)
def test_a_payload_that_is_neither_page_nor_sitemap_raises_a_parse_error(
    body: bytes, fragment: str
) -> None:
    with pytest.raises(ParseError, match=fragment):
        JSONLD.parse(body, url=f"{SITE}/x")


def test_board_and_start_urls_come_from_the_entry() -> None:
    from jobingest.sources.jsonld import start_urls

    by_url = SourceConfig(name="k", kind="jsonld", url=f"{SITE}/sitemap_index.xml")
    assert JSONLD.board_of(by_url) == "careers.kestrel-logistics.example"
    pages = [f"{SITE}/jobs/a", f"{SITE}/jobs/b"]
    by_pages = SourceConfig(name="p", kind="jsonld", options={"pages": pages})
    assert JSONLD.start_url(by_pages) == pages[0]
    assert start_urls(by_pages) == pages
    with pytest.raises(ConfigError, match="needs `url`"):
        JSONLD.board_of(SourceConfig(name="n", kind="jsonld"))
    with pytest.raises(ConfigError, match=r"options\.pages"):
        JSONLD.board_of(SourceConfig(name="b", kind="jsonld", options={"pages": "x"}))
    assert getattr(JSONLD, "respects_robots", False) is True


def _publish_site(boards: FakeBoards) -> str:
    base = boards.base_url

    def local(name: str) -> bytes:
        return (HERE / name).read_bytes().replace(SITE.encode(), base.encode())

    boards.publish(
        "/sitemap_index.xml.gz", gzip.compress(local("sitemap_index.xml")), "application/gzip"
    )
    boards.publish(
        "/sitemap-jobs.xml.gz", gzip.compress(local("sitemap-jobs.xml")), "application/gzip"
    )
    boards.publish("/sitemap-pages.xml", local("sitemap-pages.xml"), "application/xml")
    for path, name in [
        ("/jobs/kl-2041-senior-data-engineer", "kestrel_senior_data_engineer.html"),
        ("/jobs/kl-2057-warehouse-shift-lead", "kestrel_shift_lead.html"),
        ("/about", "kestrel_about.html"),
    ]:
        boards.publish(path, local(name), "text/html; charset=utf-8")
    return f"{base}/sitemap_index.xml.gz"


def test_a_site_is_crawled_from_its_sitemap_index_over_the_socket(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yaml"
    entry = {"name": "kestrel", "kind": "jsonld", "url": _publish_site(boards)}
    sources.write_text(json.dumps({"sources": [entry]}))
    report = pipeline.run_once(settings, sources)
    assert report.status == "completed", report
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT source_id, company, country, salary_currency, url FROM posting ORDER BY source_id"
            )
        ).all()
    assert [tuple(r)[:4] for r in rows] == [
        ("KL-2041", "Kestrel Logistics GmbH", "DE", "EUR"),
        ("KL-2057", "Kestrel Logistics B.V.", "NL", "EUR"),
    ]
    assert all(re.match(r"http://127\.0\.0\.1:\d+/jobs/kl-20", str(r[4])) for r in rows)
    # Index, two sitemaps, two job pages and the about page: every URL fetched once.
    assert {r.path for r in boards.requests if r.status == 200} >= {
        "/sitemap_index.xml.gz", "/sitemap-jobs.xml.gz", "/sitemap-pages.xml",
        "/jobs/kl-2041-senior-data-engineer", "/jobs/kl-2057-warehouse-shift-lead", "/about",
    }  # fmt: skip
    assert len(boards.seen("/jobs/kl-2041-senior-data-engineer")) == 1
