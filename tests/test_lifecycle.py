"""One job, one row, with its history: duplicates, reposts, closing and reopening, on SQLite
and PostgreSQL, through the real pipeline over sockets."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from jobingest import pipeline
from jobingest.cli import app
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from tests.conftest import write_sources
from tests.fakeboards import FakeBoards, Fault

DESCRIPTION = (
    "Northwind Analytics is hiring a Senior Data Engineer to own our streaming platform. You "
    "will design Kafka and Flink pipelines that move billions of events a day into our "
    "lakehouse, partner with analytics engineers on data contracts, and make on-call calm. "
    "You have shipped production data systems in Python or Scala, you care about testing "
    "and observability, and you enjoy mentoring. We offer equity, a learning budget and "
    "flexible hours. The base salary range for this role is $150,000 - $190,000."
)


def _greenhouse_job(job_id: int, title: str, city: str = "New York, NY", **extra: object) -> dict:
    return {
        "id": job_id,
        "title": title,
        "company_name": "Northwind Analytics",
        "location": {"name": city},
        "absolute_url": f"https://boards.greenhouse.io/northwind/jobs/{job_id}",
        "content": DESCRIPTION,
        **extra,
    }


def _lever_job(job_id: str, title: str) -> dict:
    return {
        "id": job_id,
        "text": title,
        "hostedUrl": f"https://jobs.lever.co/northwind/{job_id}",
        "categories": {"location": "New York, NY", "commitment": "Full-time"},
        "descriptionPlain": "About the role\n" + DESCRIPTION,
        "createdAt": 1790000000000,
    }


def _board(jobs: list[dict]) -> bytes:
    return json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()


def _rows(settings: Settings, sql: str) -> list[tuple]:
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _run(settings: Settings, sources: Path, clock: Clock):  # type: ignore[no-untyped-def]
    run_id, plan = pipeline.start_run(settings, sources, clock=clock)
    for entry in plan.enabled:
        with contextlib.suppress(pipeline.SourceFailedError):
            pipeline.ingest_source(settings, run_id, entry, clock=clock)
    return pipeline.finish_run(settings, run_id, plan, clock=clock)


def test_the_same_job_from_three_sources_is_one_canonical_posting(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    boards.publish(
        "/v0/postings/northwind", json.dumps([_lever_job("a1b2", "Senior Data Engineer")]).encode()
    )
    page = (
        '<html><head><script type="application/ld+json">'
        + json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "JobPosting",
                "title": "Senior Data Engineer (m/w/d)",
                "identifier": {"@type": "PropertyValue", "value": "careers-77"},
                "hiringOrganization": {"@type": "Organization", "name": "Northwind Analytics"},
                "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
                                "addressLocality": "New York", "addressRegion": "NY",
                                "addressCountry": "US"}},
                "description": "<p>" + DESCRIPTION + "</p>",
                "datePosted": "2026-09-20",
            }
        )
        + "</script></head><body>Careers</body></html>"
    )  # fmt: skip
    boards.publish("/careers/senior-data-engineer", page.encode(), "text/html")
    boards.publish("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    sources = write_sources(
        tmp_path,
        [
            {"name": "gh", "kind": "greenhouse", "board": "northwind",
             "url": boards.greenhouse("northwind", _board([_greenhouse_job(101, "Senior Data Engineer")]))},
            {"name": "lever", "kind": "lever", "site": "northwind", "company": "Northwind Analytics",
             "url": boards.base_url + "/v0/postings/northwind?mode=json"},
            {"name": "careers", "kind": "jsonld",
             "url": boards.base_url + "/careers/senior-data-engineer"},
        ],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    assert report.status == "completed", report
    assert report.total("new") == 1
    assert report.total("duplicates") == 2
    canonical = _rows(settings, "SELECT id FROM posting WHERE canonical_id IS NULL")
    assert len(canonical) == 1
    (canonical_id,) = canonical[0]
    listings = _rows(
        settings,
        "SELECT ps.source FROM posting_source ps JOIN posting p ON p.id = ps.posting_id "
        f"WHERE COALESCE(p.canonical_id, p.id) = {canonical_id} ORDER BY ps.source",
    )
    assert listings == [("greenhouse",), ("jsonld",), ("lever",)]
    reasons = _rows(settings, "SELECT dedupe_reason FROM posting WHERE canonical_id IS NOT NULL")
    assert all("descriptions" in r[0] for r in reasons)

    explained = CliRunner().invoke(
        app, ["dedupe", "explain", str(canonical_id)],
        env={"JOBINGEST_DATABASE_URL": settings.database_url.get_secret_value()},
    )  # fmt: skip
    assert explained.exit_code == 0, explained.output
    found = json.loads(explained.stdout)
    assert len(found["duplicates_linked_here"]) == 2
    assert all(other["same"] for other in found["compared_in_block"])


def test_hard_negatives_stay_apart(boards: FakeBoards, settings: Settings, tmp_path: Path) -> None:
    jobs = [
        _greenhouse_job(201, "Senior Data Engineer, Payments"),
        _greenhouse_job(202, "Senior Data Engineer, Search"),
        _greenhouse_job(203, "Senior Data Engineer", city="Chicago, IL"),
        _greenhouse_job(204, "Senior Data Engineer", city="Austin, TX"),
    ]
    sources = write_sources(
        tmp_path,
        [{"name": "gh", "kind": "greenhouse", "board": "northwind",
          "url": boards.greenhouse("northwind-teams", _board(jobs))}],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    assert (report.total("new"), report.total("duplicates")) == (4, 0)


def test_a_board_that_drops_a_posting_closes_it_and_reopens_it_later(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    token = "lifecycle"
    jobs = [_greenhouse_job(300 + i, f"Data Analyst {name}") for i, name in enumerate("ABCD")]
    url = boards.greenhouse(token, _board(jobs))
    sources = write_sources(
        tmp_path, [{"name": "gh", "kind": "greenhouse", "board": token, "url": url}]
    )
    clock = Clock()
    _run(settings, sources, clock)

    clock.now += timedelta(days=1)
    boards.greenhouse(token, _board(jobs[:3]))
    report = _run(settings, sources, clock)
    assert report.total("closed") == 1
    assert _rows(settings, "SELECT source_id FROM posting WHERE closed_at IS NOT NULL") == [
        ("303",)
    ]

    clock.now += timedelta(days=4)
    boards.greenhouse(token, _board(jobs))
    report = _run(settings, sources, clock)
    assert report.total("closed") == 0
    assert _rows(settings, "SELECT count(*) FROM posting WHERE closed_at IS NOT NULL") == [(0,)]
    history = _rows(settings, "SELECT kind FROM posting_version ORDER BY id")
    assert history == [("closed",), ("reopened",)]
    (changes,) = _rows(settings, "SELECT changes FROM posting_version WHERE kind = 'reopened'")[0]
    gap = changes if isinstance(changes, dict) else json.loads(changes)
    assert gap["gap_days"] == 4.0


def test_a_failed_fetch_or_a_silent_drop_closes_nothing(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    token = "fragile"
    jobs = [_greenhouse_job(400 + i, f"Support Engineer {i}") for i in range(12)]
    url = boards.greenhouse(token, _board(jobs))
    sources = write_sources(
        tmp_path, [{"name": "gh", "kind": "greenhouse", "board": token, "url": url}]
    )
    clock = Clock()
    _run(settings, sources, clock)

    clock.now += timedelta(days=1)
    boards.fail(f"/v1/boards/{token}/jobs", *[Fault("status", 503)] * 3)
    failed = _run(settings, sources, clock)
    assert failed.sources[0].status == "failed"

    clock.now += timedelta(days=1)
    boards.greenhouse(token, _board(jobs[:2]))  # 2 of 12: an upstream hiccup, not 10 closures
    dropped = _run(settings, sources, clock)
    assert dropped.total("closed") == 0
    assert "closing skipped" in (dropped.sources[0].note or "")
    assert _rows(settings, "SELECT count(*) FROM posting WHERE closed_at IS NOT NULL") == [(0,)]


def test_a_reposted_job_under_a_new_id_is_linked_not_a_new_opening(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    token = "reposts"
    keep = [_greenhouse_job(500 + i, f"Account Executive {i}") for i in range(3)]
    original = _greenhouse_job(510, "Senior Data Engineer")
    url = boards.greenhouse(token, _board([*keep, original]))
    sources = write_sources(
        tmp_path, [{"name": "gh", "kind": "greenhouse", "board": token, "url": url}]
    )
    clock = Clock()
    _run(settings, sources, clock)
    clock.now += timedelta(days=2)
    boards.greenhouse(token, _board(keep))
    _run(settings, sources, clock)
    clock.now += timedelta(days=10)
    boards.greenhouse(token, _board([*keep, _greenhouse_job(777, "Senior Data Engineer")]))
    report = _run(settings, sources, clock)
    assert (report.total("new"), report.total("reposts")) == (0, 1)
    rows = _rows(
        settings,
        "SELECT p.source_id, o.source_id FROM posting p JOIN posting o ON o.id = p.repost_of",
    )
    assert rows == [("777", "510")]


def test_changed_content_is_versioned_with_what_changed(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    token = "versions"
    job = _greenhouse_job(600, "Data Scientist")
    url = boards.greenhouse(token, _board([job]))
    sources = write_sources(
        tmp_path, [{"name": "gh", "kind": "greenhouse", "board": token, "url": url}]
    )
    pipeline.run_once(settings, sources)
    boards.greenhouse(token, _board([{**job, "title": "Senior Data Scientist"}]))
    report = pipeline.run_once(settings, sources)
    assert report.total("updated") == 1
    ((kind, changes),) = _rows(settings, "SELECT kind, changes FROM posting_version")
    changes = changes if isinstance(changes, dict) else json.loads(changes)
    assert kind == "changed"
    assert changes["title"] == {"from": "Data Scientist", "to": "Senior Data Scientist"}
    assert _rows(settings, "SELECT title FROM posting") == [("Senior Data Scientist",)]


def test_rebuild_re_derives_links_under_a_new_setting(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    token = "cities"
    jobs = [_greenhouse_job(701, "Senior Data Engineer", city="Chicago, IL"),
            _greenhouse_job(702, "Senior Data Engineer", city="Austin, TX")]  # fmt: skip
    url = boards.greenhouse(token, _board(jobs))
    sources = write_sources(
        tmp_path, [{"name": "gh", "kind": "greenhouse", "board": token, "url": url}]
    )
    pipeline.run_once(settings, sources)
    assert _rows(settings, "SELECT count(*) FROM posting WHERE canonical_id IS NULL") == [(2,)]
    merged = settings.model_copy(update={"dedupe_merge_locations": True})
    counts = pipeline.rebuild_dedupe(merged)
    assert (counts.postings, counts.duplicates) == (2, 1)
    assert _rows(settings, "SELECT count(*) FROM posting WHERE canonical_id IS NULL") == [(1,)]
    again = pipeline.rebuild_dedupe(settings)
    assert again.duplicates == 0
    assert _rows(settings, "SELECT count(*) FROM posting") == [(2,)], "links never delete rows"


def test_rebuild_re_derives_block_keys_and_signatures_stored_under_an_earlier_rule(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    boards.publish(
        "/v0/postings/northwind", json.dumps([_lever_job("c3d4", "Senior Data Engineer")]).encode()
    )
    jobs = [_greenhouse_job(801, "Senior Data Engineer")]
    sources = write_sources(
        tmp_path,
        [{"name": "gh", "kind": "greenhouse", "board": "northwind",
          "url": boards.greenhouse("northwind-rekey", _board(jobs))},
         {"name": "lever", "kind": "lever", "site": "northwind", "company": "Northwind Analytics",
          "url": boards.base_url + "/v0/postings/northwind?mode=json"}],
    )  # fmt: skip
    pipeline.run_once(settings, sources)
    current = _rows(settings, "SELECT block_key, signature FROM posting ORDER BY id")
    # As an earlier release stored them: one block per full employer name, and 64 unmarked hashes.
    with get_engine(settings.database_url.get_secret_value()).begin() as connection:
        connection.execute(
            text(
                "UPDATE posting SET canonical_id = NULL, block_key = 'northwind analytics|' "
                "|| CAST(id AS VARCHAR(20)), signature = :old"
            ),
            {"old": bytes(512)},
        )
    counts = pipeline.rebuild_dedupe(settings)
    assert (counts.rekeyed, counts.duplicates) == (2, 1)
    assert _rows(settings, "SELECT block_key, signature FROM posting ORDER BY id") == current
