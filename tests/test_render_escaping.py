"""Rendered pages never run what a board wrote: hostile titles, company names, URLs and error
messages go through a real run into the warehouse, then `compare` (HTML and Markdown) and the
dashboard are parsed the way a browser would read them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from lxml import html as lxml_html
from markdown_it import MarkdownIt

from jobingest import pipeline
from jobingest.content.commands import compare_command, dashboard_command
from jobingest.settings import Settings
from tests.conftest import write_sources
from tests.fakeboards import FakeBoards

NOW = datetime(2026, 11, 3, 6, 0, tzinfo=UTC)
TITLE = "<img src=x onerror=alert(1)> Data Engineer"
COMPANY = "Evil <script>alert(2)</script> & Co"
URL = "https://jobs.example.org/4800000001)<img src=x onerror=alert(3)>"
LEVER_ERROR = "<img src=x onerror=alert(5)> site is gone"


def live_tags(page: str) -> list[str]:
    """What a browser would execute or load: script-capable elements, event handlers, and
    links or sources that are not http(s)."""
    found = []
    for element in lxml_html.document_fromstring(page).iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "img", "iframe", "object", "embed", "base", "form"):
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{name}= on <{element.tag}>")
            if name in ("href", "src") and not value.startswith(("http://", "https://")):
                found.append(f"{name}={value!r}")
    return found


def _job(job_id: int, title: str, company: str, url: str) -> dict[str, object]:
    return {
        "id": job_id, "title": title, "company_name": company, "absolute_url": url,
        "location": {"name": "Chicago, IL"}, "first_published": "2026-10-28T10:00:00-04:00",
        "updated_at": "2026-10-28T10:00:00-04:00", "offices": [], "departments": [],
        "metadata": [{"id": 1, "name": "Employment Type", "value": "Full-time"}],
        "content": "&lt;p&gt;Build our &lt;strong&gt;pipelines&lt;/strong&gt;.&lt;/p&gt;",
        "pay_input_ranges": [{"min_cents": 15000000, "max_cents": 18000000,
                              "currency_type": "USD", "title": "Annual base salary"}],
    }  # fmt: skip


def _run(boards: FakeBoards, settings: Settings, tmp_path: Path) -> None:
    board = {
        "jobs": [
            _job(4800000001, TITLE, COMPANY, URL),
            _job(4800000002, "Data Engineer", "Plain Co", "javascript:alert(4)"),
        ],
        "meta": {"total": 2},
    }
    greenhouse = boards.greenhouse("hostile", json.dumps(board).encode())
    boards.publish("/v0/postings/gone", json.dumps({"ok": False, "error": LEVER_ERROR}).encode())
    sources = write_sources(
        tmp_path,
        [
            {"name": "hostile", "kind": "greenhouse", "board": "hostile", "url": greenhouse},
            {"name": "gone", "kind": "lever", "site": "gone",
             "url": f"{boards.base_url}/v0/postings/gone?mode=json"},
        ],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    assert {s.source_name: s.status for s in report.sources} == {"hostile": "ok", "gone": "failed"}


def _compare(settings: Settings, fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"compare.{fmt}"
    compare_command(
        settings, "Data Engineer", "Data Scientist", None, None, fmt, out, clock=lambda: NOW
    )
    return out.read_text(encoding="utf-8")


def test_compare_html_escapes_titles_companies_and_urls(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    _run(boards, settings, tmp_path)
    page = _compare(settings, "html", tmp_path)
    assert live_tags(page) == []
    # The featured job is there, as text a reader sees, not as markup.
    assert "&lt;img src=x onerror=alert(1)&gt; Data Engineer · Full Time" in page
    assert "Evil &lt;script&gt;alert(2)&lt;/script&gt; &amp; Co" in page
    assert 'href="https://jobs.example.org/4800000001)&lt;img src=x onerror=alert(3)&gt;"' in page
    assert "via greenhouse" in page  # the javascript: job is listed without a link


def test_compare_markdown_stays_text_when_rendered(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    _run(boards, settings, tmp_path)
    markdown = _compare(settings, "md", tmp_path)
    assert "&lt;img src=x onerror=alert(1)&gt; Data Engineer" in markdown
    # A renderer that passes inline HTML through (GitHub-like) still gets no live tag.
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)
    assert live_tags(f"<html><body>{rendered}</body></html>") == []
    assert (
        'href="https://jobs.example.org/4800000001%29%3Cimg%20src=x%20onerror=alert%283%29%3E"'
        in rendered
    )
    assert "Evil &lt;script&gt;alert(2)&lt;/script&gt; &amp; Co" in rendered


def test_dashboard_escapes_what_a_board_answered(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    _run(boards, settings, tmp_path)
    page = dashboard_command(settings, tmp_path / "site", clock=lambda: NOW).read_text("utf-8")
    assert live_tags(page) == []
    assert "&lt;img src=x onerror=alert(5)&gt; site is gone" in page  # the failed source's reason
    assert "Data Engineer" in page
