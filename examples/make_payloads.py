"""Write the offline example boards in examples/payloads/ (seeded, so the output never changes).

    python examples/make_payloads.py

The two Greenhouse boards were written by hand. These add enough jobs for the "Machine
Learning Engineer vs Data Operations Manager" comparison to have real cells per level: a Lever
board, an Ashby board, a Workable account that states its industry, a Remotive feed that
re-lists some of those jobs (cross-source duplicates), and an ai-jobs.net-style salary survey.
Companies are invented; each file has the shape of its API's documented response.
"""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "payloads"
SEED = 20261130
NOW = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    country: str  # ISO alpha-2
    country_name: str
    currency: str
    pay_factor: float  # local pay relative to a US hub, in local currency


US_HUBS = (
    Place("San Francisco", "CA", "US", "United States", "USD", 1.0),
    Place("New York", "NY", "US", "United States", "USD", 0.97),
    Place("Seattle", "WA", "US", "United States", "USD", 0.95),
    Place("Austin", "TX", "US", "United States", "USD", 0.86),
    Place("Chicago", "IL", "US", "United States", "USD", 0.84),
    Place("Denver", "CO", "US", "United States", "USD", 0.85),
)
EU_HUBS = (
    Place("Berlin", "Berlin", "DE", "Germany", "EUR", 0.52),
    Place("Amsterdam", "North Holland", "NL", "Netherlands", "EUR", 0.55),
    Place("London", "England", "GB", "United Kingdom", "GBP", 0.46),
)

# (title prefix or suffix, level band index): 0 entry, 1 mid, 2 senior, None = unstated.
MLE_TITLES = (
    ("Junior Machine Learning Engineer", 0), ("Associate Machine Learning Engineer", 0),
    ("Machine Learning Engineer II", 1), ("Machine Learning Engineer (Mid-level)", 1),
    ("Senior Machine Learning Engineer", 2), ("Staff Machine Learning Engineer", 2),
    ("Machine Learning Engineer", None),
)  # fmt: skip
DOM_TITLES = (
    ("Associate Data Operations Manager", 0), ("Junior Data Operations Manager", 0),
    ("Data Operations Manager II", 1), ("Data Operations Manager (Mid-level)", 1),
    ("Senior Data Operations Manager", 2), ("Data Operations Lead", 2),
    ("Data Operations Manager", None),
)  # fmt: skip
# Annual base pay at a US hub, by level band (entry, mid, senior); unstated levels sit mid.
MLE_PAY = ((112_000, 140_000), (142_000, 182_000), (185_000, 245_000))
DOM_PAY = ((68_000, 88_000), (90_000, 118_000), (120_000, 158_000))

MLE_TEAMS = ("Ranking", "Perception", "Forecasting", "Search", "Fraud", "Recommendations")
DOM_TEAMS = ("Data Quality", "Annotation", "Reference Data", "Data Platform Operations")

MLE_DUTIES = (
    "Train, evaluate and ship models that serve millions of predictions a day",
    "Build feature pipelines in Python and Spark with tests and monitoring",
    "Own model serving on Kubernetes, from latency budgets to rollbacks",
    "Design offline and online experiments with our data scientists",
    "Turn research prototypes in PyTorch into reliable production services",
    "Set up drift detection and retraining on Airflow",
    "Review code and mentor engineers on ML engineering practice",
    "Work with product managers to decide what the next model should do",
)
MLE_NEEDS = (
    "Strong Python and SQL",
    "Experience with PyTorch or TensorFlow in production",
    "Familiarity with AWS or GCP, Docker and Kubernetes",
    "A solid grasp of statistics and evaluation metrics",
    "Experience with Spark, Kafka or another large-scale data system",
    "MLOps tooling such as MLflow, Kubeflow or SageMaker",
    "Clear written communication",
)
DOM_DUTIES = (
    "Run the daily operations of our data pipelines and the team that keeps them healthy",
    "Define data quality checks, SLAs and escalation paths with engineering",
    "Manage a team of five data operations specialists across two time zones",
    "Own vendor relationships for labelling and reference data",
    "Report on data quality KPIs to the leadership team every month",
    "Write and maintain runbooks, and lead incident reviews",
    "Plan capacity and budgets for annotation and data acquisition",
    "Work with product and analytics to prioritise fixes",
)
DOM_NEEDS = (
    "Experience leading an operations or data team",
    "Comfort with SQL and spreadsheets; Python is a plus",
    "Familiarity with Looker, Tableau or Power BI dashboards",
    "Process improvement experience (Lean, Six Sigma or similar)",
    "Experience working with Snowflake or BigQuery",
    "Excellent stakeholder management and written communication",
    "Project management with Jira or Asana",
)
OTHER = (  # a few other roles so the dashboard has more than two lines
    ("Data Engineer", (130_000, 175_000), "Build batch and streaming pipelines in Python, SQL and dbt."),
    ("Data Analyst", (82_000, 108_000), "Answer questions with SQL, Looker and a healthy scepticism."),
    ("Product Manager, Data Platform", (150_000, 195_000), "Own the roadmap of our internal data platform."),
    ("Analytics Engineer", (120_000, 155_000), "Model our warehouse in dbt and keep metrics consistent."),
)  # fmt: skip


@dataclass
class Job:
    title: str
    role: str  # "mle" | "dom" | "other"
    band: int | None
    place: Place
    remote: str  # "onsite" | "hybrid" | "remote"
    low: int
    high: int
    posted: datetime
    team: str
    duties: list[str]
    needs: list[str]
    intro: str


def _round(value: float) -> int:
    return round(value / 1000.0) * 1000


def _jobs(rng: random.Random, company: str, intro: str, mix: dict[str, int]) -> list[Job]:
    jobs: list[Job] = []
    for kind, count in mix.items():
        for i in range(count):
            place = rng.choice(US_HUBS) if rng.random() < 0.75 else rng.choice(EU_HUBS)
            remote = rng.choices(("onsite", "hybrid", "remote"), (3, 4, 3))[0]
            posted = NOW - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 20))
            if kind == "other":
                title, pay, line = OTHER[i % len(OTHER)]
                low, high = (p * place.pay_factor for p in pay)
                jobs.append(
                    Job(title, "other", None, place, remote, _round(low), _round(high), posted,
                        "Data", [line], ["SQL", "Python"], intro)
                )  # fmt: skip
                continue
            titles, pays, teams, duties, needs = (
                (MLE_TITLES, MLE_PAY, MLE_TEAMS, MLE_DUTIES, MLE_NEEDS)
                if kind == "mle"
                else (DOM_TITLES, DOM_PAY, DOM_TEAMS, DOM_DUTIES, DOM_NEEDS)
            )
            title, band = titles[i % len(titles)]
            base_low, base_high = pays[1 if band is None else band]
            spread = rng.uniform(0.93, 1.08)
            low = _round(base_low * spread * place.pay_factor)
            high = _round(base_high * spread * place.pay_factor)
            team = rng.choice(teams)
            jobs.append(
                Job(f"{title}, {team}", kind, band, place, remote, low, high, posted, team,
                    rng.sample(duties, 4), rng.sample(needs, 4), intro)
            )  # fmt: skip
    rng.shuffle(jobs)
    return jobs


def _symbol(currency: str) -> str:
    return {"USD": "$", "EUR": "€", "GBP": "£"}[currency]


def _pay_sentence(job: Job) -> str:
    s = _symbol(job.place.currency)
    return (
        f"The base salary range for this position is {s}{job.low:,}–{s}{job.high:,} per year, "
        "plus equity and benefits. Where you land in the range depends on experience and location."
    )


def _paragraphs(job: Job, *, with_pay: bool) -> list[tuple[str, list[str] | str]]:
    where = {
        "remote": f"This role is fully remote within {job.place.country_name}.",
        "hybrid": f"This is a hybrid role: three days a week in our {job.place.city} office.",
        "onsite": f"This role is based in our {job.place.city} office.",
    }[job.remote]
    parts: list[tuple[str, list[str] | str]] = [
        ("", job.intro),
        ("", f"You will join the {job.team} team. {where}"),
        ("What you'll do", job.duties),
        ("What you'll bring", job.needs),
    ]
    if with_pay:
        parts.append(("Compensation", _pay_sentence(job)))
    return parts


def _html(parts: list[tuple[str, list[str] | str]]) -> str:
    out = []
    for heading, body in parts:
        if heading:
            out.append(f"<h3>{heading}</h3>")
        if isinstance(body, list):
            out.append("<ul>" + "".join(f"<li>{item}</li>" for item in body) + "</ul>")
        else:
            out.append(f"<p>{body}</p>")
    return "".join(out)


def _plain(parts: list[tuple[str, list[str] | str]]) -> str:
    out = []
    for heading, body in parts:
        if heading:
            out.append(heading)
        out.append("\n".join(f"- {i}" for i in body) if isinstance(body, list) else body)
    return "\n\n".join(out)


def _location(place: Place) -> str:
    if place.country == "US":
        return f"{place.city}, {place.region}"
    return f"{place.city}, {place.country_name}"


def lever(rng: random.Random) -> list[dict[str, object]]:
    intro = (
        "Vantage Robotics builds the autonomy stack for warehouse robots that pick, pack and "
        "move 9 million items a week for retailers in North America and Europe."
    )
    jobs = _jobs(rng, "Vantage Robotics", intro, {"mle": 26, "dom": 8, "other": 4})
    postings = []
    for job in jobs:
        ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        parts = _paragraphs(job, with_pay=False)
        postings.append(
            {
                "id": ident,
                "text": job.title,
                "categories": {
                    "commitment": "Full-time",
                    "department": "Engineering" if job.role == "mle" else "Operations",
                    "location": _location(job.place),
                    "team": job.team,
                    "allLocations": [_location(job.place)],
                },
                "country": job.place.country,
                "workplaceType": job.remote.replace("onsite", "on-site"),
                "createdAt": int(job.posted.timestamp() * 1000),
                "descriptionPlain": _plain(parts[:2]),
                "description": _html(parts[:2]),
                "lists": [
                    {"text": h, "content": "".join(f"<li>{i}</li>" for i in b)}
                    for h, b in parts[2:]
                    if isinstance(b, list)
                ],
                "additionalPlain": "Vantage Robotics is an equal opportunity employer.",
                "additional": "<div>Vantage Robotics is an equal opportunity employer.</div>",
                "hostedUrl": f"https://jobs.lever.co/vantage-robotics/{ident}",
                "applyUrl": f"https://jobs.lever.co/vantage-robotics/{ident}/apply",
                "salaryRange": {
                    "currency": job.place.currency,
                    "interval": "per-year-salary",
                    "min": job.low,
                    "max": job.high,
                },
                "salaryDescriptionPlain": "Base salary; equity and benefits are extra.",
                "salaryDescription": "<div>Base salary; equity and benefits are extra.</div>",
            }
        )
    return postings


def ashby(rng: random.Random) -> dict[str, object]:
    intro = (
        "Helio Freight runs a digital freight network that matches 40,000 carriers with "
        "shippers and keeps the data behind every load clean, current and auditable."
    )
    jobs = _jobs(rng, "Helio Freight", intro, {"mle": 12, "dom": 26, "other": 4})
    out = []
    for job in jobs:
        ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        parts = _paragraphs(job, with_pay=False)
        s = _symbol(job.place.currency)
        summary = f"{s}{job.low // 1000}K – {s}{job.high // 1000}K"
        out.append(
            {
                "id": ident,
                "title": job.title,
                "department": "Engineering" if job.role == "mle" else "Operations",
                "team": job.team,
                "employmentType": "FullTime",
                "location": _location(job.place),
                "secondaryLocations": [],
                "publishedAt": job.posted.isoformat(timespec="milliseconds"),
                "isListed": True,
                "isRemote": job.remote == "remote",
                "workplaceType": {"onsite": "OnSite", "hybrid": "Hybrid", "remote": "Remote"}[
                    job.remote
                ],
                "address": {
                    "postalAddress": {
                        "addressLocality": job.place.city,
                        "addressRegion": job.place.region,
                        "addressCountry": job.place.country_name,
                    }
                },
                "jobUrl": f"https://jobs.ashbyhq.com/helio-freight/{ident}",
                "applyUrl": f"https://jobs.ashbyhq.com/helio-freight/{ident}/application",
                "descriptionHtml": _html(parts),
                "descriptionPlain": _plain(parts),
                "shouldDisplayCompensationOnJobPostings": True,
                "compensation": {
                    "compensationTierSummary": summary,
                    "scrapeableCompensationSalarySummary": summary,
                    "compensationTiers": [],
                    "summaryComponents": [
                        {
                            "compensationType": "Salary",
                            "interval": "1 YEAR",
                            "currencyCode": job.place.currency,
                            "minValue": job.low,
                            "maxValue": job.high,
                        }
                    ],
                },
            }
        )
    return {"apiVersion": "1", "jobs": out}


def workable(rng: random.Random) -> dict[str, object]:
    intro = (
        "Ledgerline is a payments company: 3,000 banks and credit unions use our platform to "
        "settle card and account-to-account payments in real time."
    )
    jobs = _jobs(rng, "Ledgerline", intro, {"mle": 10, "dom": 8})
    experience = {0: "Entry level", 1: "Mid-Senior level", 2: "Mid-Senior level", None: ""}
    out = []
    for job in jobs:
        code = "".join(rng.choice("0123456789ABCDEF") for _ in range(10))
        out.append(
            {
                "title": job.title,
                "shortcode": code,
                "code": "",
                "employment_type": "Full-time",
                "telecommuting": job.remote == "remote",
                "department": "Engineering" if job.role == "mle" else "Operations",
                "url": f"https://apply.workable.com/j/{code}",
                "shortlink": f"https://apply.workable.com/j/{code}",
                "application_url": f"https://apply.workable.com/j/{code}/apply",
                "published_on": job.posted.date().isoformat(),
                "created_at": (job.posted - timedelta(days=2)).date().isoformat(),
                "country": job.place.country_name,
                "city": job.place.city,
                "state": job.place.region,
                "education": "",
                "experience": experience[job.band],
                "function": "Engineering" if job.role == "mle" else "Operations",
                "industry": "Financial Services",
                "locations": [
                    {
                        "country": job.place.country_name,
                        "countryCode": job.place.country,
                        "city": job.place.city,
                        "region": job.place.region,
                        "hidden": False,
                    }
                ],
                "description": _html(_paragraphs(job, with_pay=True)),
            }
        )
    return {"name": "Ledgerline", "description": intro, "jobs": out}


def remotive(rng: random.Random, lever_jobs: list[dict[str, object]]) -> dict[str, object]:
    """A job board that re-lists some of the Lever board's remote jobs: duplicates to merge."""
    relisted = [p for p in lever_jobs if p["workplaceType"] == "remote"][:8]
    jobs = []
    for index, posting in enumerate(relisted):
        pay = posting["salaryRange"]
        assert isinstance(pay, dict)
        s = _symbol(str(pay["currency"]))
        categories = posting["categories"]
        assert isinstance(categories, dict)
        created = datetime.fromtimestamp(int(str(posting["createdAt"])) / 1000, UTC)
        jobs.append(
            {
                "id": 2150000 + index,
                "url": f"https://remotive.com/remote-jobs/software-dev/{2150000 + index}",
                "title": posting["text"],
                "company_name": "Vantage Robotics",
                "company_logo": f"https://remotive.com/job/{2150000 + index}/logo",
                "category": "Data",
                "tags": ["python", "machine learning", "pytorch"],
                "job_type": "full_time",
                "publication_date": (created + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S"),
                "candidate_required_location": "USA"
                if "," in str(categories["location"]) and str(categories["location"])[-2:].isupper()
                else "Europe",
                "salary": f"{s}{int(str(pay['min'])):,} - {s}{int(str(pay['max'])):,}",
                "description": str(posting["description"])
                + "".join(
                    f"<p><strong>{item['text']}</strong></p><ul>{item['content']}</ul>"
                    for item in posting["lists"]  # type: ignore[attr-defined]
                ),
            }
        )
    return {
        "00-warning": "Remotive's terms ask for a link back to the job's page on remotive.com.",
        "job-count": len(jobs),
        "total-job-count": len(jobs),
        "jobs": jobs,
    }


def survey(rng: random.Random) -> str:
    """ai-jobs.net salary-survey rows for both roles (and a few others), newest year first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["work_year", "experience_level", "employment_type", "job_title", "salary",
         "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
         "company_location", "company_size"]
    )  # fmt: skip
    usd_per = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}
    rows = []
    for title, pays, count in (
        ("Machine Learning Engineer", MLE_PAY, 90),
        ("Data Operations Manager", DOM_PAY, 48),
        ("Data Engineer", ((95_000, 120_000), (125_000, 160_000), (160_000, 200_000)), 30),
    ):
        for _ in range(count):
            band = rng.choices((0, 1, 2, 3), (2, 4, 4, 1))[0]
            low, high = pays[min(band, 2)]
            usd = rng.uniform(low, high) * (1.25 if band == 3 else 1.0)
            place = rng.choice(US_HUBS) if rng.random() < 0.7 else rng.choice(EU_HUBS)
            local = (
                usd * place.pay_factor / usd_per[place.currency] if place.country != "US" else usd
            )
            year = rng.choice((2026, 2026, 2026, 2025))
            rows.append(
                (year, ("EN", "MI", "SE", "EX")[band], "FT", title, _round(local),
                 place.currency, _round(local * usd_per[place.currency]), place.country,
                 rng.choice((0, 50, 100)), place.country, rng.choice("SML"))
            )  # fmt: skip
    rows.sort(key=lambda r: -int(r[0]))
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 - example data, not secrets
    OUT.mkdir(exist_ok=True)
    lever_jobs = lever(rng)
    files = {
        "lever_vantage-robotics.json": lever_jobs,
        "ashby_helio-freight.json": ashby(rng),
        "workable_ledgerline.json": workable(rng),
        "remotive_remote-jobs.json": remotive(rng, lever_jobs),
    }
    for name, data in files.items():
        (OUT / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    (OUT / "aijobs_salaries.csv").write_text(survey(rng))


if __name__ == "__main__":
    main()
