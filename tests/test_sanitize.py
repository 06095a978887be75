"""Stored descriptions are safe HTML: an allow-list (nh3), idempotent, enforced by the contract,
and what a real run over the socket stores for hostile Greenhouse, Lever and JSON-LD boards."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from sqlalchemy import text

from jobingest import pipeline
from jobingest.dedupe import content_hash, fingerprint
from jobingest.extract.sanitize import html_sections, markup_or_none, sanitize_html
from jobingest.models import Posting
from jobingest.parse import parse_payload
from jobingest.settings import Settings
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext
from jobingest.warehouse.db import get_engine
from tests.conftest import FIXTURES, write_sources
from tests.fakeboards import FakeBoards

ALLOWED_TAGS = {
    "p", "br", "hr", "div", "span", "ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i",
    "u", "s", "sub", "sup", "small", "h2", "h3", "h4", "h5", "h6", "a", "blockquote", "code",
    "pre", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "rel"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}

# Every trick of the issue in one description, around formatting a reader should keep.
HOSTILE = """<h2>About the role</h2>
<p>You will <strong>own</strong> our <em>routing</em> engine.<script>alert('s')</script></p>
<ul><li>Go or Kotlin</li><li>PostgreSQL</li></ul>
<p><a href="https://careers.example.org/apply" onclick="steal()">Apply here</a></p>
<p><a href="javascript:alert(1)">js link</a> <a href="jav&#x09;ascript:alert(2)">tab link</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==">data link</a>
<a href=" JaVaScRiPt:alert(4)">case link</a> <a href="/relative/apply">relative link</a></p>
<img src="x" onerror="alert(5)"><svg onload="alert(6)"><circle r="1"/></svg>
<math><mtext><table><mglyph><style><img src=x onerror=alert(7)></style></mglyph></table></mtext></math>
<base href="https://evil.example/"><iframe src="https://evil.example/"></iframe>
<style>body{background:url(javascript:alert(8))}</style>
<p style="background:url(javascript:alert(9))" onmouseover="alert(10)">Benefits</p>
<form action="https://evil.example/"><input name="q"><button formaction="javascript:alert(11)">Go</button></form>
<object data="data:text/html,x"></object><embed src="javascript:alert(12)"><!-- <script>alert(13)</script> -->
<table><tr><th>Level</th><td>Senior</td></tr></table>
<blockquote>We ship weekly.</blockquote><pre><code>make run</code></pre>"""
BENIGN = (
    "<h2>About the role</h2>",
    "<strong>own</strong>",
    "<em>routing</em>",
    "<li>Go or Kotlin</li>",
    '<a href="https://careers.example.org/apply" rel="nofollow noopener">Apply here</a>',
    "<p>Benefits</p>",
    "<th>Level</th>",
    "<blockquote>We ship weekly.</blockquote>",
    "<pre><code>make run</code></pre>",
)
GONE = (
    "<script", "<svg", "<math", "<base", "<iframe", "<style", "<img", "<form", "<input",
    "<object", "<embed", "javascript", "data:", "onerror", "onload", "onclick", "onmouseover",
    "alert", "style=", "/relative/", "<!--",
)  # fmt: skip


def live_markup(fragment: str) -> list[str]:
    """Everything in stored markup that is outside the allow-list, as a browser-like parse
    reads it: tags, attributes, link schemes, comments."""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    problems = []
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            problems.append(f"comment or instruction {element!r}")
            continue
        if element.tag not in ALLOWED_TAGS:
            problems.append(f"tag <{element.tag}>")
        for name, value in element.attrib.items():
            if name not in ALLOWED_ATTRIBUTES.get(element.tag, set()):
                problems.append(f"attribute {name}= on <{element.tag}>")
            if name == "href" and not value.lower().startswith(("http://", "https://", "mailto:")):
                problems.append(f"href {value!r}")
    return problems


def _assert_safe_and_formatted(stored: str | None) -> None:
    assert stored is not None
    assert live_markup(stored) == []
    lowered = stored.lower()
    assert [needle for needle in GONE if needle in lowered] == []
    assert [piece for piece in BENIGN if piece not in stored] == []


# the sanitiser --------------------------------------------------------------------------------


def test_every_trick_is_removed_and_the_formatting_kept() -> None:
    _assert_safe_and_formatted(sanitize_html(HOSTILE))


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (None, None),
        ("", None),
        ("<script>alert(1)</script><style>p{}</style>", None),
        ("<p> </p><br>", None),
        ("a < b & c", "a &lt; b &amp; c"),
        ('<a href="mailto:jobs@example.org">Mail us</a>',
         '<a href="mailto:jobs@example.org" rel="nofollow noopener">Mail us</a>'),
        ('<a href="https://example.org" rel="opener" target="_blank">x</a>',
         '<a href="https://example.org" rel="nofollow noopener">x</a>'),
        ("<h1>Title</h1><p>Body</p>", "Title<p>Body</p>"),
        ("<p>a\x00b\x1fc&#x1f;d</p>", "<p>abcd</p>"),  # PostgreSQL refuses NUL
        ("<p>lone \ud800 surrogate</p>", "<p>lone \ufffd surrogate</p>"),
    ],
)  # fmt: skip
def test_small_cases(markup: str | None, expected: str | None) -> None:
    assert sanitize_html(markup) == expected


@pytest.mark.parametrize(
    "markup",
    [
        "<p><button><div>x</div></button></p>",  # a stripped wrapper would re-nest the div
        "<p>a<font><div>x</div></font></p>",
        "<pre>\n\n\nindented</pre>",  # the parser eats one newline after <pre> per pass
        "<p>x<table><p>y</table>",
        "<a href='https://a.example'><a href='https://b.example'>x</a></a>",
    ],
)
def test_markup_a_browser_renests_is_a_fixed_point(markup: str) -> None:
    once = sanitize_html(markup)
    assert sanitize_html(once) == once


_TAG_NAMES = sorted(
    {*ALLOWED_TAGS, "h1", "font", "button", "marquee", "object", "applet", "svg", "math",
     "script", "style", "template", "textarea", "select", "option", "form", "input", "img",
     "iframe", "base", "noscript", "plaintext", "xmp", "title", "caption", "frameset", "mtext"}
)  # fmt: skip
_ATTRIBUTE = st.sampled_from(
    [
        ' href="https://jobs.example.org/a?b=1&amp;c=2"', ' href="javascript:alert(1)"',
        ' href="jav&#x09;ascript:alert(1)"', ' href="data:text/html,x"', " href=/relative",
        " onclick=alert(1)", ' style="color:red"', ' class="x"', " rel=opener", " colspan=2",
        " src=x onerror=alert(1)",
    ]
)  # fmt: skip
_TOKEN = st.one_of(
    st.builds(
        lambda t, a: f"<{t}{a}>", st.sampled_from(_TAG_NAMES), st.one_of(st.just(""), _ATTRIBUTE)
    ),
    st.builds(lambda t: f"</{t}>", st.sampled_from(_TAG_NAMES)),
    st.sampled_from(["\n", " ", "&amp;", "&lt;b&gt;", "&#60;script&#62;", "<!-- c -->", "<", ">"]),
    st.text(max_size=8),
    st.characters(categories=["Cs", "Cc"]),
)
HTML_FRAGMENTS = st.lists(_TOKEN, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(HTML_FRAGMENTS, st.text()))
def test_sanitising_is_idempotent(markup: str) -> None:
    once = sanitize_html(markup)
    assert sanitize_html(once) == once


@settings(max_examples=400, deadline=None)
@given(HTML_FRAGMENTS)
def test_nothing_outside_the_allow_list_survives(markup: str) -> None:
    cleaned = sanitize_html(markup)
    if cleaned is not None:
        assert live_markup(cleaned) == []
        assert "<script" not in cleaned.lower()


def test_absurd_nesting_keeps_no_formatting_instead_of_stalling_the_parser() -> None:
    """100,000 nested divs (the issue's bad-input case) would take the parser minutes; real
    descriptions nest a few levels, and 256 still pass."""
    assert sanitize_html("<div>" * 100_000 + "deep" + "</div>" * 100_000) is None
    assert sanitize_html("<b>" * 300 + "unclosed") is None
    assert sanitize_html("<div></span>" * 100_000 + "stray end tags close nothing") is None
    kept = sanitize_html("<div>" * 256 + "deep" + "</div>" * 256)
    assert kept is not None and kept.count("<div>") == 256
    many_items = sanitize_html("<ul>" + "<li>item" * 5000 + "</ul>")  # siblings, not nesting
    assert many_items is not None and many_items.count("<li>") == 5000


def test_sections_escape_their_plain_headings() -> None:
    joined = html_sections([(None, "<p>Body</p>"), ("Pay & <perks>", "<ul><li>30 days</li></ul>")])
    assert joined == "<p>Body</p>\n<h3>Pay &amp; &lt;perks&gt;</h3>\n<ul><li>30 days</li></ul>"
    assert html_sections([(None, " "), (None, None)]) is None


def test_only_markup_counts_as_html() -> None:
    assert markup_or_none("<p>Hi</p>") == "<p>Hi</p>"
    assert markup_or_none("Tom & Jerry <3, a < b") is None
    assert markup_or_none(None) is None


# the contract ---------------------------------------------------------------------------------


def _posting(**fields: Any) -> Posting:
    return Posting(source="greenhouse", board="b", source_id="1", title="Data Engineer", **fields)


def test_a_posting_cannot_hold_unsanitised_markup() -> None:
    posting = _posting(description_html=HOSTILE)
    _assert_safe_and_formatted(posting.description_html)
    again = Posting.model_validate_json(posting.model_dump_json())
    assert again.description_html == posting.description_html  # read back: unchanged


def test_formatting_is_not_identity_or_content() -> None:
    """Adding the HTML changes neither the fingerprint nor the content hash, so no stored posting
    looks changed because of it and nothing is deduplicated differently."""
    plain = _posting(company="Acme", description_text="Build pipelines.")
    formatted = plain.model_copy(update={"description_html": "<p>Build <b>pipelines</b>.</p>"})
    assert content_hash(formatted) == content_hash(plain)
    assert fingerprint(formatted) == fingerprint(plain)


# every connector that has HTML passes it through -----------------------------------------------

_HTML_FIXTURES = [
    ("greenhouse", Path("examples/payloads/greenhouse_lumen-health.json"),
     "https://boards-api.greenhouse.io/v1/boards/lumen/jobs"),
    ("lever", FIXTURES / "lever" / "kestrel-freight_skip0_limit4.json",
     "https://api.lever.co/v0/postings/kestrel-freight?mode=json"),
    ("ashby", FIXTURES / "ashby" / "harborlight.json", "https://api.ashbyhq.com/posting-api/job-board/x"),
    ("workable", FIXTURES / "workable" / "lumos-learning.json", "https://apply.workable.com/api/v1/widget/accounts/x"),
    ("recruitee", FIXTURES / "recruitee" / "vandermolen.json", "https://x.recruitee.com/api/offers/"),
    ("personio", FIXTURES / "personio" / "alpenglow.xml", "https://x.jobs.personio.de/xml"),
    ("remotive", FIXTURES / "remotive" / "remote-jobs.json", "https://remotive.com/api/remote-jobs"),
    ("remoteok", FIXTURES / "remoteok" / "api.json", "https://remoteok.com/api"),
    ("arbeitnow", FIXTURES / "arbeitnow" / "page1.json", "https://www.arbeitnow.com/api/job-board-api"),
    ("rss", FIXTURES / "rss" / "wwr_remote-programming-jobs.rss",
     "https://weworkremotely.com/categories/remote-programming-jobs.rss"),
    ("jsonl", FIXTURES / "jsonl" / "jobs.jsonl", "file:///data/jobs.jsonl"),
    ("jsonld", FIXTURES / "jsonld" / "kestrel_senior_data_engineer.html",
     "https://careers.kestrel-logistics.example/jobs/kl-2041-senior-data-engineer"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "path", "url"), _HTML_FIXTURES, ids=[k for k, _, _ in _HTML_FIXTURES]
)
def test_connectors_keep_their_boards_formatting(kind: str, path: Path, url: str) -> None:
    root = Path(__file__).resolve().parents[1]
    payload = (path if path.is_absolute() else root / path).read_bytes()
    ctx = RecordContext(source=kind, board="b", fetched_on=date(2026, 11, 2), company="Co")
    postings = parse_payload(get_connector(kind), payload, url=url, ctx=ctx).postings
    formatted = [p for p in postings if p.description_html]
    assert formatted, f"{kind}: no posting kept its HTML description"
    for posting in formatted:
        assert live_markup(posting.description_html or "") == []
        assert "<" in (posting.description_html or "")
        assert posting.description_text  # the text is still there for search and dedupe


# over the socket ------------------------------------------------------------------------------


def _greenhouse_board(content: str, updated_at: str = "2026-11-01T09:00:00-04:00") -> bytes:
    job = {
        "id": 4700000001, "title": "Senior Backend Engineer", "company_name": "Tidewater Labs",
        "absolute_url": "https://job-boards.greenhouse.io/tidewater/jobs/4700000001",
        "location": {"name": "Chicago, IL"}, "first_published": "2026-10-20T10:00:00-04:00",
        "updated_at": updated_at, "metadata": [], "offices": [], "departments": [],
        "content": content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&quot;"),
    }  # fmt: skip
    return json.dumps({"jobs": [job], "meta": {"total": 1}}).encode()


def _lever_site() -> bytes:
    posting = {
        "id": "5ac21346-8e0c-4494-8e7a-3eb92ff77902", "text": "Platform Engineer",
        "categories": {"commitment": "Full-time", "location": "Denver, CO"},
        "createdAt": 1761900000000, "hostedUrl": "https://jobs.lever.co/tidewater/5ac21346",
        "description": HOSTILE, "descriptionPlain": "You will own our routing engine.",
        "lists": [{"text": "What you'll <bring>",
                   "content": "<li>Go</li><li onclick=alert(14)>Kafka<script>alert(15)</script></li>"}],
        "additional": "<p>Equal opportunity employer.</p><img src=x onerror=alert(16)>",
    }  # fmt: skip
    return json.dumps([posting]).encode()


def _jsonld_page() -> bytes:
    node = {
        "@context": "https://schema.org/", "@type": "JobPosting", "title": "Data Engineer",
        "identifier": {"@type": "PropertyValue", "value": "TW-77"}, "description": HOSTILE,
        "datePosted": "2026-10-21", "hiringOrganization": {"@type": "Organization", "name": "Tidewater Labs"},
        "jobLocation": {"@type": "Place", "address": {"addressLocality": "Austin", "addressCountry": "US"}},
    }  # fmt: skip
    # Sites escape "</" inside a script element, or the description would end it.
    data = json.dumps(node).replace("</", "<\\/")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Data Engineer</title>'
        f'<script type="application/ld+json">{data}</script></head>'
        "<body><h1>Data Engineer</h1></body></html>"
    ).encode()


def _stored(settings: Settings) -> dict[str, tuple[str | None, str | None]]:
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = connection.execute(
            text("SELECT source, description_html, description_text FROM posting")
        ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def _versions(settings: Settings) -> list[tuple[str, Any]]:
    with get_engine(settings.database_url.get_secret_value()).connect() as connection:
        rows = connection.execute(
            text("SELECT kind, changes FROM posting_version WHERE kind = 'changed' ORDER BY id")
        ).all()
    return [(row[0], json.loads(row[1]) if isinstance(row[1], str) else row[1]) for row in rows]


def test_hostile_descriptions_are_stored_clean_and_do_not_churn(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    greenhouse = boards.greenhouse("tidewater", _greenhouse_board(HOSTILE))
    boards.publish("/v0/postings/tidewater", _lever_site())
    page = boards.publish("/jobs/tw-77-data-engineer", _jsonld_page(), "text/html; charset=utf-8")
    sources = write_sources(
        tmp_path,
        [
            {"name": "gh", "kind": "greenhouse", "board": "tidewater", "url": greenhouse},
            {"name": "lv", "kind": "lever", "site": "tidewater",
             "url": f"{boards.base_url}/v0/postings/tidewater?mode=json"},
            {"name": "ld", "kind": "jsonld", "url": page},
        ],
    )  # fmt: skip

    first = pipeline.run_once(settings, sources)

    assert first.status == "completed", first
    assert first.total("new") == 3
    stored = _stored(settings)
    for source in ("greenhouse", "lever", "jsonld"):
        _assert_safe_and_formatted(stored[source][0])
    lever_html = stored["lever"][0] or ""
    assert "<h3>What you'll &lt;bring&gt;</h3>\n<ul><li>Go</li><li>Kafka</li></ul>" in lever_html
    assert "<p>Equal opportunity employer.</p>" in lever_html

    # Bytes differ (so every record is parsed and hashed again), content does not: unchanged.
    boards.greenhouse("tidewater", _greenhouse_board(HOSTILE, "2026-11-02T09:00:00-04:00"))
    second = pipeline.run_once(settings, sources)
    assert (second.total("new"), second.total("updated"), second.total("unchanged")) == (0, 0, 3)
    assert _versions(settings) == []

    # New text: one update, one version naming the description, the HTML rewritten with it.
    edited = HOSTILE.replace("We ship weekly.", "We ship daily, <i>carefully</i>.")
    boards.greenhouse("tidewater", _greenhouse_board(edited))
    third = pipeline.run_once(settings, sources)
    assert third.total("updated") == 1 and third.total("unchanged") == 2
    ((_, changes),) = _versions(settings)
    assert set(changes) == {"description_text"}
    assert "We ship daily, <i>carefully</i>." in (_stored(settings)["greenhouse"][0] or "")

    fourth = pipeline.run_once(settings, sources)
    assert fourth.total("updated") == 0 and len(_versions(settings)) == 1
