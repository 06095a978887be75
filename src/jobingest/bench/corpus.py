"""The seeded synthetic job market every benchmark draws from.

Shaped like what the boards give: employers with Zipf-distributed posting counts, canonical
roles, ATS and job-board sources, cities written several ways, bands on some postings,
descriptions of 150-330 words drawn from a Zipf vocabulary with an employer boilerplate paragraph
shared by all of that employer's jobs. About 20% of the postings are cross-posted copies of
another posting (the known duplicate structure): a copy may vary the title the way boards do,
write the employer's legal form differently, drop the pay, show no description, name only the
country, and edit the description so it keeps 70-95% of the original's 5-word shingles.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from jobingest.models import Location, PayPeriod, Posting, Salary, SalaryOrigin

SEED = 20260511
ROLES = (
    "Data Engineer", "Backend Engineer", "Frontend Engineer", "Data Scientist", "Data Analyst",
    "Product Manager", "Site Reliability Engineer", "Machine Learning Engineer", "Product Designer",
    "Security Engineer", "Account Executive", "Customer Success Manager", "QA Engineer",
    "Full Stack Engineer", "DevOps Engineer", "Analytics Engineer", "Engineering Manager",
    "Mobile Engineer", "Technical Writer", "Solutions Architect", "Recruiter", "Financial Analyst",
    "Marketing Manager", "Sales Development Representative", "Registered Nurse",
)  # fmt: skip
LEVELS = ("", "", "", "Senior ", "Senior ", "Junior ", "Staff ", "Lead ")
TEAMS = ("Payments", "Search", "Growth", "Platform", "Risk", "Billing", "Identity", "Logistics")
# (city, country, ways boards write it)
CITIES = (
    ("New York", "US", ("New York, NY", "New York, New York, United States")),
    ("San Francisco", "US", ("San Francisco, CA", "San Francisco, California, United States")),
    ("Austin", "US", ("Austin, TX", "Austin, Texas, United States")),
    ("Chicago", "US", ("Chicago, IL", "Chicago, Illinois, United States")),
    ("Boston", "US", ("Boston, MA", "Boston, Massachusetts, United States")),
    ("Toronto", "CA", ("Toronto, ON", "Toronto, Ontario, Canada")),
    ("London", "GB", ("London, UK", "London, England, United Kingdom")),
    ("Berlin", "DE", ("Berlin", "Berlin, Berlin, Germany")),
    ("Hamburg", "DE", ("Hamburg", "Hamburg, Germany")),
    ("Amsterdam", "NL", ("Amsterdam", "Amsterdam, North Holland, Netherlands")),
    ("Paris", "FR", ("Paris", "Paris, Île-de-France, France")),
    ("Madrid", "ES", ("Madrid", "Madrid, Community of Madrid, Spain")),
    ("Dublin", "IE", ("Dublin, Ireland", "Dublin, County Dublin, Ireland")),
    ("Warsaw", "PL", ("Warsaw, Poland", "Warsaw, Mazowieckie, Poland")),
)
CURRENCY = {"US": "USD", "CA": "CAD", "GB": "GBP", "PL": "PLN"}
LEGAL_FORMS = ("Inc.", "GmbH", "Ltd", "LLC", "B.V.", "SAS", "")
ATS = ("greenhouse", "lever", "ashby", "workable", "smartrecruiters", "personio", "recruitee")
BOARDS = ("linkedin", "indeed", "remoteok", "remotive", "rss", "jsonld")
FUNCTION_WORDS = [
    "the",
    "and",
    "to",
    "of",
    "a",
    "in",
    "you",
    "we",
    "our",
    "for",
    "with",
    "will",
    "on",
    "your",
    "is",
    "are",
    "as",
    "be",
    "team",
    "that",
    "work",
    "this",
    "from",
    "an",
    "or",
    "at",
    "by",
    "it",
    "us",
    "have",
    "can",
    "who",
    "new",
    "help",
    "build",
    "all",
    "more",
    "about",
    "their",
    "what",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ta",
    "ren",
    "dor",
    "vel",
    "sa",
    "qui",
    "ber",
    "nox",
    "tal",
    "pre",
    "sto",
    "mar",
    "lin",
    "tek",
    "dat",
    "ops",
    "fin",
    "ser",
    "var",
    "pro",
    "gra",
    "con",
    "ver",
    "sys",
    "ana",
    "lyt",
    "plat",
    "form",
    "cus",
    "tom",
    "ship",
    "net",
    "cod",
    "rel",
    "ia",
    "bil",
    "ity",
]
COPY_COUNTS = (0,) * 80 + (1,) * 15 + (2,) * 4 + (3,)  # mean 0.26 copies per job: ~20% copies


@dataclass(frozen=True)
class Job:
    """A job as its employer wrote it; the first posting of each cluster."""

    cluster: int
    company: str
    legal: str
    role: str
    title: str
    city: int
    band: tuple[float, float, str] | None
    words: list[str]


class Vocabulary:
    """Zipf-distributed pseudo-words plus English function words, so shingle statistics look
    like prose: frequent words recur, most 5-word sequences are rare."""

    def __init__(self, rng: random.Random, size: int = 6000) -> None:
        made: set[str] = set()
        while len(made) < size:
            made.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))))
        self.words = FUNCTION_WORDS + sorted(made)
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        total = sum(weights)
        self.cumulative = list(_accumulate([w / total for w in weights]))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


def _accumulate(values: list[float]) -> Iterator[float]:
    running = 0.0
    for value in values:
        running += value
        yield running


class Corpus:
    """Streams (posting, cluster id): a job, then its cross-posted copies."""

    def __init__(self, n: int, seed: int = SEED) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.vocab = Vocabulary(self.rng)
        n_companies = max(20, n // 20)
        self.companies = [self._company_name(i) for i in range(n_companies)]
        # Zipf with a flattened head: the biggest employer has ~2.5% of the postings.
        weights = [1 / (rank + 10) for rank in range(n_companies)]
        total = sum(weights)
        self.company_cum = list(_accumulate([w / total for w in weights]))
        role_weights = [1 / (rank + 2) for rank in range(len(ROLES))]
        role_total = sum(role_weights)
        self.role_cum = list(_accumulate([w / role_total for w in role_weights]))
        self.boilerplate = [
            self.vocab.sample(self.rng, self.rng.randint(50, 90)) for _ in range(n_companies)
        ]

    def _company_name(self, i: int) -> str:
        syllables = self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4))
        return f"{''.join(syllables).capitalize()} {i}"

    def __iter__(self) -> Iterator[tuple[Posting, int]]:
        made = cluster = 0
        while made < self.n:
            job = self._job(cluster)
            yield self._original(job), cluster
            made += 1
            for _ in range(self.rng.choice(COPY_COUNTS)):
                if made >= self.n:
                    break
                yield self._copy(job), cluster
                made += 1
            cluster += 1

    def _job(self, cluster: int) -> Job:
        rng = self.rng
        company = rng.choices(range(len(self.companies)), cum_weights=self.company_cum)[0]
        role = rng.choices(ROLES, cum_weights=self.role_cum)[0]
        title = rng.choice(LEVELS) + role
        if rng.random() < 0.25:
            title += f", {rng.choice(TEAMS)}"
        city = rng.randrange(len(CITIES))
        band = None
        if rng.random() < 0.4:
            low = rng.randrange(60, 180) * 1000.0
            band = (low, low * rng.uniform(1.1, 1.35), CURRENCY.get(CITIES[city][1], "EUR"))
        body = self.vocab.sample(rng, rng.randint(100, 240))
        return Job(cluster, self.companies[company], rng.choice(LEGAL_FORMS), role, title, city,
                   band, self.boilerplate[company] + body)  # fmt: skip

    def _original(self, job: Job) -> Posting:
        rng = self.rng
        name, country, written = CITIES[job.city]
        return _posting(
            rng, rng.choice(ATS), f"{job.company} {job.legal}".strip(), job.role, job.title,
            [Location(city=name, country=country, raw=written[0])], job.band, " ".join(job.words),
        )  # fmt: skip

    def _copy(self, job: Job) -> Posting:
        rng = self.rng
        name, country, written = CITIES[job.city]
        roll = rng.random()
        title = job.title
        if roll < 0.15:
            title = f"{title} {rng.choice(('(Remote)', '- Remote', '(m/w/d)', '(f/m/x)', '- Full-time'))}"
        elif roll < 0.20:
            title = title.replace("Senior ", "Sr. ") if "Senior " in title else f"{title} - {name}"
        company = f"{job.company} {job.legal}".strip()
        if rng.random() < 0.2:
            company = job.company if job.legal else f"{job.company} {rng.choice(LEGAL_FORMS[:-1])}"
        places = [Location(city=name, country=country, raw=written[-1])]
        if rng.random() < 0.1:
            places = [Location(country=country, raw=country)]
        band = job.band if rng.random() < 0.5 else None
        roll = rng.random()
        if roll < 0.10:
            text = None  # a list endpoint or search card
        elif roll < 0.15:
            text = " ".join(job.words)
        else:
            text = " ".join(_edit(rng, job.words, target=rng.uniform(0.70, 0.95), vocab=self.vocab))
        return _posting(rng, rng.choice(BOARDS), company, job.role, title, places, band, text)


def _edit(rng: random.Random, words: list[str], *, target: float, vocab: Vocabulary) -> list[str]:
    """Replace scattered words so the 5-word-shingle Jaccard with the original is about `target`:
    each isolated replacement breaks up to five shingles on each side."""
    out = list(words)
    shingles = max(1, len(words) - 4)
    edits = round(shingles * (1 - target) / (5 * (1 + target)))
    for index in rng.sample(range(len(out)), k=min(edits, len(out))):
        out[index] = vocab.sample(rng, 1)[0]
    if rng.random() < 0.3:  # a board appends its own footer
        out += vocab.sample(rng, rng.randint(5, 15))
    return out


def _posting(rng: random.Random, source: str, company: str, role: str, title: str,
             places: list[Location], band: tuple[float, float, str] | None, text: str | None) -> Posting:  # fmt: skip
    salary = None
    if band is not None:
        salary = Salary(min=round(band[0], -3), max=round(band[1], -3), currency=band[2],
                        period=PayPeriod.year, origin=SalaryOrigin.structured)  # fmt: skip
    return Posting(
        source=source, board=source, source_id=str(rng.getrandbits(48)), company=company,
        title=title, role=role, locations=places, salary=salary, description_text=text,
    )  # fmt: skip
