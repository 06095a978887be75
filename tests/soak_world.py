"""A seeded population of Greenhouse, Lever and Ashby boards, and the oracle of what each holds.

Shared by the soak test, the crash-recovery test and `tests/bench/bench_soak.py`. Payloads are
in each API's real shape (invented employers); Lever boards page by `skip`/`limit`. `churn`
changes the boards between nightly runs the way employers do: jobs closed, opened and edited.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakeboards import FakeBoards

KINDS = ("greenhouse", "lever", "ashby")
LEVER_PAGE = 10
Key = tuple[str, str, str]  # (source kind, board, source_id)

ROLES = (
    "Data Engineer", "Backend Engineer", "Frontend Engineer", "Data Scientist", "Product Manager",
    "Site Reliability Engineer", "Machine Learning Engineer", "Product Designer", "QA Engineer",
    "Security Engineer", "Account Executive", "Customer Success Manager", "Technical Writer",
    "Financial Analyst", "Recruiter", "Solutions Architect", "Engineering Manager",
)  # fmt: skip
LEVELS = ("", "Senior ", "Staff ", "Junior ", "Lead ")
TEAMS = ("Payments", "Search", "Growth", "Platform", "Risk", "Billing", "Identity", "Logistics")
CITIES = (
    ("New York", "New York", "USA", "New York, NY"),
    ("San Francisco", "California", "USA", "San Francisco, CA"),
    ("Austin", "Texas", "USA", "Austin, TX"),
    ("Toronto", "Ontario", "Canada", "Toronto, ON"),
    ("London", "England", "United Kingdom", "London, UK"),
    ("Berlin", "Berlin", "Germany", "Berlin, Germany"),
    ("Dublin", "Leinster", "Ireland", "Dublin, Ireland"),
)
WORDS = (
    "pipelines", "customers", "latency", "reliability", "warehouse", "experiments", "onboarding",
    "pricing", "contracts", "dashboards", "migrations", "forecasts", "incidents", "roadmap",
    "compliance", "checkout", "routing", "inventory", "support", "analytics", "mobile", "ledger",
)  # fmt: skip
EPOCH = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@dataclass
class Job:
    source_id: str
    title: str
    city: tuple[str, str, str, str]
    team: str
    published: datetime
    paragraphs: list[str]
    pay: tuple[int, int] | None


@dataclass
class Board:
    kind: str
    token: str
    company: str
    jobs: dict[str, Job] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.token}"


class World:
    """Boards and their jobs; every body ever published is remembered by its sha256."""

    def __init__(self, seed: int, boards: int, postings: int) -> None:
        self.rng = random.Random(seed)
        self._serial = 0
        self.boards: list[Board] = []
        for index in range(boards):
            kind = KINDS[index % len(KINDS)]
            company = f"{self.rng.choice(('Northwind', 'Kestrel', 'Harbor', 'Juniper'))} {index}"
            board = Board(kind, f"{company.split()[0].lower()}-{index}", company)
            for _ in range(postings):
                self._add_job(board)
            self.boards.append(board)
        self.published: dict[str, frozenset[Key]] = {}

    # the boards ------------------------------------------------------------------------------
    def _add_job(self, board: Board) -> None:
        self._serial += 1
        rng = self.rng
        if board.kind == "greenhouse":
            source_id = str(4_000_000_000 + self._serial)
        else:
            source_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        role = rng.choice(ROLES)
        title = f"{rng.choice(LEVELS)}{role}, {rng.choice(TEAMS)} ({self._serial})"
        paragraphs = [
            f"{board.company} is hiring a {role} to work on "
            + ", ".join(rng.sample(WORDS, 4))
            + f" and {rng.choice(WORDS)}.",
            "You will " + " and ".join(f"own our {w}" for w in rng.sample(WORDS, 3)) + ".",
        ]
        pay = None
        if rng.random() < 0.5:
            low = rng.randrange(80, 180) * 1000
            pay = (low, low + rng.randrange(10, 60) * 1000)
        board.jobs[source_id] = Job(
            source_id=source_id,
            title=title,
            city=rng.choice(CITIES),
            team=rng.choice(TEAMS),
            published=EPOCH + timedelta(hours=self._serial),
            paragraphs=paragraphs,
            pay=pay,
        )

    def churn(self, share: float = 0.3) -> None:
        """Between two nights: on some boards a job closes, one opens and one is edited."""
        for board in self.boards:
            if self.rng.random() >= share or not board.jobs:
                continue
            gone = self.rng.choice(sorted(board.jobs))
            del board.jobs[gone]
            self._add_job(board)
            edited = board.jobs[self.rng.choice(sorted(board.jobs))]
            edited.title = edited.title.replace("(", "(updated ", 1)
            edited.paragraphs = [*edited.paragraphs, "We now offer a four-day week."]

    def oracle(self) -> dict[str, set[Key]]:
        """What each board lists right now, by source name."""
        return {b.name: {(b.kind, b.token, job_id) for job_id in b.jobs} for b in self.boards}

    # serving ---------------------------------------------------------------------------------
    def publish(self, server: FakeBoards) -> list[dict[str, Any]]:
        """Serve every board as it is now; returns the sources.yaml entries."""
        return [self._publish_board(server, board) for board in self.boards]

    def _remember(self, body: bytes, board: Board, ids: list[str]) -> bytes:
        keys = frozenset((board.kind, board.token, job_id) for job_id in ids)
        self.published[hashlib.sha256(body).hexdigest()] = keys
        return body

    def _publish_board(self, server: FakeBoards, board: Board) -> dict[str, Any]:
        jobs = sorted(board.jobs.values(), key=lambda j: j.published)
        ids = [job.source_id for job in jobs]
        entry: dict[str, Any] = {"name": board.name, "kind": board.kind, "company": board.company}
        if board.kind == "greenhouse":
            path = f"/v1/boards/{board.token}/jobs"
            body = _dumps(
                {"jobs": [_greenhouse(board, j) for j in jobs], "meta": {"total": len(jobs)}}
            )
            server.publish(path, self._remember(body, board, ids))
            query = "content=true&pay_transparency=true"
            return {**entry, "board": board.token, "url": f"{server.base_url}{path}?{query}"}
        if board.kind == "ashby":
            path = f"/posting-api/job-board/{board.token}"
            body = _dumps({"apiVersion": "1", "jobs": [_ashby(board, j) for j in jobs]})
            server.publish(path, self._remember(body, board, ids))
            return {
                **entry,
                "board": board.token,
                "url": f"{server.base_url}{path}?includeCompensation=true",
            }
        path = f"/v0/postings/{board.token}"
        for skip in range(0, len(jobs) + 1, LEVER_PAGE):
            page = jobs[skip : skip + LEVER_PAGE]
            body = _dumps([_lever(board, j) for j in page])
            query = f"mode=json&skip={skip}&limit={LEVER_PAGE}"
            server.publish(
                path, self._remember(body, board, ids[skip : skip + LEVER_PAGE]), query=query
            )
        url = f"{server.base_url}{path}?mode=json&skip=0&limit={LEVER_PAGE}"
        return {**entry, "site": board.token, "url": url}


def _dumps(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def _html(job: Job) -> str:
    return "".join(f"<p>{p}</p>" for p in job.paragraphs)


def _greenhouse(board: Board, job: Job) -> dict[str, Any]:
    city, _, _, label = job.city
    record: dict[str, Any] = {
        "absolute_url": f"https://job-boards.greenhouse.io/{board.token}/jobs/{job.source_id}",
        "internal_job_id": int(job.source_id) - 1_000_000,
        "location": {"name": label},
        "metadata": [
            {"id": 4107732007, "name": "Employment Type", "value": "Full-time",
             "value_type": "single_select"},
        ],
        "id": int(job.source_id),
        "updated_at": job.published.isoformat(),
        "requisition_id": f"REQ-{job.source_id[-4:]}",
        "title": job.title,
        "company_name": board.company,
        "first_published": job.published.isoformat(),
        "language": "en",
        "content": _html(job).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "departments": [{"id": 1, "name": job.team, "child_ids": [], "parent_id": None}],
        "offices": [{"id": 2, "name": city, "location": label, "child_ids": [], "parent_id": None}],
    }  # fmt: skip
    if job.pay:
        record["pay_input_ranges"] = [
            {"min_cents": job.pay[0] * 100, "max_cents": job.pay[1] * 100,
             "currency_type": "USD", "title": "Base salary", "blurb": ""},
        ]  # fmt: skip
    return record


def _lever(board: Board, job: Job) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": job.source_id,
        "text": job.title,
        "categories": {"commitment": "Full-time", "department": job.team, "team": job.team,
                       "location": job.city[3], "allLocations": [job.city[3]]},
        "createdAt": int(job.published.timestamp() * 1000),
        "descriptionPlain": "\n\n".join(job.paragraphs),
        "description": _html(job),
        "lists": [],
        "additionalPlain": "",
        "additional": "",
        "hostedUrl": f"https://jobs.lever.co/{board.token}/{job.source_id}",
        "applyUrl": f"https://jobs.lever.co/{board.token}/{job.source_id}/apply",
        "workplaceType": "hybrid",
    }  # fmt: skip
    if job.pay:
        record["salaryRange"] = {
            "currency": "USD", "interval": "per-year-salary", "min": job.pay[0], "max": job.pay[1],
        }  # fmt: skip
    return record


def _ashby(board: Board, job: Job) -> dict[str, Any]:
    city, region, country, label = job.city
    record: dict[str, Any] = {
        "id": job.source_id,
        "title": job.title,
        "department": job.team,
        "team": job.team,
        "employmentType": "FullTime",
        "location": label,
        "secondaryLocations": [],
        "publishedAt": job.published.isoformat(),
        "isListed": True,
        "isRemote": False,
        "workplaceType": "OnSite",
        "address": {"postalAddress": {"addressLocality": city, "addressRegion": region,
                                      "addressCountry": country}},
        "jobUrl": f"https://jobs.ashbyhq.com/{board.token}/{job.source_id}",
        "applyUrl": f"https://jobs.ashbyhq.com/{board.token}/{job.source_id}/application",
        "descriptionHtml": _html(job),
        "descriptionPlain": "\n\n".join(job.paragraphs),
    }  # fmt: skip
    if job.pay:
        record["compensation"] = {
            "compensationTierSummary": f"${job.pay[0] // 1000}K – ${job.pay[1] // 1000}K",
            "summaryComponents": [
                {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "USD",
                 "minValue": job.pay[0], "maxValue": job.pay[1]},
            ],
        }  # fmt: skip
    return record
