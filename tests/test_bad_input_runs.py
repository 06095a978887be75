"""Bad input over real sockets, on SQLite and PostgreSQL: broken bodies fail their source with a
reason and touch nothing already loaded; odd charsets and pathological markup load cleanly; the
same job through three flawed sources is one posting."""

from __future__ import annotations

import codecs
import contextlib
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.rawstore import RawStore
from jobingest.report import RunReport
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from tests.conftest import EXAMPLES, write_sources
from tests.fakeboards import FakeBoards, Fault
from tests.test_lifecycle import DESCRIPTION, _greenhouse_job, _lever_job

NORTHWIND = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
LUMEN = (EXAMPLES / "payloads" / "greenhouse_lumen-health.json").read_bytes()
TITLE = "Café Manager – Zürich"


def _rows(settings: Settings, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _run(settings: Settings, sources: Path, clock: Clock) -> RunReport:
    run_id, plan = pipeline.start_run(settings, sources, clock=clock)
    for entry in plan.enabled:
        with contextlib.suppress(pipeline.SourceFailedError):
            pipeline.ingest_source(settings, run_id, entry, clock=clock)
    return pipeline.finish_run(settings, run_id, plan, clock=clock)


def _truncated_gzip() -> Fault:
    body = gzip.compress(NORTHWIND)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return Fault("raw", 200, headers, body=body[: len(body) // 2])


# kind of broken body -> (faults for one run, words the failure reason must contain)
BROKEN = {
    "truncated-gzip": ([_truncated_gzip()], "gzip"),
    "content-length-longer-than-body": ([Fault("truncate")] * 3, "3 attempts"),
    "html-error-page-with-200": ([Fault("html")], "HTML"),
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_a_broken_body_fails_its_source_and_touches_nothing_loaded(
    broken: str, boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    token = f"northwind-{broken}"
    sources = write_sources(
        tmp_path,
        [{"name": "northwind", "kind": "greenhouse", "board": token,
          "url": boards.greenhouse(token, NORTHWIND)},
         {"name": "lumen", "kind": "greenhouse", "board": f"lumen-{broken}",
          "url": boards.greenhouse(f"lumen-{broken}", LUMEN)}],
    )  # fmt: skip
    clock = Clock()
    first = _run(settings, sources, clock)
    assert first.status == "completed"
    before = _rows(settings, "SELECT id, title, last_seen_at, closed_at FROM posting ORDER BY id")
    assert len(before) == 24

    clock.now += timedelta(days=1)
    boards.greenhouse(f"lumen-{broken}", LUMEN.replace(b"Lumen", b"Lumen Health"))  # changed
    faults, words = BROKEN[broken]
    boards.fail(f"/v1/boards/{token}/jobs", *faults)
    report = _run(settings, sources, clock)

    assert report.status == "partial"
    by_name = {s.source_name: s for s in report.sources}
    assert by_name["northwind"].status == "failed"
    assert words in (by_name["northwind"].reason or "")
    assert by_name["lumen"].status == "ok", "the run went on"
    assert by_name["northwind"].closed == 0
    northwind_ids = {r[0] for r in _rows(
        settings, "SELECT id FROM posting WHERE board = :board", board=token)}  # fmt: skip
    after = [r for r in _rows(settings, "SELECT id, title, last_seen_at, closed_at FROM posting")
             if r[0] in northwind_ids]  # fmt: skip
    assert sorted(after) == sorted(r for r in before if r[0] in northwind_ids)
    assert all(r[3] is None for r in after), "a broken body closes nothing"
    versioned = {r[0] for r in _rows(settings, "SELECT posting_id FROM posting_version")}
    assert versioned, "the other board's changes were versioned"
    assert not versioned & northwind_ids, "no history written for the broken board"


def test_an_html_page_served_as_json_is_quarantined_with_its_raw_body(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    token = "northwind-html"
    sources = write_sources(
        tmp_path, [{"name": "northwind", "kind": "greenhouse", "board": token,
                    "url": boards.greenhouse(token, NORTHWIND)}]
    )  # fmt: skip
    clock = Clock()
    _run(settings, sources, clock)
    clock.now += timedelta(days=1)
    boards.fail(f"/v1/boards/{token}/jobs", Fault("html"))
    report = _run(settings, sources, clock)
    assert report.sources[0].quarantined == 1
    ((stage, reason, sha),) = _rows(settings, "SELECT stage, reason, raw_sha256 FROM quarantine")
    assert stage == "parse" and "HTML" in reason
    assert b"Service temporarily unavailable" in RawStore(settings.raw_store).get(str(sha))
    assert _rows(settings, "SELECT count(*) FROM posting WHERE closed_at IS NULL") == [(14,)]
    # The page was not evidence that anything was seen either.
    assert _rows(settings, "SELECT DISTINCT last_seen_at FROM posting") == [
        (_rows(settings, "SELECT min(last_seen_at) FROM posting")[0][0],)
    ]


def test_a_truncated_gzip_sitemap_is_quarantined_and_the_other_pages_load(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    base = boards.base_url
    boards.publish("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    sitemap = (
        f'<?xml version="1.0"?><urlset><url><loc>{base}/jobs/x</loc></url></urlset>'
    ).encode()
    boards.publish("/cut-sitemap.xml.gz", gzip.compress(sitemap)[:-8], "application/gzip")
    node = {"@type": "JobPosting", "title": "Deep Page Analyst", "identifier": "DP-1",
            "description": "<div>" * 100_000 + "Reads fine." + "</div>" * 100_000}  # fmt: skip
    page = (f'<html><body>{"<div>" * 100_000}<script type="application/ld+json">'
            f"{json.dumps(node)}</script></body></html>").encode()  # fmt: skip
    boards.publish("/careers/deep", page, "text/html; charset=utf-8")
    sources = write_sources(
        tmp_path,
        [{"name": "cut", "kind": "jsonld", "url": f"{base}/cut-sitemap.xml.gz"},
         {"name": "deep", "kind": "jsonld", "url": f"{base}/careers/deep"}],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    by_name = {s.source_name: s for s in report.sources}
    assert by_name["cut"].status == "failed", report
    assert "truncated gzip" in (by_name["cut"].reason or "")
    assert by_name["deep"].status == "ok"
    assert _rows(settings, "SELECT source_name, stage FROM quarantine") == [("cut", "parse")]
    assert _rows(settings, "SELECT source_id, title FROM posting") == [
        ("DP-1", "Deep Page Analyst")
    ]
    assert _rows(settings, "SELECT description_text FROM posting") == [("Reads fine.",)]


def test_nul_characters_are_stored_nowhere(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    """JSON may carry `\\u0000`; PostgreSQL text cannot. Postings load without it, and a record
    or a payload that is rejected is quarantined without it."""
    jobs = [_greenhouse_job(77, "Data\u0000 Engineer", city="Berlin\u0000, Germany",
                            content="<p>Owns\u0000 pipelines.</p>"),
            {"id": "bad\u0000id", "title": None}]  # fmt: skip
    boards.publish("/v1/boards/nul/jobs", json.dumps({"jobs": jobs}).encode())
    boards.publish("/v1/boards/nul-binary/jobs", b"\x00\x01{not json" + bytes(300))
    sources = write_sources(
        tmp_path,
        [{"name": "nul", "kind": "greenhouse", "board": "nul",
          "url": boards.base_url + "/v1/boards/nul/jobs"},
         {"name": "binary", "kind": "greenhouse", "board": "nul-binary",
          "url": boards.base_url + "/v1/boards/nul-binary/jobs"}],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    by_name = {s.source_name: s for s in report.sources}
    assert (by_name["nul"].status, by_name["nul"].new, by_name["nul"].quarantined) == ("ok", 1, 1)
    assert by_name["binary"].status == "failed"
    assert "invalid JSON" in (by_name["binary"].reason or "")
    ((title, city, description),) = _rows(
        settings, "SELECT title, city, description_text FROM posting"
    )
    assert (title, city) == ("Data Engineer", "Berlin")
    assert "\x00" not in description and description.endswith(" pipelines.")  # HTML: U+FFFD
    assert _rows(settings, "SELECT source_name, stage, source_id FROM quarantine ORDER BY id") == [
        ("nul", "map", "badid"), ("binary", "parse", None)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json; charset=utf-8", "cp1252"),
        ("application/json; charset=iso-8859-1", "utf-8-bom"),
        ("application/json; charset=utf-8", "utf-16-bom"),
    ],
)
def test_a_wrong_charset_label_stores_no_mojibake(
    content_type: str, body: str, boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    job = _greenhouse_job(9001, TITLE, city="Zürich, Switzerland")
    document = json.dumps({"jobs": [job], "meta": {"total": 1}}, ensure_ascii=False)
    payload = {
        "cp1252": document.encode("cp1252"),
        "utf-8-bom": codecs.BOM_UTF8 + document.encode("utf-8"),
        "utf-16-bom": codecs.BOM_UTF16_LE + document.encode("utf-16-le"),
    }[body]
    token = f"charset-{body}"
    boards.publish(f"/v1/boards/{token}/jobs", payload, content_type)
    sources = write_sources(
        tmp_path, [{"name": "charset", "kind": "greenhouse", "board": token,
                    "url": boards.base_url + f"/v1/boards/{token}/jobs"}]
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    assert report.status == "completed", report
    assert _rows(settings, "SELECT title, city FROM posting") == [(TITLE, "Zürich")]


def test_the_same_job_through_three_flawed_sources_is_one_posting(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    """cp1252 labelled UTF-8 (Greenhouse), a BOM against the header (Lever), and JSON-LD with a
    stray brace and a deeply nested description (a career page): one canonical posting, three
    listings, and a second run that changes nothing."""
    greenhouse = json.dumps(
        {"jobs": [_greenhouse_job(101, "Senior Data Engineer")], "meta": {"total": 1}},
        ensure_ascii=False,
    ).encode("cp1252")
    boards.publish("/v1/boards/flawed/jobs", greenhouse, "application/json; charset=utf-8")
    lever = codecs.BOM_UTF8 + json.dumps([_lever_job("a1b2", "Senior Data Engineer")]).encode()
    boards.publish("/v0/postings/flawed", lever, "application/json; charset=iso-8859-1")
    node = json.dumps({
        "@context": "https://schema.org", "@type": "JobPosting",
        "title": "Senior Data Engineer (m/w/d)", "identifier": "careers-77",
        "hiringOrganization": {"@type": "Organization", "name": "Northwind Analytics"},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
                        "addressLocality": "New York", "addressRegion": "NY",
                        "addressCountry": "US"}},
        "description": "<div>" * 400 + f"<p>{DESCRIPTION}</p>" + "</div>" * 400,
        "datePosted": "2026-09-20",
    })  # fmt: skip
    page = f'<html><head><script type="application/ld+json">{node}\n}}</script></head></html>'
    boards.publish("/careers/flawed-data-engineer", page.encode(), "text/html")
    boards.publish("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    sources = write_sources(
        tmp_path,
        [{"name": "gh", "kind": "greenhouse", "board": "flawed",
          "url": boards.base_url + "/v1/boards/flawed/jobs"},
         {"name": "lever", "kind": "lever", "site": "flawed", "company": "Northwind Analytics",
          "url": boards.base_url + "/v0/postings/flawed?mode=json"},
         {"name": "careers", "kind": "jsonld",
          "url": boards.base_url + "/careers/flawed-data-engineer"}],
    )  # fmt: skip
    first = pipeline.run_once(settings, sources)
    assert first.status == "completed", first
    assert (first.total("new"), first.total("duplicates"), first.total("quarantined")) == (1, 2, 0)
    ((canonical,),) = _rows(settings, "SELECT id FROM posting WHERE canonical_id IS NULL")
    listings = _rows(
        settings,
        "SELECT ps.source FROM posting_source ps JOIN posting p ON p.id = ps.posting_id "
        "WHERE COALESCE(p.canonical_id, p.id) = :canonical ORDER BY ps.source",
        canonical=canonical,
    )
    assert listings == [("greenhouse",), ("jsonld",), ("lever",)]

    second = pipeline.run_once(settings, sources)
    assert (second.total("new"), second.total("updated")) == (0, 0)
    assert _rows(settings, "SELECT count(*) FROM posting") == [(3,)]
    assert _rows(settings, "SELECT count(*) FROM posting_source") == [(3,)]
    assert _rows(settings, "SELECT count(*) FROM posting WHERE canonical_id IS NULL") == [(1,)]
