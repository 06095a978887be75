"""Hostile XML: entity bombs and external entities are never expanded, read or fetched.

Feeds go through feedparser, which strips every entity declaration whose value is not plain
text (so no nesting) and turns off external general entities; Personio feeds and sitemaps go
through defusedxml, which refuses any entity declaration. The proof of "no file read" is a
canary file whose text must appear nowhere; of "no network", a loopback server whose log must
stay empty.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from jobingest.errors import ParseError
from jobingest.extract.text import html_to_text
from jobingest.sources.jsonld import sitemap_urls
from jobingest.sources.personio import Personio
from jobingest.sources.rss import Rss
from tests.fakeboards import FakeBoards

CANARY = "CANARY-7d3e51-secret"
DTD_PATH = "/external/evil.dtd"
ENTITY_PATH = "/external/entity.txt"
LAUGHS = "".join(
    [
        '<!ENTITY lol "lol">',
        *(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        ),
    ]
)  # &lol9; is 10^9 "lol"s, 3 GB


def hostile_declarations(canary: Path, boards: FakeBoards) -> dict[str, tuple[str, str]]:
    """Name -> (internal DTD subset, reference placed in the text)."""
    return {
        "billion-laughs": (LAUGHS, "&lol9;"),
        "quadratic-blowup": (f'<!ENTITY a "{"A" * 50_000}">', "&a;" * 5_000),
        "external-file": (f'<!ENTITY x SYSTEM "{canary.as_uri()}">', "&x;"),
        "external-http": (f'<!ENTITY x SYSTEM "{boards.base_url}{ENTITY_PATH}">', "&x;"),
        "external-dtd": (f'<!ENTITY % p SYSTEM "{boards.base_url}{DTD_PATH}"> %p;', "&x;"),
        "public-id": (f'<!ENTITY x PUBLIC "-//X//Y" "{canary.as_uri()}">', "&x;"),
    }


def rss_feed(subset: str, ref: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [{subset}]>
<rss version="2.0"><channel><title>Harbour jobs</title><link>https://jobs.harbour.example/</link>
<item><title>Deckhand {ref}</title><guid>job-1</guid><link>https://jobs.harbour.example/1</link>
<description>Rope work. {ref}</description></item></channel></rss>""".encode()


def atom_feed(subset: str, ref: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE feed [{subset}]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Saltmarsh careers</title>
<id>tag:saltmarsh.example,2026:jobs</id><updated>2026-11-03T10:00:00Z</updated>
<entry><id>tag:saltmarsh.example,2026:job-1</id><title>Firmware Engineer {ref}</title>
<updated>2026-11-03T10:00:00Z</updated><content type="text">Boats. {ref}</content></entry>
</feed>""".encode()


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "canary.txt"
    path.write_text(CANARY)
    return path


@pytest.fixture
def lure(boards: FakeBoards) -> FakeBoards:
    """External targets that exist, so a parser that did fetch them would succeed and log."""
    boards.publish(ENTITY_PATH, CANARY.encode(), "text/plain")
    boards.publish(DTD_PATH, f'<!ENTITY x "{CANARY}">'.encode(), "application/xml-dtd")
    return boards


@pytest.mark.parametrize("build", [rss_feed, atom_feed], ids=["rss", "atom"])
@pytest.mark.parametrize(
    "attack",
    [
        "billion-laughs",
        "quadratic-blowup",
        "external-file",
        "external-http",
        "external-dtd",
        "public-id",
    ],
)
def test_feeds_never_expand_or_fetch_entities(
    build: Callable[[str, str], bytes], attack: str, canary: Path, lure: FakeBoards
) -> None:
    subset, ref = hostile_declarations(canary, lure)[attack]
    tracemalloc.start()
    try:
        page = Rss().parse(build(subset, ref), url="https://jobs.harbour.example/feed")
        records = [str(r) for r in page.records]
    except ParseError:
        records = []
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    text = " ".join(records)
    assert CANARY not in text
    assert "lollollol" not in text and "A" * 100_000 not in text
    assert lure.seen(ENTITY_PATH) == [] and lure.seen(DTD_PATH) == []
    assert peak < 64 * 1024 * 1024, f"{peak} bytes traced parsing a {attack} feed"


def personio_feed(subset: str, ref: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE workzag-jobs [{subset}]>
<workzag-jobs><position><id>1</id><name>Lagerist {ref}</name></position></workzag-jobs>
""".encode()


def sitemap(subset: str, ref: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE urlset [{subset}]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://careers.example/jobs/{ref}</loc></url></urlset>""".encode()


@pytest.mark.parametrize(
    "attack", ["billion-laughs", "quadratic-blowup", "external-file", "external-http"]
)
def test_personio_and_sitemaps_refuse_entity_declarations(
    attack: str, canary: Path, lure: FakeBoards
) -> None:
    subset, ref = hostile_declarations(canary, lure)[attack]
    with pytest.raises(ParseError, match="unsafe XML"):
        Personio().parse(personio_feed(subset, ref), url="https://acme.jobs.personio.de/xml")
    with pytest.raises(ParseError, match="sitemap"):
        sitemap_urls(sitemap(subset, ref), base_url="https://careers.example/")
    assert lure.seen(ENTITY_PATH) == [] and lure.seen(DTD_PATH) == []


def test_description_html_with_a_doctype_does_not_resolve_entities(
    canary: Path, lure: FakeBoards
) -> None:
    """Descriptions are HTML parsed by lxml: entity declarations there are inert text too."""
    markup = (
        f'<!DOCTYPE html [<!ENTITY x SYSTEM "{canary.as_uri()}">'
        f'<!ENTITY y SYSTEM "{lure.base_url}{ENTITY_PATH}">]><p>Pay &x; &y;</p>'
    )
    text = html_to_text(markup)
    assert CANARY not in text and "Pay" in text
    assert lure.seen(ENTITY_PATH) == []
