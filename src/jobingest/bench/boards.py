"""The corpus as the boards serve it: Greenhouse, Lever and Ashby JSON, schema.org JobPosting
career pages of 8-15 KB, and RSS feeds, grouped into boards of up to `per_board` postings.

Originals sit on their employer's board (one board kind per employer, chosen by its name);
cross-posted copies sit on job-board aggregators: career-page sites and "Company: Role" feeds.
Every payload carries a path (unique across boards) and its kind's real origin, so the same
board can be landed as if fetched from the real API or served from a loopback server.
"""

from __future__ import annotations

import html
import json
import random
import re
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from jobingest.bench.corpus import LEGAL_FORMS
from jobingest.bench.prose import description_html
from jobingest.models import Posting

ORIGINS = {
    "greenhouse": "https://boards-api.greenhouse.io",
    "lever": "https://api.lever.co",
    "ashby": "https://api.ashbyhq.com",
    "jsonld": "https://careers.example.org",
    "rss": "https://feeds.example.org",
}
# Employers' own boards, by share of employers.
EMPLOYER_KINDS = (("greenhouse", 35), ("lever", 25), ("ashby", 20), ("jsonld", 20))
# Aggregators that carry copies: career-page sites, remote-job feeds.
AGGREGATOR_KINDS = {"remoteok": "rss", "remotive": "rss", "rss": "rss"}
PUBLISHED = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
_TAGS = re.compile(r"<[^>]+>")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class BoardPage:
    path: str  # path and query, unique across boards
    body: bytes
    content_type: str
    records: int


@dataclass
class Board:
    kind: str
    name: str  # the sources-file entry name, also the board token / site / feed
    company: str | None
    options: dict[str, Any] = field(default_factory=dict)
    postings: list[Posting] = field(default_factory=list)
    pages: list[BoardPage] = field(default_factory=list)

    @property
    def postings_count(self) -> int:
        return sum(page.records for page in self.pages)

    def entry(self, origin: str) -> dict[str, Any]:
        """Its sources-file entry, with every page under `origin`."""
        urls = [origin + page.path for page in self.pages]
        entry: dict[str, Any] = {"name": self.name, "kind": self.kind, "url": urls[0]}
        key = {"lever": "site"}.get(self.kind, "board")
        entry[key] = self.name
        if self.company:
            entry["company"] = self.company
        options = dict(self.options)
        if len(urls) > 1:
            options["pages"] = urls[1:]
        if options:
            entry["options"] = options
        return entry


def boards(postings: Iterable[tuple[Posting, int]], *, per_board: int = 50) -> Iterator[Board]:
    """Boards of rendered payloads, each yielded as soon as it is full (so memory stays bounded
    by the open boards, one per employer or aggregator)."""
    open_boards: dict[tuple[str, str], Board] = {}
    made: dict[str, int] = {}
    seen_clusters: set[int] = set()
    for posting, cluster in postings:
        copy = cluster in seen_clusters
        seen_clusters.add(cluster)
        kind, owner = _placement(posting, copy)
        board = open_boards.get((kind, owner))
        if board is None:
            made[owner] = made.get(owner, 0) + 1
            board = _new_board(kind, owner, made[owner], None if copy else posting.company)
            open_boards[(kind, owner)] = board
        board.postings.append(posting)
        if len(board.postings) >= per_board:
            yield render(open_boards.pop((kind, owner)))
    for board in open_boards.values():
        yield render(board)


def _placement(posting: Posting, copy: bool) -> tuple[str, str]:
    if copy:
        return AGGREGATOR_KINDS.get(posting.source, "jsonld"), posting.source
    employer = _employer(posting.company or "unknown")
    roll = zlib.crc32(employer.encode()) % 100
    for kind, share in EMPLOYER_KINDS:
        if roll < share:
            return kind, employer
        roll -= share
    return "jsonld", employer


def _employer(company: str) -> str:
    """The employer behind a company name, whichever legal form this posting wrote."""
    for form in LEGAL_FORMS:
        if form and company.endswith(f" {form}"):
            return company[: -len(form) - 1]
    return company


def _new_board(kind: str, owner: str, number: int, company: str | None) -> Board:
    name = f"{kind}-{_SLUG.sub('-', owner.lower()).strip('-')}-{number}"
    options = {"remote_board": True} if kind == "rss" else {}
    return Board(kind=kind, name=name, company=company, options=options)


def render(board: Board) -> Board:
    """Fill `board.pages` from its postings, in its kind's shape."""
    renderers = {
        "greenhouse": _greenhouse,
        "lever": _lever,
        "ashby": _ashby,
        "jsonld": _jsonld_pages,
        "rss": _rss,
    }
    board.pages = list(renderers[board.kind](board))
    board.postings = []
    return board


# shared fields ------------------------------------------------------------------------------------
def _posted(posting: Posting) -> datetime:
    return PUBLISHED - timedelta(
        days=int(posting.source_id) % 45, minutes=int(posting.source_id) % 600
    )


def _plain(markup: str | None) -> str | None:
    return html.unescape(_TAGS.sub(" ", markup)).strip() if markup else None


def _place(posting: Posting) -> tuple[str | None, str | None, str]:
    """City, ISO country and the place as the board wrote it."""
    first = posting.locations[0] if posting.locations else None
    if first is None:
        return None, None, "Remote"
    return first.city, first.country, first.raw or first.city or first.country or "Remote"


def _uuid(posting: Posting) -> str:
    return str(uuid.UUID(int=int(posting.source_id) * 7919 % (1 << 128)))


def _json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


# Greenhouse -----------------------------------------------------------------------------------
def _greenhouse(board: Board) -> Iterator[BoardPage]:
    jobs = [_greenhouse_job(board.name, posting) for posting in board.postings]
    yield BoardPage(
        f"/v1/boards/{board.name}/jobs?content=true&pay_transparency=true",
        _json({"jobs": jobs, "meta": {"total": len(jobs)}}),
        "application/json",
        len(jobs),
    )


def _greenhouse_job(token: str, posting: Posting) -> dict[str, Any]:
    job_id = int(posting.source_id)
    city, _, written = _place(posting)
    content = description_html(posting)
    job: dict[str, Any] = {
        "absolute_url": f"https://job-boards.greenhouse.io/{token}/jobs/{job_id}",
        "data_compliance": [{"type": "gdpr", "requires_consent": False,
                             "requires_processing_consent": False,
                             "requires_retention_consent": False, "retention_period": None,
                             "demographic_data_consent_applies": False}],
        "internal_job_id": job_id // 1000,
        "location": {"name": written},
        "metadata": [{"id": 4119021, "name": "Employment Type", "value": "Full-time",
                      "value_type": "single_select"}],
        "id": job_id,
        "updated_at": _posted(posting).isoformat(),
        "requisition_id": f"REQ-{job_id % 10000}",
        "title": posting.title,
        "company_name": posting.company,
        "first_published": _posted(posting).isoformat(),
        "language": "en",
        "content": html.escape(content) if content else None,
        "departments": [{"id": 80011, "name": posting.role, "child_ids": [], "parent_id": None}],
        "offices": [{"id": 61002, "name": city or written, "location": written,
                     "child_ids": [], "parent_id": None}],
    }  # fmt: skip
    if posting.salary is not None:
        job["pay_input_ranges"] = [
            {
                "min_cents": int((posting.salary.min or 0) * 100),
                "max_cents": int((posting.salary.max or 0) * 100),
                "currency_type": posting.salary.currency,
                "title": "Base salary range",
                "blurb": "<p>The base salary range for this full-time position is listed "
                "below. Individual pay within the range is based on job-related skills.</p>",
            }
        ]
    return job


# Lever ---------------------------------------------------------------------------------------
def _lever(board: Board) -> Iterator[BoardPage]:
    postings = [_lever_posting(board.name, posting) for posting in board.postings]
    yield BoardPage(
        f"/v0/postings/{board.name}?mode=json", _json(postings), "application/json", len(postings)
    )


def _lever_posting(site: str, posting: Posting) -> dict[str, Any]:
    posting_id = _uuid(posting)
    _, country, written = _place(posting)
    description = description_html(posting) or ""
    record: dict[str, Any] = {
        "additionalPlain": f"{posting.company} is an equal opportunity employer.",
        "additional": f"<div>{posting.company} is an equal opportunity employer.</div>",
        "categories": {"commitment": "Full-time", "department": posting.role,
                       "location": written, "team": posting.role, "allLocations": [written]},
        "createdAt": int(_posted(posting).timestamp() * 1000),
        "descriptionPlain": _plain(description) or "",
        "description": description,
        "id": posting_id,
        "lists": [],
        "text": posting.title,
        "country": country,
        "workplaceType": "hybrid",
        "hostedUrl": f"https://jobs.lever.co/{site}/{posting_id}",
        "applyUrl": f"https://jobs.lever.co/{site}/{posting_id}/apply",
    }  # fmt: skip
    if posting.salary is not None:
        record["salaryRange"] = {
            "currency": posting.salary.currency,
            "interval": "per-year-salary",
            "min": posting.salary.min,
            "max": posting.salary.max,
        }
    return record


# Ashby ---------------------------------------------------------------------------------------
def _ashby(board: Board) -> Iterator[BoardPage]:
    jobs = [_ashby_job(board.name, posting) for posting in board.postings]
    yield BoardPage(
        f"/posting-api/job-board/{board.name}?includeCompensation=true",
        _json({"apiVersion": "1", "jobs": jobs}),
        "application/json",
        len(jobs),
    )


def _ashby_job(name: str, posting: Posting) -> dict[str, Any]:
    job_id = _uuid(posting)
    city, country, written = _place(posting)
    description = description_html(posting)
    job: dict[str, Any] = {
        "id": job_id,
        "title": posting.title,
        "department": posting.role,
        "team": posting.role,
        "employmentType": "FullTime",
        "location": written,
        "secondaryLocations": [],
        "publishedAt": _posted(posting).isoformat(),
        "isListed": True,
        "isRemote": False,
        "workplaceType": "Hybrid",
        "address": {"postalAddress": {"addressLocality": city, "addressCountry": country}},
        "jobUrl": f"https://jobs.ashbyhq.com/{name}/{job_id}",
        "applyUrl": f"https://jobs.ashbyhq.com/{name}/{job_id}/application",
        "descriptionHtml": description,
        "descriptionPlain": _plain(description),
    }
    if posting.salary is not None:
        low, high = posting.salary.min or 0, posting.salary.max or 0
        summary = f"{low / 1000:.0f}K – {high / 1000:.0f}K {posting.salary.currency}"
        salary = {"compensationType": "Salary", "interval": "1 YEAR", "summary": summary,
                  "currencyCode": posting.salary.currency, "minValue": low, "maxValue": high}  # fmt: skip
        job["compensation"] = {
            "compensationTierSummary": summary,
            "scrapeableCompensationSalarySummary": summary,
            "compensationTiers": [{"id": "tier-1", "title": "Zone A", "components": [salary]}],
            "summaryComponents": [salary],
        }
    return job


# schema.org career pages ----------------------------------------------------------------------
def _jsonld_pages(board: Board) -> Iterator[BoardPage]:
    for posting in board.postings:
        path = f"/{board.name}/jobs/{posting.source_id}"
        yield BoardPage(path, _career_page(board.name, path, posting), "text/html", 1)


def _career_page(site: str, path: str, posting: Posting) -> bytes:
    rng = random.Random(int(posting.source_id))
    city, country, _ = _place(posting)
    description = description_html(posting)
    node: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": description,
        "identifier": {"@type": "PropertyValue", "name": posting.company,
                       "value": posting.source_id},
        "datePosted": _posted(posting).date().isoformat(),
        "validThrough": (_posted(posting) + timedelta(days=60)).isoformat(),
        "employmentType": "FULL_TIME",
        "hiringOrganization": {"@type": "Organization", "name": posting.company,
                               "sameAs": f"https://www.{site}.example"},
        "jobLocation": {"@type": "Place", "address": {
            "@type": "PostalAddress", "addressLocality": city, "addressCountry": country}},
        "url": ORIGINS["jsonld"] + path,
    }  # fmt: skip
    if posting.salary is not None:
        node["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": posting.salary.currency,
            "value": {"@type": "QuantitativeValue", "minValue": posting.salary.min,
                      "maxValue": posting.salary.max, "unitText": "YEAR"},
        }  # fmt: skip
    head = (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(posting.title)} – {html.escape(posting.company or site)} Careers"
        f'</title>\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{_STYLE}</style>\n"
        f'<script type="application/ld+json">\n{json.dumps(node, ensure_ascii=False, indent=2)}'
        f"\n</script>\n<script>{_ANALYTICS}</script>\n</head>\n"
    )
    body = (
        f'<body>\n<header><nav class="top">{_NAV}</nav></header>\n<main>\n'
        f"<h1>{html.escape(posting.title)}</h1>\n"
        f'<p class="meta">{html.escape(city or country or "Remote")} · Full-time</p>\n'
        f'<article class="job">{description or ""}</article>\n'
        f'<a class="apply" href="{path}/apply">Apply now</a>\n</main>\n'
    )
    page = head + body
    target = rng.randint(8_000, 15_000)
    links: list[str] = []
    while len(page.encode()) + sum(len(link) for link in links) + 60 < target:
        team = rng.choice(_FOOTER_TEAMS)
        links.append(
            f'<li><a href="/{site}/teams/{team.lower()}">{team} jobs in {rng.choice(_FOOTER_CITIES)}</a></li>\n'
        )
    footer = f'<footer>\n<ul class="links">\n{"".join(links)}</ul>\n<p>{_COOKIES}</p>\n</footer>\n</body>\n</html>\n'
    return (page + footer).encode()


_STYLE = " ".join(
    f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}rem;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
    for i in range(40)
)
_ANALYTICS = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-BENCH0000',{anonymize_ip:true});"
)
_NAV = "".join(
    f'<a href="/{item.lower()}">{item}</a>'
    for item in ("Home", "About", "Teams", "Locations", "Benefits", "Students", "Blog", "Jobs")
)
_FOOTER_TEAMS = (
    "Engineering",
    "Data",
    "Design",
    "Product",
    "Sales",
    "Marketing",
    "Finance",
    "People",
)
_FOOTER_CITIES = ("Berlin", "London", "New York", "Toronto", "Madrid", "Paris", "Dublin", "Austin")
_COOKIES = (
    "We use cookies to understand how visitors use this site and to improve it. Strictly "
    "necessary cookies are always on; analytics cookies only with your consent."
)


# RSS -----------------------------------------------------------------------------------------
def _rss(board: Board) -> Iterator[BoardPage]:
    items = "".join(_rss_item(board.name, posting) for posting in board.postings)
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{board.name} – latest remote jobs</title>\n"
        f"<link>{ORIGINS['rss']}/{board.name}/</link>\n"
        f"<description>Remote and hybrid jobs</description>\n{items}</channel>\n</rss>\n"
    )
    yield BoardPage(
        f"/{board.name}/jobs.rss", feed.encode(), "application/rss+xml", len(board.postings)
    )


def _rss_item(feed: str, posting: Posting) -> str:
    city, country, written = _place(posting)
    region = city or country or written  # a region list: one place, not a written address
    description = description_html(posting) or ""
    return (
        f"<item>\n<title>{html.escape(f'{posting.company}: {posting.title}')}</title>\n"
        f"<region>{html.escape(region)}</region>\n<type>Full-Time</type>\n"
        f"<link>{ORIGINS['rss']}/{feed}/job/{posting.source_id}</link>\n"
        f'<guid isPermaLink="false">{feed}-{posting.source_id}</guid>\n'
        f"<pubDate>{format_datetime(_posted(posting))}</pubDate>\n"
        f"<description>{html.escape(description)}</description>\n</item>\n"
    )
