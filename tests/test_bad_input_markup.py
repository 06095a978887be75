"""Bad markup and bad bytes, read without a crash, without losing text and without mojibake:
malformed and 100,000-deep HTML, JSON-LD as templates really write it, cp1252 labelled UTF-8
and byte-order marks that contradict the declared charset."""

from __future__ import annotations

import codecs
import json
from datetime import date
from typing import Any

import pytest

from jobingest.errors import ParseError
from jobingest.extract.text import html_to_text
from jobingest.models import PayPeriod, Posting, Workplace
from jobingest.parse import ParsedPayload, parse_payload
from jobingest.sources import REGISTRY, get_connector
from jobingest.sources.base import RecordContext
from jobingest.sources.encoding import decode_text
from tests.conftest import FIXTURES
from tests.test_bad_input_fields import BOARDS, _jobs

DEEP = 100_000
PAGE_URL = "https://careers.example/jobs/deep"
TITLE = "Café Manager – Zürich"  # é, – and ü are all different bytes in cp1252 and UTF-8
MOJIBAKE = ("\ufffd", "Ã", "â€")


def _ctx(kind: str = "jsonld") -> RecordContext:
    return RecordContext(source=kind, board="bad-input", fetched_on=date(2026, 11, 2))


def _page(body: bytes, url: str = PAGE_URL) -> ParsedPayload:
    return parse_payload(get_connector("jsonld"), body, url=url, ctx=_ctx())


def _ld_page(*scripts: str, head: str = "", body: str = "") -> bytes:
    tags = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    return f"<html><head>{head}{tags}</head><body>{body}</body></html>".encode()


def _one(parsed: ParsedPayload) -> Posting:
    assert parsed.rejected == []
    (posting,) = parsed.postings
    return posting


def _clean(text: str | None) -> bool:
    return text is not None and not any(bad in text for bad in MOJIBAKE)


# HTML ----------------------------------------------------------------------------------------
def test_100k_nested_divs_keep_their_text() -> None:
    closed = "<div>" * DEEP + "Deep text" + "</div>" * DEEP
    assert html_to_text(closed) == "Deep text"
    assert html_to_text("<div>" * DEEP + "Never closed") == "Never closed"


def test_text_past_the_parsers_depth_limit_is_not_lost() -> None:
    markup = "<p>Before</p>" + "<div>" * 300 + "<p>Inside</p>" + "</div>" * 300 + "<p>After</p>"
    assert html_to_text(markup) == "Before\n\nInside\n\nAfter"
    scripted = "<div>" * 300 + "Kept<script>var dropped = 1;</script><li>item</li>"
    assert html_to_text(scripted) == "Kept\n- item"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>a<b>b<i>c</p></b>d", "abc\nd"),
        ("<div><p>x</div></p><li>y", "x\n\n- y"),
        ("</div></div>z", "z"),
        ("<<<>>>", "<<<>>>"),
        ("<p>Salary &euro;50k &bogus; &#0; &#xD800;", None),
        ("<!-- never closed", None),
        ("<script>alert(1)", None),
        ("<table><tr><td>a<td>b</table></table></tr>c", None),
        ("\x00\x01<p>\x0bctrl</p>", "ctrl"),
        ("\x01<![<x", None),  # lxml refuses the control byte, html.parser the "<![" section
        ("a</body> <p>b<body>c", None),  # lxml.html's "too many bodies" assertion
        ("<![if !supportLists]>- <![endif]>Item", None),  # Word's conditional comments
    ],
)
def test_malformed_html_reads_without_error(markup: str, expected: str | None) -> None:
    text = html_to_text(markup)
    if expected is not None:
        assert text == expected
    assert text is None or ("<p" not in text and "script" not in text)


def test_a_json_ld_description_of_100k_nested_divs_keeps_its_text() -> None:
    description = "<div>" * DEEP + "Nested description" + "</div>" * DEEP
    node = {"@type": "JobPosting", "title": "Deep Analyst", "identifier": "D-1",
            "description": description}  # fmt: skip
    posting = _one(_page(_ld_page(json.dumps(node))))
    assert posting.description_text == "Nested description"


@pytest.mark.parametrize("closed", [True, False])
def test_a_json_ld_script_after_100k_nested_divs_is_found(closed: bool) -> None:
    body = "<div>" * DEEP + "page body" + ("</div>" * DEEP if closed else "")
    script = json.dumps(
        {"@type": "JobPosting", "title": "Late Script Analyst", "identifier": "D-2"}
    )
    page = f'<html><body>{body}<script type="application/ld+json">{script}</script></body></html>'
    posting = _one(_page(page.encode()))
    assert (posting.source_id, posting.title) == ("D-2", "Late Script Analyst")


def test_a_malformed_page_still_gives_its_posting() -> None:
    page = (
        b"<html><head><title>Jobs</head><body><div><p>Unclosed <b>bold <table><tr><td>"
        b'<script type="application/ld+json">{"@type": "JobPosting", "title": "Baker",'
        b' "identifier": "M-1"}</script></td></p></span></html></html><p>trailing'
    )
    assert _one(_page(page)).title == "Baker"


# JSON-LD as career sites write it --------------------------------------------------------------
def _node(**extra: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "JobPosting", "title": "Data Engineer",
            "identifier": "J-1", **extra}  # fmt: skip


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "JobPosting",\x0b "title": "Data\tEngineer", "identifier": "J-1"\x01}',
        '{"@type": "JobPosting", "title": "Data Engineer", "identifier": "J-1"}\n}',
        '{"@type": "JobPosting", "title": "Data Engineer", "identifier": "J-1"};',
        '// generated by the CMS\n{"@type": "JobPosting", "title": "Data Engineer",'
        ' "identifier": "J-1"}',
        '{"@type": "JobPosting", /* the role */ "title": "Data Engineer", "identifier": "J-1"}',
        '{"@type": "JobPosting", "title": "Data Engineer", // the role\n "identifier": "J-1"}',
        '<!--\n{"@type": "JobPosting", "title": "Data Engineer", "identifier": "J-1"}\n-->',
        '//<![CDATA[\n{"@type": "JobPosting", "title": "Data Engineer", "identifier": "J-1"}\n//]]>',
    ],
    ids=["control-chars", "trailing-brace", "trailing-semicolon", "line-comment-before",
         "block-comment", "line-comment-inside", "html-comment", "cdata"],
)  # fmt: skip
def test_broken_json_ld_scripts_are_read(script: str) -> None:
    posting = _one(_page(_ld_page(script)))
    assert posting.source_id == "J-1"
    assert posting.title == "Data Engineer"


def test_graph_arrays_and_type_lists() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "@id": "#org", "name": "Kestrel Labs"},
        {**_node(identifier="G-1"), "@type": ["JobPosting", "Thing"],
         "hiringOrganization": {"@id": "#org"}},
    ]}  # fmt: skip
    array = [_node(identifier="A-1"), {"@type": "WebPage"}, _node(identifier="A-2")]
    typed = _node(identifier="T-1", **{"@type": ["http://schema.org/JobPosting"]})
    parsed = _page(_ld_page(json.dumps(graph), json.dumps(array), json.dumps(typed)))
    assert parsed.rejected == []
    assert [p.source_id for p in parsed.postings] == ["G-1", "A-1", "A-2", "T-1"]
    assert parsed.postings[0].company == "Kestrel Labs"


@pytest.mark.parametrize(
    ("base", "currency", "expected"),
    [
        (85000, "USD", (85000, PayPeriod.year)),  # a bare Number; magnitude says a year
        ("85000", "USD", (85000, PayPeriod.year)),
        (42.5, "USD", (42.5, PayPeriod.hour)),
        (64000, None, (64000, None)),  # no currency: kept, not converted, no period guessed
    ],
)
def test_base_salary_as_a_bare_number(
    base: object, currency: str | None, expected: tuple[float, PayPeriod | None]
) -> None:
    extra: dict[str, Any] = {"baseSalary": base}
    if currency:
        extra["salaryCurrency"] = currency
    salary = _one(_page(_ld_page(json.dumps(_node(**extra))))).salary
    assert salary is not None
    assert (salary.min, salary.period) == expected
    assert salary.currency == currency


def test_json_ld_with_null_and_numeric_fields() -> None:
    scripts = [
        json.dumps(_node(identifier="N-1", title=None, name=None)),
        json.dumps(_node(identifier="N-2", title=404)),
        json.dumps(_node(identifier="N-3", description=None, jobLocation=None, baseSalary=None,
                         hiringOrganization=7, datePosted=12, employmentType=[None, 3])),
        json.dumps(_node(identifier="N-4", description=12345, title=["", "QA Lead"])),
    ]  # fmt: skip
    parsed = _page(_ld_page(*scripts))
    assert [p.source_id for p in parsed.postings] == ["N-3", "N-4"]
    assert {r.source_id for r in parsed.rejected} == {None}
    reasons = sorted(r.reason for r in parsed.rejected)
    assert len(reasons) == 2 and all("title" in r for r in reasons)
    assert parsed.postings[1].title == "QA Lead"
    assert parsed.postings[1].description_text == "12345"


# Charsets ----------------------------------------------------------------------------------------
def test_decode_text_prefers_the_bom_then_utf8_then_cp1252_byte_by_byte() -> None:
    assert decode_text(TITLE.encode("cp1252")) == TITLE
    assert decode_text(TITLE.encode("utf-8")) == TITLE
    assert decode_text(codecs.BOM_UTF8 + TITLE.encode()) == TITLE
    assert decode_text(codecs.BOM_UTF16_LE + TITLE.encode("utf-16-le")) == TITLE
    assert decode_text(codecs.BOM_UTF16_BE + TITLE.encode("utf-16-be")) == TITLE
    assert decode_text(codecs.BOM_UTF32_LE + TITLE.encode("utf-32-le")) == TITLE
    mixed = "Zürich".encode() + " Café".encode("cp1252")  # one stray cp1252 word in UTF-8
    assert decode_text(mixed) == "Zürich Café"
    assert decode_text(bytes(range(256)))  # every byte decodes to something


def _json_board(kind: str, encoding: str, bom: bytes = b"") -> bytes:
    name, key, title_key, _ = BOARDS[kind]
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8-sig"))
    _jobs(document, key)[0][title_key] = TITLE
    if encoding == "cp1252":  # the rest of the fixture may hold characters cp1252 lacks
        text = json.dumps(document).replace(json.dumps(TITLE), f'"{TITLE}"')
        return bom + text.encode(encoding)
    return bom + json.dumps(document, ensure_ascii=False).encode(encoding)


@pytest.mark.parametrize("kind", sorted(BOARDS))
@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("cp1252", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)],
    ids=["cp1252-labelled-utf8", "utf8-bom", "utf16-bom"],
)
def test_json_boards_read_any_charset_without_mojibake(
    kind: str, encoding: str, bom: bytes
) -> None:
    parsed = parse_payload(
        get_connector(kind), _json_board(kind, encoding, bom), url="file:///board.json",
        ctx=_ctx(kind),
    )  # fmt: skip
    titles = [p.title for p in parsed.postings]
    assert TITLE in titles
    assert all(_clean(title) for title in titles)


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ('<meta charset="utf-8">', "cp1252"),  # labelled UTF-8, written cp1252
        ('<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">', "cp1252"),
        ('<meta charset="iso-8859-1">', "utf-8-bom"),  # the BOM contradicts the label
        ('<meta charset="windows-1252">', "utf-16-bom"),
        ('<meta charset="windows-1252">', "cp1252"),  # honest label
        ("", "cp1252"),  # no label at all
    ],
)
def test_career_pages_read_any_charset_without_mojibake(body: str, what: str) -> None:
    node = json.dumps(_node(title=TITLE, description=f"<p>{TITLE}: café crème</p>"),
                      ensure_ascii=False)  # fmt: skip
    page = f'<html><head>{body}<script type="application/ld+json">{node}</script></head></html>'
    encoded = {
        "cp1252": page.encode("cp1252"),
        "utf-8-bom": codecs.BOM_UTF8 + page.encode("utf-8"),
        "utf-16-bom": codecs.BOM_UTF16_LE + page.encode("utf-16-le"),
    }[what]
    posting = _one(_page(encoded))
    assert posting.title == TITLE
    assert posting.description_text == f"{TITLE}: café crème"


# An HTML error page where JSON belongs ----------------------------------------------------------
ERROR_PAGE = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
JSON_KINDS = sorted(k for k in REGISTRY if k in BOARDS)


@pytest.mark.parametrize("kind", JSON_KINDS)
def test_every_json_connector_refuses_an_html_page_with_a_reason(kind: str) -> None:
    with pytest.raises(ParseError, match="HTML"):
        get_connector(kind).parse(ERROR_PAGE, url="https://boards.example/api")


def test_a_remote_only_json_ld_page_is_remote() -> None:
    node = _node(jobLocationType="TELECOMMUTE",
                 applicantLocationRequirements={"@type": "Country", "name": "USA"})  # fmt: skip
    posting = _one(_page(_ld_page(json.dumps(node))))
    assert posting.workplace is Workplace.remote
    assert [p.country for p in posting.locations] == ["US"]


@pytest.mark.parametrize("kind", sorted(REGISTRY))
@pytest.mark.parametrize("payload", [b"[" * DEEP, b'{"jobs": ' * DEEP, b"[" * DEEP + b"\n{}"])
def test_json_nested_100k_deep_is_a_parse_error_not_a_crash(kind: str, payload: bytes) -> None:
    connector = get_connector(kind)
    try:
        page = connector.parse(payload, url="https://boards.example/api")
    except ParseError:
        return
    assert all(isinstance(record, dict) for record in page.records)
