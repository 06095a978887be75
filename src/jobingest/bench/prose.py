"""Description HTML the way employers write it: intro, the role, bullet lists, a pay sentence, a
place sentence and benefits around the corpus's own words.

Everything is derived from the posting's text (seeded by its first words), so a cross-posted copy
gets the same sections as its original and stays a near duplicate.
"""

from __future__ import annotations

import random
import zlib

from jobingest.models import Posting, Salary

DUTIES = (
    "Design, build and run the services behind {team}, from first sketch to production.",
    "Own the roadmap for {team} together with a product manager and a designer.",
    "Review designs and code, and help two mid-level colleagues grow.",
    "Work with customers and support to turn their problems into shipped improvements.",
    "Improve how we test, observe and deploy, and share what you learn.",
    "Plan the quarter with your team and report progress to leadership every month.",
    "Keep our data accurate: define the metrics, check the pipelines, fix what breaks.",
    "Be on call for what you build, roughly one week in six.",
    "Write the documents that let other teams use what you make without asking you.",
    "Interview candidates and help us hire the next people on the team.",
)
NEEDS = (
    "{years}+ years of experience in a similar role.",
    "Fluency in Python, SQL or a language like Go, Java or Kotlin.",
    "Experience with cloud infrastructure (AWS, GCP or Azure) and Kubernetes.",
    "Clear written English; German, French or Spanish is a plus.",
    "A track record of shipping work that customers use every day.",
    "Comfort with ambiguity and with making decisions on incomplete data.",
    "Experience with PostgreSQL, Kafka or Spark at scale.",
    "A degree in a quantitative field, or equivalent practical experience.",
)
BENEFITS = (
    "30 days of paid holiday plus public holidays.",
    "A learning budget of 1,500 a year and time to use it.",
    "Medical, dental and vision cover from your first day.",
    "Sixteen weeks of paid parental leave for every parent.",
    "A pension plan with a 5% employer match.",
    "A home-office budget and a new laptop of your choice.",
)
SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$"}
PAY_SENTENCES = (
    "The base salary range for this role is {low} - {high} per year, depending on experience.",
    "We pay between {low} and {high} a year for this position, plus equity.",
    "Salary: {low}–{high} annually, based on skills and level.",
    "Compensation for this role is {low} to {high} per annum, with a yearly bonus.",
)
PLACE_SENTENCES = (
    "This role is based in our {city} office, with two days a week on site.",
    "You will work from {city}; we meet in person every Tuesday and Thursday.",
    "The team sits in {city}, and the role is hybrid with flexible hours.",
)


def description_html(posting: Posting) -> str | None:
    """The description a board shows for this posting (None when the posting has no text)."""
    text = posting.description_text
    if text is None:
        return None
    words = text.split()
    rng = random.Random(zlib.crc32(" ".join(words[:12]).encode()))
    team = rng.choice(("Payments", "Search", "Growth", "Platform", "Data", "Operations"))
    paragraphs = [" ".join(words[start : start + 45]) for start in range(0, len(words), 45)]
    parts = [f"<p><strong>About {posting.company}</strong></p><p>{paragraphs[0]}.</p>"]
    parts.append("<h3>About the role</h3>")
    parts += [f"<p>{paragraph}.</p>" for paragraph in paragraphs[1:]]
    parts.append(_bullets("What you'll do", rng.sample(DUTIES, 4), team=team))
    years = rng.choice((2, 3, 4, 5, 6, 8))
    parts.append(_bullets("What you'll bring", rng.sample(NEEDS, 4), years=years))
    if posting.salary is not None:
        parts.append(f"<h3>Compensation</h3><p>{pay_sentence(posting.salary, rng)}</p>")
    city = next((place.city for place in posting.locations if place.city), None)
    if city:
        parts.append(f"<p>{rng.choice(PLACE_SENTENCES).format(city=city)}</p>")
    parts.append(_bullets("Benefits", rng.sample(BENEFITS, 3)))
    return "".join(parts)


def pay_sentence(salary: Salary, rng: random.Random) -> str:
    symbol = SYMBOLS.get(salary.currency or "", "")
    suffix = "" if symbol else f" {salary.currency}"
    low, high = (f"{symbol}{amount:,.0f}{suffix}" for amount in (salary.min, salary.max))
    return rng.choice(PAY_SENTENCES).format(low=low, high=high)


def _bullets(heading: str, items: list[str], **values: object) -> str:
    listed = "".join(f"<li>{item.format(**values)}</li>" for item in items)
    return f"<h3>{heading}</h3><ul>{listed}</ul>"
