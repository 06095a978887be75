"""Career pages that carry schema.org `JobPosting` markup (JSON-LD or microdata), and the
sitemaps that list them.

An entry names a page or a sitemap by `url` (or pages by `options.pages`). What a payload is, is
read from its content, not from the entry: a `<urlset>` or `<sitemapindex>` (gzip-compressed or
not) is a sitemap, and its URLs go to `Page.follow` (a sitemap index's children always, a
urlset's pages filtered by `url_pattern` when a caller passes one); anything else is an HTML
page whose `JobPosting`s become records. A sitemap read from disk (`file://`) follows nothing,
so replaying a saved payload never reaches the network.

Pages are fetched by the pipeline, which honours robots.txt for this kind
(`respects_robots = True`); this module does no I/O.

Mapping: `identifier` is the source id; a posting without one is keyed `<page URL>#<n>`, n its
position among the page's postings (stable while the page keeps its order). `validThrough`,
`experienceRequirements` has no contract field yet; it stays in the raw payload.
When a page has JobPostings in JSON-LD, microdata copies of them are ignored (sites often carry
both for the same job).
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from jobingest.errors import ConfigError, ParseError, RecordError
from jobingest.extract.employment import employment_type_from_label
from jobingest.extract.industry import stated_industry
from jobingest.extract.location import (
    country_code,
    parse_location,
    region_code,
    workplace_from_text,
)
from jobingest.extract.salary import period_from_text
from jobingest.extract.sanitize import markup_or_none
from jobingest.extract.text import html_to_text, unescape_entities
from jobingest.models import (
    EmploymentType,
    Location,
    PayPeriod,
    Posting,
    Salary,
    SourceConfig,
    Workplace,
)
from jobingest.sources.base import Page, Record, RecordContext, text_or_none
from jobingest.sources.encoding import bom_encoding, decode_text
from jobingest.sources.fields import board_band, currency_code

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
_FIRST_TAG = re.compile(rb"<(?![?!/])([A-Za-z_][\w.:-]*)")
_SITEMAP_ROOTS = {"urlset": "url", "sitemapindex": "sitemap"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# A JSON-LD script's type, matched as the XPath `starts-with(normalize-space(translate(@type,
# 'APLICTONSJD', 'aplictonsjd')), 'application/ld+json')` matched it (only these letters fold,
# leading XML spaces do not count), in Python: no XPath compiled per page.
_LD_TYPE = "application/ld+json"
_LD_TYPE_FOLD = str.maketrans("APLICTONSJD", "aplictonsjd")
_XPATH_SPACE = " \t\r\n"
_LD_SCRIPT_TEXT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?\s*application/ld\+json[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
# Raw control characters are not JSON whitespace; outside strings they break the document.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
_EMPLOYMENT = {
    "FULL_TIME": EmploymentType.full_time,
    "PART_TIME": EmploymentType.part_time,
    "CONTRACTOR": EmploymentType.contract,
    "CONTRACT": EmploymentType.contract,
    "TEMPORARY": EmploymentType.temporary,
    "INTERN": EmploymentType.internship,
    "INTERNSHIP": EmploymentType.internship,
}
# VOLUNTEER, PER_DIEM and OTHER name no contract type: they map to None.
_UNMAPPED_EMPLOYMENT = frozenset({"VOLUNTEER", "PER_DIEM", "OTHER"})
_UNITS = {
    "HOUR": PayPeriod.hour,
    "DAY": PayPeriod.day,
    "WEEK": PayPeriod.week,
    "MONTH": PayPeriod.month,
    "YEAR": PayPeriod.year,
}
_MAX_DEPTH = 12


class JsonLd:
    kind: ClassVar[str] = "jsonld"
    # A list of pages or a sitemap may be partial: absence is not closing.
    complete_snapshot: ClassVar[bool] = False
    description: ClassVar[str] = (
        "Career pages with schema.org JobPosting (JSON-LD, microdata), by page or sitemap URL"
    )
    respects_robots: ClassVar[bool] = True

    def board_of(self, entry: SourceConfig) -> str:
        if entry.board:
            return entry.board
        host = urlsplit(start_urls(entry)[0]).hostname
        return host or entry.name

    def start_url(self, entry: SourceConfig) -> str:
        return start_urls(entry)[0]

    def parse(self, payload: bytes, *, url: str) -> Page:
        return parse_page(payload, url=url)

    def to_posting(self, record: Record, ctx: RecordContext) -> Posting:
        node = record.get("posting")
        page_url = str(record.get("page_url") or "")
        if not isinstance(node, Mapping):
            raise RecordError("jsonld record without a `posting` object")
        source_id = _identifier(node.get("identifier")) or f"{page_url}#{record.get('position')}"
        title = _text(node.get("title")) or _text(node.get("name"))
        if title is None:
            raise RecordError(f"JobPosting {source_id} without a title")
        posted_at = _datetime(node.get("datePosted"))
        places = _places(node.get("jobLocation"))
        for place in _applicant_places(node.get("applicantLocationRequirements")):
            if place not in places:
                places.append(place)
        return Posting(
            source=ctx.source,
            board=ctx.board,
            source_id=source_id,
            url=_absolute(_text(node.get("url")), page_url) or _http(page_url),
            company=_organisation(node.get("hiringOrganization")) or ctx.company,
            title=title,
            employment_type=employment_type(node.get("employmentType")),
            workplace=_workplace(node, places, title),
            locations=places,
            salary=_salary(node, ctx, posted_at),
            industry=stated_industry(node.get("industry")),
            posted_at=posted_at,
            description_text=_description(node.get("description")),
            description_html=_description_html(node.get("description")),
        )


def start_urls(entry: SourceConfig) -> list[str]:
    """Every URL an entry starts from: `url`, then `options.pages` in order.

    The pipeline starts from one URL (`start_url`); seeding its queue with all of these is what
    makes a multi-page entry crawl every page.
    """
    pages = entry.options.get("pages", [])
    if not isinstance(pages, list) or not all(
        isinstance(p, str) and p.startswith(("http://", "https://", "file://")) for p in pages
    ):
        raise ConfigError(f"source {entry.name!r}: options.pages must be a list of page URLs")
    urls = list(dict.fromkeys([entry.url, *pages] if entry.url else pages))
    if not urls:
        raise ConfigError(
            f"source {entry.name!r}: jsonld needs `url` (a page or a sitemap) or options.pages"
        )
    return urls


# payloads ------------------------------------------------------------------------------------
def parse_page(payload: bytes, *, url: str, url_pattern: str | None = None) -> Page:
    """A sitemap's URLs to follow, or a page's JobPostings as records."""
    if not payload.strip():
        raise ParseError("jsonld: empty body")
    body = gunzip(payload) if payload.startswith(_GZIP_MAGIC) else payload
    if bom_encoding(body) not in (None, "utf-8"):  # UTF-16/32: tags are not ASCII bytes
        body = codecs.BOM_UTF8 + decode_text(body).encode("utf-8")  # the BOM still decides
    root = _root_name(body)
    if root in _SITEMAP_ROOTS:
        urls = sitemap_urls(body, base_url=url, url_pattern=url_pattern)
        followable = urlsplit(url).scheme in ("http", "https")
        return Page(records=[], follow=urls if followable else [])
    if body.lstrip()[:1] in (b"{", b"["):
        raise ParseError("jsonld: got JSON where an HTML page or a sitemap was expected")
    if root is None:
        raise ParseError(f"jsonld: not an HTML page or a sitemap ({body[:60]!r})")
    postings = job_postings(body, url=url)
    return Page(
        records=[
            {"page_url": url, "position": position, "posting": posting}
            for position, posting in enumerate(postings)
        ]
    )


def gunzip(payload: bytes, *, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """Decompress a gzip body, refusing to grow past `limit` (a gzip bomb stops there)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(payload, limit + 1)
    except zlib.error as exc:
        raise ParseError(f"jsonld: invalid gzip data: {exc}") from exc
    if len(out) > limit:
        raise ParseError(f"jsonld: gzip body larger than {limit // (1024 * 1024)} MiB")
    if not inflater.eof:
        raise ParseError("jsonld: truncated gzip data")
    return out


def _root_name(body: bytes) -> str | None:
    match = _FIRST_TAG.search(body[:65536])
    return match.group(1).decode("ascii").rsplit(":", 1)[-1].lower() if match else None


def sitemap_urls(body: bytes, *, base_url: str, url_pattern: str | None = None) -> list[str]:
    """The `<loc>`s of a urlset or sitemap index, parsed with defusedxml (no entity expansion,
    no external resources). `url_pattern` (a regex) filters a urlset's pages, never the child
    sitemaps of an index, which must all be read to reach their pages."""
    from xml.etree.ElementTree import ParseError as XmlParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(body)
    except (XmlParseError, DefusedXmlException, ValueError) as exc:
        raise ParseError(f"jsonld: invalid sitemap XML: {exc}") from exc
    kind = _local(root.tag)
    child = _SITEMAP_ROOTS.get(kind)
    if child is None:
        raise ParseError(f"jsonld: <{kind}> is not a sitemap")
    pattern = re.compile(url_pattern) if url_pattern and kind == "urlset" else None
    urls: list[str] = []
    for entry in root:
        if _local(entry.tag) != child:
            continue
        loc = next((e.text for e in entry if _local(e.tag) == "loc" and e.text), None)
        target = _absolute(loc.strip() if loc else None, base_url)
        if target and (pattern is None or pattern.search(target)) and target not in urls:
            urls.append(target)
    return urls


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


# extraction ----------------------------------------------------------------------------------
def job_postings(body: bytes, *, url: str) -> list[dict[str, Any]]:
    """Every JobPosting of a page: JSON-LD (anywhere in a document: `@graph`, arrays, nested
    under `mainEntity` or an ItemList), else microdata. `@id` references inside a posting are
    replaced by the nodes they name."""
    from extruct import extract
    from lxml import html as lxml_html

    text = _html_text(body)
    parser = lxml_html.HTMLParser(encoding="utf-8")
    try:
        tree = lxml_html.fromstring(text.encode("utf-8"), parser=parser)
    except Exception as exc:  # lxml: "Document is empty" and the like
        raise ParseError(f"jsonld: cannot read the page as HTML: {exc}") from exc
    scripts = _ld_scripts(tree)
    too_deep = any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log)
    if too_deep or (not scripts and "ld+json" in text.lower()):
        # libxml2 stops reading at 256 levels of nesting and drops the rest of the page, and an
        # unclosed <title> or <textarea> swallows it; the scripts are still there in the text.
        documents = [item for found in _LD_SCRIPT_TEXT.finditer(text) for item in _items(found[1])]
    else:
        documents = [item for script in scripts for item in _script_items(script)]
    found = list(_find(documents))
    if not found:
        microdata = extract(
            tree, base_url=url, syntaxes=["microdata"], errors="ignore", uniform=True
        ).get("microdata", [])
        return list(_find(microdata))
    ids = _id_index(documents)
    return [_embed(posting, ids, depth=0) for posting in found]


def _ld_scripts(tree: Any) -> list[Any]:
    """The JSON-LD script elements in document order, under every top-level element: libxml2
    puts what follows `</html>` in a second root beside the first."""
    top = tree.getroottree().getroot()
    roots = [*reversed(list(top.itersiblings(preceding=True))), top, *top.itersiblings()]
    found = []
    for root in roots:
        if not isinstance(root.tag, str):
            continue  # a comment or processing instruction beside the root
        for script in root.iter("script"):
            kind = script.get("type")
            if kind is not None and (
                kind.translate(_LD_TYPE_FOLD).lstrip(_XPATH_SPACE).startswith(_LD_TYPE)
            ):
                found.append(script)
    return found


def _html_text(body: bytes) -> str:
    """The page as text: a BOM, then a <meta charset> that is not UTF-8 (pages labelled UTF-8
    are often cp1252), then UTF-8 with cp1252 for the bytes that are not UTF-8."""
    declared = _META_CHARSET.search(body[:4096])
    if declared and bom_encoding(body) is None:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            codec = "utf-8"
        if codec not in ("utf-8", "utf-16", "utf-32"):  # a UTF-16 label on ASCII bytes is wrong
            return body.decode(codec, errors="replace")
    return decode_text(body)


def _script_items(script: Any) -> list[Any]:
    """One JSON-LD script's items: extruct's reading first; when extruct gives up on it (which
    would otherwise lose every script of the page), a lenient reading of our own."""
    from extruct.jsonld import JsonLdExtractor

    try:
        items = list(JsonLdExtractor().extract_items(script))
    except Exception:
        items = []
    if items:
        return items
    # extruct gave up, or skipped a type it does not match exactly ("application/ld+json;
    # charset=utf-8").
    return _items(str(script.xpath("string()")))


def _items(script_text: str) -> list[Any]:
    data = lenient_json(script_text)
    if isinstance(data, list):
        return [item for item in data if item]
    return [data] if data else []


def lenient_json(text: str) -> Any:
    """JSON as career sites really write it: HTML-comment or CDATA wrappers, raw control
    characters, and trailing garbage after the document (a stray `}` or `;`). None when even
    that does not read."""
    cleaned = _CONTROL.sub(" ", _WRAPPERS.sub("", text.strip()))
    try:
        return json.loads(cleaned, strict=False)
    except ValueError:
        pass
    starts = [i for i in (cleaned.find("{"), cleaned.find("[")) if i >= 0]
    if not starts:
        return None
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(cleaned, min(starts))
    except ValueError:
        return None
    return value


def _find(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _find(item, depth + 1)
    elif isinstance(data, dict):
        if _is_job_posting(data):
            yield data
            return
        for key, value in data.items():
            if key != "@context":
                yield from _find(value, depth + 1)


def _is_job_posting(node: Mapping[str, Any]) -> bool:
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(
        isinstance(n, str) and re.split(r"[/:#]", n.strip())[-1] == "JobPosting" for n in names
    )


def _id_index(data: Any) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}

    def walk(value: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(value, list):
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, dict):
            key = value.get("@id")
            if isinstance(key, str) and set(value) - {"@id", "@type"}:
                index.setdefault(key, value)
            for item in value.values():
                walk(item, depth + 1)

    walk(data, 0)
    return index


def _embed(value: Any, ids: Mapping[str, dict[str, Any]], depth: int) -> Any:
    """`{"@id": "#org"}` replaced by the node the page defines under that id (a few levels
    deep, enough for organisation → address; cycles stop at the depth limit)."""
    if depth > 4:
        return value
    if isinstance(value, list):
        return [_embed(item, ids, depth + 1) for item in value]
    if isinstance(value, dict):
        key = value.get("@id")
        if isinstance(key, str) and not set(value) - {"@id", "@type"} and key in ids:
            value = ids[key]
        return {k: _embed(v, ids, depth + 1) for k, v in value.items()}
    return value


# mapping -------------------------------------------------------------------------------------
def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if text_or_none(v)), None)
    text = text_or_none(value)
    if text is None:
        return None
    return " ".join(unescape_entities(text).split()) or None


def _first(value: object) -> object:
    return next(iter(value), None) if isinstance(value, list) else value


def _identifier(value: object) -> str | None:
    """`identifier` as text, PropertyValue {value} or a list of them (the first with a value)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, Mapping):
            item = item.get("value", item.get("@value"))
        text = text_or_none(item)
        if text:
            return text
    return None


def _organisation(value: object) -> str | None:
    value = _first(value)
    if isinstance(value, Mapping):
        return _text(value.get("name")) or _text(value.get("legalName"))
    return _text(value)


def _http(url: str) -> str | None:
    return url if url.startswith(("http://", "https://")) else None


def _absolute(link: str | None, base: str) -> str | None:
    if not link:
        return None
    joined = urljoin(base, link) if base.startswith(("http://", "https://")) else link
    return joined if joined.startswith(("http://", "https://")) else None


def _datetime(value: object) -> datetime | None:
    """datePosted: a date (midnight UTC) or a datetime (no offset read as UTC)."""
    text = _text(value)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _description(value: object) -> str | None:
    markup = _description_markup(value)
    return html_to_text(markup) if markup is not None else None


def _description_html(value: object) -> str | None:
    return markup_or_none(_description_markup(value))


def _description_markup(value: object) -> str | None:
    text = text_or_none(_first(value))
    # Some sites entity-escape the HTML itself ("&lt;p&gt;"); undo that before reading tags.
    if text is not None and "<" not in text and "&lt;" in text:
        text = unescape_entities(text)
    return text


def employment_type(value: object) -> EmploymentType | None:
    """employmentType as one value or a list. Several types are one type only when the others
    are the full-time they qualify (["FULL_TIME", "INTERN"] is an internship)."""
    found: list[EmploymentType] = []
    for item in value if isinstance(value, list) else [value]:
        text = text_or_none(item)
        if text is None:
            continue
        key = text.upper().replace("-", "_").replace(" ", "_")
        kind = _EMPLOYMENT.get(key)
        if kind is None and key not in _UNMAPPED_EMPLOYMENT:
            kind = employment_type_from_label(text)
        if kind is not None and kind not in found:
            found.append(kind)
    if len(found) == 1:
        return found[0]
    others = [kind for kind in found if kind is not EmploymentType.full_time]
    if len(found) == 2 and len(others) == 1 and others[0] is not EmploymentType.part_time:
        return others[0]
    return None


def _places(value: object) -> list[Location]:
    places: list[Location] = []
    for item in value if isinstance(value, list) else [value]:
        for place in _place(item):
            if place not in places:
                places.append(place)
    return places


def _place(item: object) -> list[Location]:
    if isinstance(item, str):
        return parse_location(item).places
    if not isinstance(item, Mapping):
        return []
    address = _first(item.get("address"))
    if isinstance(address, str):
        return parse_location(address).places
    if isinstance(address, Mapping):
        found = _postal_address(address)
        if found is not None:
            return [found]
    name = _text(item.get("name"))
    return parse_location(name).places if name else []


def _postal_address(address: Mapping[str, Any]) -> Location | None:
    city = _text(address.get("addressLocality"))
    region = _text(address.get("addressRegion"))
    country_value = _first(address.get("addressCountry"))
    if isinstance(country_value, Mapping):
        country_value = country_value.get("name") or country_value.get("identifier")
    country_text = _text(country_value)
    country = country_code(country_text) if country_text else None
    if country is None and region:
        country = region_code(region)
    parts = [p for p in (city, region, country_text) if p]
    if not parts:
        return None
    return Location(city=city, region=region, country=country, raw=", ".join(parts))


def _applicant_places(value: object) -> list[Location]:
    """applicantLocationRequirements: Country / State / AdministrativeArea, by name."""
    places: list[Location] = []
    for item in value if isinstance(value, list) else [value]:
        kind = str(item.get("@type", "")) if isinstance(item, Mapping) else ""
        name = _text(item.get("name") if isinstance(item, Mapping) else item)
        if name is None:
            continue
        if kind.endswith("State"):
            country = region_code(name)
            place = Location(region=name, country=country, raw=name)
        elif country_code(name):
            place = Location(country=country_code(name), raw=name)
        else:  # an AdministrativeArea named like a state or province ("California")
            country = region_code(name)
            place = Location(region=name if country else None, country=country, raw=name)
        if place not in places:
            places.append(place)
    return places


def _workplace(node: Mapping[str, Any], places: list[Location], title: str) -> Workplace | None:
    types = node.get("jobLocationType")
    names = types if isinstance(types, list) else [types]
    if any(isinstance(n, str) and n.strip().upper() == "TELECOMMUTE" for n in names):
        return Workplace.remote
    for place in places:
        found = workplace_from_text(place.raw)
        if found is not None:
            return found
    return workplace_from_text(title)


def _salary(
    node: Mapping[str, Any], ctx: RecordContext, posted_at: datetime | None
) -> Salary | None:
    """baseSalary: a bare Number, or MonetaryAmount {currency, value: QuantitativeValue
    {value | minValue/maxValue, unitText}} (min/max and unitText may also sit on the
    MonetaryAmount itself). JobPosting.salaryCurrency covers a band without a currency."""
    base = _first(node.get("baseSalary"))
    if base is None:
        return None
    currency = _currency(node.get("salaryCurrency"))
    unit: object = None
    if isinstance(base, Mapping):
        currency = _currency(base.get("currency")) or currency
        value = _first(base.get("value"))
        holder: Mapping[str, Any] = value if isinstance(value, Mapping) else base
        single = _amount(value if not isinstance(value, Mapping) else value.get("value"))
        low = _amount(holder.get("minValue")) or single
        high = _amount(holder.get("maxValue")) or single
        unit = holder.get("unitText") or base.get("unitText")
    else:
        low = high = _amount(base)
    return board_band(
        low,
        high,
        currency=currency,
        period=_period(unit),
        raw=json.dumps(base, ensure_ascii=False, default=str)[:500],
        ctx=ctx,
        posted_at=posted_at,
    )


def _amount(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def _currency(value: object) -> str | None:
    return currency_code(_text(value))


def _period(unit: object) -> PayPeriod | None:
    text = _text(unit)
    if text is None:
        return None
    return _UNITS.get(text.upper()) or period_from_text(text)
