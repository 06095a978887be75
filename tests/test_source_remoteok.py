"""RemoteOK API payloads (written in the API's documented shape) to postings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from jobingest import pipeline
from jobingest.errors import ParseError, RecordError
from jobingest.models import Posting, SourceConfig, Workplace
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES
from tests.fakeboards import FakeBoards

REMOTEOK = get_connector("remoteok")
API_JSON = (FIXTURES / "remoteok" / "api.json").read_bytes()
URL = "https://remoteok.com/api"


def _ctx() -> RecordContext:
    return RecordContext(source="remoteok", board="remoteok", fetched_on=date(2026, 11, 9))


def _mapped(payload: bytes = API_JSON) -> dict[str, Posting]:
    """The connector's own mapping (before any text enrichment), by source id."""
    postings: dict[str, Posting] = {}
    for record in REMOTEOK.parse(payload, url=URL).records:
        try:
            posting = REMOTEOK.to_posting(record, _ctx())
        except (RecordError, ValueError):
            continue
        postings[posting.source_id] = posting
    return postings


def test_legal_notice_is_skipped_and_jobs_keep_payload_order() -> None:
    page = REMOTEOK.parse(API_JSON, url=URL)
    jobs = json.loads(API_JSON)[1:]
    assert len(page.records) == len(jobs) == 10
    assert all("legal" not in record for record in page.records)
    assert page.follow == []
    parsed = parse_payload(REMOTEOK, API_JSON, url=URL, ctx=_ctx())
    assert [p.source_id for p in parsed.postings] == [
        j["id"] for j in jobs if j.get("id") and j.get("position")
    ]


def test_a_board_with_only_the_legal_notice_has_no_records_and_no_rejects() -> None:
    parsed = parse_payload(
        REMOTEOK, (FIXTURES / "remoteok" / "legal_only.json").read_bytes(), url=URL, ctx=_ctx()
    )
    assert (parsed.records, parsed.postings, parsed.rejected) == (0, [], [])


def test_placeholder_and_id_less_jobs_are_rejected_with_reasons() -> None:
    parsed = parse_payload(REMOTEOK, API_JSON, url=URL, ctx=_ctx())
    reasons = {r.source_id: r.reason for r in parsed.rejected}
    assert set(reasons) == {"1204466", "remote-orphan-listing"}
    assert "position" in reasons["1204466"]
    assert "`id`" in reasons["remote-orphan-listing"]


def test_core_fields_map_from_the_job_object() -> None:
    posting = _mapped()["1204511"]
    assert posting.title == "Senior Backend Engineer (Go)"
    assert posting.company == "Tidewater Labs"
    assert posting.url == (
        "https://remoteOK.com/remote-jobs/remote-senior-backend-engineer-go-tidewater-labs-1204511"
    )
    assert posting.posted_at == datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
    assert posting.workplace is Workplace.remote
    description = posting.description_text or ""
    assert "Own the forecast API written in Go" in description
    assert "<p>" not in description and "<li>" not in description


def test_every_posting_is_remote_because_the_board_is_remote_only() -> None:
    assert {p.workplace for p in _mapped().values()} == {Workplace.remote}


def test_epoch_is_the_posted_date_when_date_is_missing() -> None:
    assert _mapped()["1204475"].posted_at == datetime.fromtimestamp(1793851200, UTC)


def test_salary_keeps_the_numbers_but_invents_no_currency_or_period() -> None:
    postings = _mapped()
    band = postings["1204511"].salary
    assert band is not None
    assert (band.min, band.max) == (150_000, 185_000)
    assert band.currency is None and band.period is None
    assert band.annual_min_usd is None and band.annual_max_usd is None
    hourly_looking = postings["1204503"].salary
    assert hourly_looking is not None
    assert (hourly_looking.min, hourly_looking.max, hourly_looking.period) == (35, 35, None)


def test_zero_means_not_stated_and_a_reversed_band_is_put_in_order() -> None:
    postings = _mapped()
    assert postings["1204507"].salary is None
    only_min = postings["1204475"].salary
    assert only_min is not None and (only_min.min, only_min.max) == (60_000, None)
    reversed_band = postings["1204490"].salary
    assert reversed_band is not None
    assert (reversed_band.min, reversed_band.max) == (95_000, 120_000)


def test_free_text_locations_become_places() -> None:
    postings = _mapped()
    assert [p.country for p in postings["1204511"].locations] == ["US"]
    assert [(p.city, p.country) for p in postings["1204498"].locations] == [("London", "GB")]
    assert [p.country for p in postings["1204475"].locations] == ["CA"]
    assert [(p.city, p.region) for p in postings["1204470"].locations] == [
        ("San Francisco", "CA"),
        ("New York", "NY"),
    ]
    assert postings["1204507"].locations == []


def test_double_encoded_text_and_entities_are_repaired() -> None:
    posting = _mapped()["1204482"]
    assert posting.locations[0].raw == "Gdańsk, Poland"
    assert posting.locations[0].country == "PL"
    assert "We don\u2019t need another dashboard builder." in (posting.description_text or "")
    assert _mapped()["1204498"].company == "Fennel & Finch"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<!DOCTYPE html><html><body>Cloudflare: checking your browser</body></html>", "HTML"),
        (b'[{"legal": "x"}, {"id": ', "invalid JSON"),
        (b'{"error": "rate limited"}', "JSON array"),
        (b"", "empty body"),
    ],
)
def test_a_payload_that_is_not_the_api_raises_a_parse_error(body: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        REMOTEOK.parse(body, url=URL)


def test_the_board_is_remoteok_and_needs_no_identifier() -> None:
    entry = SourceConfig(name="remote-ok", kind="remoteok")
    assert REMOTEOK.board_of(entry) == "remoteok"
    assert REMOTEOK.start_url(entry) == "https://remoteok.com/api"


def test_over_the_socket_the_postings_land_in_the_warehouse(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    url = boards.publish("/api", API_JSON)
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"sources": [{"name": "rok", "kind": "remoteok", "url": url}]}))
    report = pipeline.run_once(settings, sources)
    (source,) = report.sources
    assert source.status == "ok"
    assert (source.parsed, source.new, source.quarantined) == (8, 8, 2)
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT ps.source_id, p.workplace, p.salary_min, p.salary_currency "
                "FROM posting p JOIN posting_source ps ON ps.posting_id = p.id "
                "WHERE ps.source = 'remoteok' AND ps.board = 'remoteok'"
            )
        ).all()
    by_id = {row[0]: row for row in rows}
    assert len(by_id) == 8
    assert {row[1] for row in rows} == {"remote"}
    assert by_id["1204511"][2:] == (150_000, None)
