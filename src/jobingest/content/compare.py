"""Role A vs Role B: the data of one comparison, and the page in JSON, Markdown and HTML.

The data comes from posting and survey rows through the same filters and statistics as the marts
(`jobingest.warehouse.marts`): jobs are canonical postings that are not reposts, one figure per
job is the midpoint of its annualised USD band, and a cell with fewer than `min_n` jobs shows
its n but no figure ("not enough data"). Without --country/--since the salary figures are the
`mart_salary_bands` roll-up rows (role, level, *, *, *). Every text is escaped when rendered:
titles and company names come from the boards and are never trusted as markup.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, select

from jobingest.models import LEVEL_LABELS, EmploymentType, Level
from jobingest.schemas import render as render_schema
from jobingest.taxonomy import load as load_taxonomy
from jobingest.warehouse.marts import annual_usd, band, posting_table, survey_table, utc_day

NOT_ENOUGH = "not enough data"
FEATURED_MAX = 5
TOP_N = 10
LEVEL_ORDER: tuple[str | None, ...] = (*(level.value for level in Level), None)

# ------------------------------------------------------------------------------ the data model


class Window(BaseModel):
    """Which postings a page is about."""

    since: date | None = Field(description="Only postings dated on or after this day.")
    country: str | None = Field(description="ISO 3166-1 alpha-2, or null for every country.")
    first_day: date | None = Field(description="Earliest posting date in the data.")
    last_day: date | None = Field(description="Latest posting date in the data.")
    generated_at: datetime
    min_n: int = Field(description="Cells with fewer jobs than this show no figure.")


class RoleDefinition(BaseModel):
    role: str
    family: str | None
    soc_code: str | None = Field(description="Nearest O*NET-SOC 2019 occupation.")
    aliases: list[str] = Field(description="Titles the taxonomy maps to this role (first ten).")
    in_taxonomy: bool


class SalaryCell(BaseModel):
    """Annualised USD pay of the jobs at one level; figures are null below min_n."""

    level: str | None = Field(description="entry | mid | senior | executive | null (not stated)")
    level_label: str
    n: int
    suppressed: bool
    p25: float | None
    median: float | None
    p75: float | None
    window_start: date | None
    window_end: date | None


class Share(BaseModel):
    """n of total jobs have this value; share is null below min_n."""

    value: str | None
    label: str
    n: int
    total: int
    share: float | None
    suppressed: bool


class FeaturedJob(BaseModel):
    title: str
    company: str | None
    location: str | None
    employment_type: str | None
    level: str | None
    salary: str = Field(description='Annualised USD band, e.g. "USD 100K - 130K".')
    line: str = Field(description="Title · employment type · level · salary, the seed's style.")
    url: str | None = Field(description="Link back to the posting at its source.")
    source: str
    board: str
    posted: date | None


class SourceCredit(BaseModel):
    source: str
    board: str
    jobs: int


class RoleSide(BaseModel):
    definition: RoleDefinition
    jobs: int = Field(description="Canonical, deduplicated jobs in the window (reposts once).")
    active: int = Field(description="Jobs still open.")
    newest: date | None
    oldest: date | None
    salary_by_level: list[SalaryCell]
    survey_by_level: list[SalaryCell] = Field(description="Salary-survey answers, kept apart.")
    survey_answers: int
    workplace: list[Share]
    employment_types: list[Share]
    levels: list[Share]
    countries: list[Share]
    cities: list[Share]
    industries: list[Share] = Field(
        description="Industries the boards state (never guessed); share of all the role's jobs."
    )
    skills: list[Share]
    featured: list[FeaturedJob]
    sources: list[SourceCredit]


class SkillRow(BaseModel):
    skill: str
    a: Share
    b: Share


class SkillsComparison(BaseModel):
    shared: list[SkillRow] = Field(description="Top skills of both roles.")
    only_a: list[Share] = Field(description="Top skills of role A that are not top for role B.")
    only_b: list[Share]


class Comparison(BaseModel):
    """The data of one "Role A vs Role B" page."""

    title: str
    window: Window
    a: RoleSide
    b: RoleSide
    skills: SkillsComparison
    notes: list[str]


def schema_json() -> str:
    """schemas/compare.schema.json, generated from the model (a test keeps the file in sync)."""
    return render_schema(Comparison)


# ------------------------------------------------------------------------------ loading


_POSTING_COLUMNS = (
    "role",
    "title",
    "company",
    "url",
    "source",
    "board",
    "level",
    "employment_type",
    "workplace",
    "country",
    "city",
    "industry",
    "skills",
    "posted_at",
    "first_seen_at",
    "closed_at",
    "repost_of",
    "salary_annual_min_usd",
    "salary_annual_max_usd",
)


def posting_rows(
    connection: Connection, roles: Sequence[str], country: str | None, since: datetime | None
) -> list[dict[str, Any]]:
    """Canonical postings (reposts included, duplicates not) of these roles in the window."""
    c = posting_table.c
    query = select(*(c[name] for name in _POSTING_COLUMNS)).where(
        c.canonical_id.is_(None), c.role.in_(list(roles))
    )
    if country:
        query = query.where(c.country == country)
    if since is not None:
        query = query.where(
            (c.posted_at >= since) | (c.posted_at.is_(None) & (c.first_seen_at >= since))
        )
    return [dict(row) for row in connection.execute(query).mappings()]


def survey_rows(
    connection: Connection, roles: Sequence[str], country: str | None, since: datetime | None
) -> list[dict[str, Any]]:
    s = survey_table.c
    query = select(s.role, s.level, s.work_year, s.salary_usd, s.source).where(
        s.role.in_(list(roles)), s.salary_usd.is_not(None)
    )
    if country:
        query = query.where(s.company_location == country)
    if since is not None:
        query = query.where(s.work_year >= since.year)
    return [dict(row) for row in connection.execute(query).mappings()]


def load_comparison(
    connection: Connection,
    role_a: str,
    role_b: str,
    *,
    country: str | None,
    since: datetime | None,
    now: datetime,
    min_n: int,
) -> Comparison:
    roles = [role_a, role_b]
    return build_comparison(
        role_a,
        role_b,
        posting_rows(connection, roles, country, since),
        survey_rows(connection, roles, country, since),
        country=country,
        since=since,
        now=now,
        min_n=min_n,
    )


# ------------------------------------------------------------------------------ pure building


def role_definition(role: str) -> RoleDefinition:
    """What the taxonomy says a role is: family, nearest O*NET code and the titles it covers."""
    for entry in load_taxonomy("roles.yaml")["roles"]:
        if entry["role"].casefold() == role.casefold():
            return RoleDefinition(
                role=entry["role"],
                family=entry.get("family"),
                soc_code=entry.get("soc_code"),
                aliases=[str(a) for a in entry.get("aliases", [])][:10],
                in_taxonomy=True,
            )
    return RoleDefinition(role=role, family=None, soc_code=None, aliases=[], in_taxonomy=False)


def build_comparison(
    role_a: str,
    role_b: str,
    postings: Iterable[Mapping[str, Any]],
    surveys: Iterable[Mapping[str, Any]],
    *,
    country: str | None,
    since: datetime | None,
    now: datetime,
    min_n: int,
) -> Comparison:
    postings, surveys = list(postings), list(surveys)
    days = [d for p in postings if (d := _day(p)) is not None]
    a = role_side(
        role_a,
        [p for p in postings if p["role"] == role_a],
        [s for s in surveys if s["role"] == role_a],
        min_n,
    )
    b = role_side(
        role_b,
        [p for p in postings if p["role"] == role_b],
        [s for s in surveys if s["role"] == role_b],
        min_n,
    )
    return Comparison(
        title=f"{a.definition.role} vs {b.definition.role}",
        window=Window(
            since=since.date() if since else None,
            country=country,
            first_day=min(days) if days else None,
            last_day=max(days) if days else None,
            generated_at=now,
            min_n=min_n,
        ),
        a=a,
        b=b,
        skills=compare_skills(a.skills, b.skills),
        notes=[
            "Salaries are advertised bands, annualised and converted to USD at the posting "
            "date's ECB rate; one figure per job, the middle of its band.",
            "Survey salaries are self-reported and shown separately, never mixed in.",
            "Industries are those the boards state (SmartRecruiters, Workable, schema.org "
            "markup, dump columns), never guessed from a description; most ATS boards state "
            "none, so industry shares are of all jobs and add up to less than 100%.",
        ],
    )


def _day(row: Mapping[str, Any]) -> date | None:
    return utc_day(row.get("posted_at") or row.get("first_seen_at"))


def _is_job(row: Mapping[str, Any]) -> bool:
    """A job counts once: a repost is the same job as the posting it reposts."""
    return row.get("repost_of") is None


def role_side(
    role: str,
    postings: Sequence[Mapping[str, Any]],
    surveys: Sequence[Mapping[str, Any]],
    min_n: int,
) -> RoleSide:
    jobs = [p for p in postings if _is_job(p)]
    days = [d for p in jobs if (d := _day(p)) is not None]
    skills = Counter(skill for p in jobs for skill in set(p.get("skills") or ()))
    return RoleSide(
        definition=role_definition(role),
        jobs=len(jobs),
        active=sum(1 for p in postings if p.get("closed_at") is None),
        newest=max(days) if days else None,
        oldest=min(days) if days else None,
        salary_by_level=salary_by_level(
            (
                (
                    p.get("level"),
                    annual_usd(p["salary_annual_min_usd"], p["salary_annual_max_usd"]),
                    _day(p),
                )
                for p in jobs
            ),
            min_n,
        ),
        survey_by_level=salary_by_level(
            (
                (
                    s.get("level"),
                    s["salary_usd"],
                    date(s["work_year"], 1, 1) if s.get("work_year") else None,
                )
                for s in surveys
            ),
            min_n,
        ),
        survey_answers=len(surveys),
        workplace=shares(Counter(p.get("workplace") for p in jobs), len(jobs), min_n, None),
        employment_types=shares(
            Counter(p.get("employment_type") for p in jobs), len(jobs), min_n, None
        ),
        levels=shares(Counter(p.get("level") for p in jobs), len(jobs), min_n, None),
        countries=shares(Counter(p.get("country") for p in jobs), len(jobs), min_n, TOP_N),
        cities=shares(Counter(p.get("city") for p in jobs), len(jobs), min_n, TOP_N),
        industries=shares(Counter(p.get("industry") for p in jobs), len(jobs), min_n, TOP_N),
        skills=shares(skills, len(jobs), min_n, TOP_N),
        featured=featured_jobs(postings),
        sources=[
            SourceCredit(source=source, board=board, jobs=n)
            for (source, board), n in sorted(
                Counter((p["source"], p["board"]) for p in jobs).items(), key=lambda kv: -kv[1]
            )
        ],
    )


def level_label(level: str | None) -> str:
    return LEVEL_LABELS[Level(level)] if level else "Level not stated"


def salary_by_level(
    rows: Iterable[tuple[str | None, float | None, date | None]], min_n: int
) -> list[SalaryCell]:
    """One cell per level that has any salaried job, in level order."""
    cells: dict[str | None, tuple[list[float], list[date | None]]] = {}
    for level, value, day in rows:
        if value is None:
            continue
        values, days = cells.setdefault(level, ([], []))
        values.append(float(value))
        days.append(day)
    out = []
    for level in LEVEL_ORDER:
        if level not in cells:
            continue
        stats = band(*cells[level], min_n)
        out.append(
            SalaryCell(
                level=level,
                level_label=level_label(level),
                n=stats.n,
                suppressed=stats.suppressed,
                p25=stats.p25,
                median=stats.median,
                p75=stats.p75,
                window_start=stats.window_start,
                window_end=stats.window_end,
            )
        )
    return out


_LABELS: dict[str, str] = {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On-site"}


def value_label(value: str | None) -> str:
    if value is None:
        return "Not stated"
    if value in _LABELS:
        return _LABELS[value]
    if value in {e.value for e in EmploymentType}:
        return EmploymentType(value).label
    if value in {lv.value for lv in Level}:
        return level_label(value)
    return value


def shares(counts: Counter[Any], total: int, min_n: int, top: int | None) -> list[Share]:
    """Values by count (unstated last); with `top`, unstated values are left out."""
    ranked = sorted(counts.items(), key=lambda kv: (kv[0] is None, -kv[1], str(kv[0])))
    if top is not None:
        ranked = [kv for kv in ranked if kv[0] is not None][:top]
    suppressed = total < min_n
    return [
        Share(
            value=value,
            label=value_label(value),
            n=n,
            total=total,
            share=None if suppressed or not total else n / total,
            suppressed=suppressed,
        )
        for value, n in ranked
    ]


def compare_skills(a: Sequence[Share], b: Sequence[Share]) -> SkillsComparison:
    by_a = {s.value: s for s in a if s.value}
    by_b = {s.value: s for s in b if s.value}
    shared = [SkillRow(skill=k, a=by_a[k], b=by_b[k]) for k in by_a if k in by_b]
    return SkillsComparison(
        shared=shared,
        only_a=[s for k, s in by_a.items() if k not in by_b],
        only_b=[s for k, s in by_b.items() if k not in by_a],
    )


def usd_short(value: float) -> str:
    """100000 -> "100K", 1250000 -> "1.25M": the seed's compact style."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    return f"{round(value / 1000)}K"


def salary_text(low: float | None, high: float | None) -> str:
    bounds = [v for v in (low, high) if v is not None]
    if not bounds:
        return ""
    low_s, high_s = usd_short(min(bounds)), usd_short(max(bounds))
    return f"USD {low_s}" if low_s == high_s else f"USD {low_s} - {high_s}"


def location_text(row: Mapping[str, Any]) -> str | None:
    place = ", ".join(str(v) for v in (row.get("city"), row.get("country")) if v)
    if row.get("workplace") == "remote":
        return f"Remote ({place})" if place else "Remote"
    return place or None


def featured_jobs(postings: Iterable[Mapping[str, Any]]) -> list[FeaturedJob]:
    """Up to five open jobs with a salary band, freshest first."""
    open_paid = [
        p
        for p in postings
        if p.get("closed_at") is None
        and (
            p.get("salary_annual_min_usd") is not None or p.get("salary_annual_max_usd") is not None
        )
    ]
    open_paid.sort(key=lambda p: (_day(p) or date.min, str(p["title"])), reverse=True)
    out = []
    for p in open_paid[:FEATURED_MAX]:
        employment = (
            EmploymentType(p["employment_type"]).label if p.get("employment_type") else None
        )
        level = level_label(p["level"]) if p.get("level") else None
        salary = salary_text(p["salary_annual_min_usd"], p["salary_annual_max_usd"])
        line = " · ".join(part for part in (p["title"], employment, level, salary) if part)
        out.append(
            FeaturedJob(
                title=p["title"],
                company=p.get("company"),
                location=location_text(p),
                employment_type=employment,
                level=level,
                salary=salary,
                line=line,
                url=p.get("url"),
                source=p["source"],
                board=p["board"],
                posted=_day(p),
            )
        )
    return out


# ------------------------------------------------------------------------------ rendering


def to_json(comparison: Comparison) -> str:
    return comparison.model_dump_json(indent=2) + "\n"


def money(value: float | None) -> str:
    return NOT_ENOUGH if value is None else f"USD {usd_short(value)}"


def window_text(window: Window) -> str:
    span = f"{window.first_day} to {window.last_day}" if window.first_day else "no postings"
    where = window.country or "all countries"
    since = f", since {window.since}" if window.since else ""
    return f"postings dated {span} ({where}{since}); cells need n ≥ {window.min_n}"


def share_text(share: Share) -> str:
    if share.suppressed or share.share is None:
        return f"{NOT_ENOUGH} ({share.n} of {share.total})"
    return f"{share.share:.0%} ({share.n} of {share.total})"


def cell_text(cell: SalaryCell) -> str:
    if cell.suppressed or cell.median is None:
        return f"{NOT_ENOUGH} (n={cell.n})"
    return f"{money(cell.median)} (IQR {money(cell.p25)} – {money(cell.p75)}, n={cell.n})"


# Markdown -------------------------------------------------------------------------


def md_escape(text: str | None) -> str:
    """Markdown and inline HTML are both neutralised: a title is text, never markup."""
    if text is None:
        return ""
    out = " ".join(str(text).split()).replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]|":
        out = out.replace(char, "\\" + char)
    return out


def md_url(url: str | None) -> str:
    """A link destination that cannot end early: a `)`, space or `<` from the board would close
    the link and let the rest of the URL through as Markdown or inline HTML."""
    return urllib.parse.quote(str(url or ""), safe=_MD_URL_SAFE)


_MD_URL_SAFE = ":/?#@!$&*+,;=%~-._"


def _salary_levels(c: Comparison, survey: bool) -> list[str | None]:
    sides = (
        (c.a.survey_by_level, c.b.survey_by_level)
        if survey
        else (c.a.salary_by_level, c.b.salary_by_level)
    )
    present = {cell.level for side in sides for cell in side}
    return [level for level in LEVEL_ORDER if level in present]


def _cell_for(cells: Sequence[SalaryCell], level: str | None) -> SalaryCell | None:
    return next((cell for cell in cells if cell.level == level), None)


def to_markdown(c: Comparison) -> str:
    a, b = c.a, c.b
    names = (md_escape(a.definition.role), md_escape(b.definition.role))
    lines = [f"# {md_escape(c.title)}", "", f"_Data: {md_escape(window_text(c.window))}._", ""]
    lines += ["## The roles", ""]
    for side in (a, b):
        d = side.definition
        lines.append(
            f"- **{md_escape(d.role)}**: {md_escape(d.family or 'family unknown')}, O\\*NET-SOC "
            f"{md_escape(d.soc_code or 'n/a')}; also titled "
            f"{md_escape(', '.join(d.aliases[:5]) or 'n/a')}. {side.jobs} jobs "
            f"({side.active} open), newest {side.newest or 'n/a'}."
        )
    for survey in (False, True):
        heading = "Salary by level (survey, reported)" if survey else "Salary by level (advertised)"
        lines += ["", f"## {heading}", "", f"| Level | {names[0]} | {names[1]} |", "|---|---|---|"]
        levels = _salary_levels(c, survey)
        for level in levels:
            row = [md_escape(level_label(level))]
            for side in (a, b):
                cell = _cell_for(side.survey_by_level if survey else side.salary_by_level, level)
                row.append(md_escape(cell_text(cell)) if cell else "n=0")
            lines.append("| " + " | ".join(row) + " |")
        if not levels:
            lines.append(f"| all | {NOT_ENOUGH} (n=0) | {NOT_ENOUGH} (n=0) |")
    for title, attr in (
        ("Where and how", "workplace"),
        ("Employment types", "employment_types"),
        ("Levels", "levels"),
        ("Top countries", "countries"),
        ("Top cities", "cities"),
        ("Industries (as the boards state them)", "industries"),
    ):
        lines += ["", f"## {title}", ""]
        for side in (a, b):
            items = getattr(side, attr)
            text = "; ".join(f"{md_escape(s.label)}: {md_escape(share_text(s))}" for s in items)
            lines.append(f"- **{md_escape(side.definition.role)}**: {text or 'no postings'}")
    lines += ["", "## Skills and tools", ""]
    shared = "; ".join(
        f"{md_escape(r.skill)} ({md_escape(share_text(r.a))} vs {md_escape(share_text(r.b))})"
        for r in c.skills.shared
    )
    lines.append(f"- Both: {shared or 'none'}")
    for side, only in ((a, c.skills.only_a), (b, c.skills.only_b)):
        text = "; ".join(f"{md_escape(s.label)}: {md_escape(share_text(s))}" for s in only)
        lines.append(f"- Only {md_escape(side.definition.role)}: {text or 'none'}")
    lines += ["", "## Featured jobs", ""]
    for side in (a, b):
        lines.append(f"### {md_escape(side.definition.role)}")
        lines.append("")
        for job in side.featured:
            link = f" — [{md_escape(job.source)}]({md_url(job.url)})" if _safe_url(job.url) else ""
            where = ", ".join(md_escape(v) for v in (job.company, job.location) if v)
            lines.append(f"- {md_escape(job.line)} ({where}){link}")
        if not side.featured:
            lines.append("- none open with a salary band")
        lines.append("")
    lines += ["## Notes", ""] + [f"- {md_escape(note)}" for note in c.notes]
    lines += [f"- Sources: {md_escape(_credits(c))}", ""]
    return "\n".join(lines)


def _credits(c: Comparison) -> str:
    credits = {(s.source, s.board) for side in (c.a, c.b) for s in side.sources}
    return ", ".join(f"{source} ({board})" for source, board in sorted(credits)) or "none"


def _safe_url(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith(("https://", "http://"))


# HTML -----------------------------------------------------------------------------

CSS = """
:root{--a:#2563eb;--b:#d97706;--ink:#1f2937;--mute:#6b7280;--line:#e5e7eb}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.6rem;line-height:1.2}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid var(--line)}
.meta,.note{color:var(--mute);font-size:.9rem}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:16px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
.wrap{overflow-x:auto}
svg{width:100%;min-width:520px;height:auto;display:block}
.a{color:var(--a)}.b{color:var(--b)}.na{color:var(--mute);font-style:italic}
ul.jobs{list-style:none;padding:0}ul.jobs li{padding:8px 0;border-bottom:1px solid var(--line)}
.job{font-weight:600}
"""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def page(title: str, body: str) -> str:
    """A self-contained page: inline CSS, no script, no external resource."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def salary_chart(c: Comparison) -> str:
    """Inline SVG: interquartile range and median per level, role A above role B."""
    levels = _salary_levels(c, survey=False)
    cells = [cell for side in (c.a, c.b) for cell in side.salary_by_level if cell.p75 is not None]
    top = max((cell.p75 or 0.0) for cell in cells) if cells else 0.0
    row_h, left, width = 44, 170, 640
    height = 30 + row_h * max(len(levels), 1)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Salary ranges by level">']
    parts.append(
        f'<text x="{left}" y="14" font-size="12" fill="#6b7280">'
        f"annualised USD, 25th–75th percentile, tick = median</text>"
    )
    scale = (width - left - 60) / top if top else 0.0
    for i, level in enumerate(levels):
        y = 26 + i * row_h
        parts.append(f'<text x="0" y="{y + 22}" font-size="12">{esc(level_label(level))}</text>')
        for j, (side, colour) in enumerate(((c.a, "#2563eb"), (c.b, "#d97706"))):
            cell = _cell_for(side.salary_by_level, level)
            yy = y + 4 + j * 18
            if cell is None or cell.suppressed or cell.p25 is None or cell.p75 is None:
                n = cell.n if cell else 0
                parts.append(
                    f'<text x="{left}" y="{yy + 11}" font-size="11" fill="{colour}">'
                    f"{NOT_ENOUGH} (n={n})</text>"
                )
                continue
            x1, x2 = left + cell.p25 * scale, left + cell.p75 * scale
            xm = left + (cell.median or 0.0) * scale
            parts.append(
                f'<rect x="{x1:.1f}" y="{yy}" width="{max(x2 - x1, 2):.1f}" height="12" '
                f'fill="{colour}" opacity=".55"/>'
            )
            parts.append(
                f'<rect x="{xm - 1:.1f}" y="{yy - 2}" width="2" height="16" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x2 + 4:.1f}" y="{yy + 11}" font-size="11">'
                f"{esc(money(cell.median))} n={cell.n}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def skills_chart(c: Comparison) -> str:
    """Inline SVG: share of jobs naming each top skill, role A bar above role B bar."""
    names = [r.skill for r in c.skills.shared] + [str(s.value) for s in c.skills.only_a]
    names += [str(s.value) for s in c.skills.only_b]
    a = {s.value: s for s in c.a.skills}
    b = {s.value: s for s in c.b.skills}
    row_h, left, width = 34, 150, 640
    height = 10 + row_h * max(len(names), 1)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Skills compared">']
    span = width - left - 120
    for i, name in enumerate(names):
        y = 6 + i * row_h
        parts.append(f'<text x="0" y="{y + 18}" font-size="12">{esc(name)}</text>')
        for j, (shares_, colour) in enumerate(((a, "#2563eb"), (b, "#d97706"))):
            share = shares_.get(name)
            yy = y + j * 14
            if share is None:
                parts.append(
                    f'<text x="{left}" y="{yy + 10}" font-size="10" fill="#6b7280">'
                    "not in top skills</text>"
                )
                continue
            if share.share is None:
                parts.append(
                    f'<text x="{left}" y="{yy + 10}" font-size="10" fill="{colour}">'
                    f"{esc(share_text(share))}</text>"
                )
                continue
            parts.append(
                f'<rect x="{left}" y="{yy}" width="{max(share.share * span, 1):.1f}" '
                f'height="11" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{left + share.share * span + 4:.1f}" y="{yy + 10}" '
                f'font-size="10">{esc(share_text(share))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _share_list(items: Sequence[Share]) -> str:
    if not items:
        return '<span class="na">no postings</span>'
    return "<br>".join(f"{esc(s.label)}: {esc(share_text(s))}" for s in items)


def _salary_table(c: Comparison, survey: bool) -> str:
    levels = _salary_levels(c, survey)
    if not levels:
        return f'<p class="na">{NOT_ENOUGH} (n=0)</p>'
    head = (
        f"<tr><th>Level</th><th class=a>{esc(c.a.definition.role)}</th>"
        f"<th class=b>{esc(c.b.definition.role)}</th></tr>"
    )
    rows = []
    for level in levels:
        tds = []
        for side in (c.a, c.b):
            cell = _cell_for(side.survey_by_level if survey else side.salary_by_level, level)
            text = cell_text(cell) if cell else f"{NOT_ENOUGH} (n=0)"
            css = ' class="na"' if cell is None or cell.suppressed else ""
            tds.append(f"<td{css}>{esc(text)}</td>")
        rows.append(f"<tr><td>{esc(level_label(level))}</td>{''.join(tds)}</tr>")
    return f'<div class="wrap"><table>{head}{"".join(rows)}</table></div>'


def _featured(side: RoleSide) -> str:
    if not side.featured:
        return '<p class="na">No open job with a salary band.</p>'
    items = []
    for job in side.featured:
        where = " · ".join(esc(v) for v in (job.company, job.location) if v)
        link = (
            f' <a href="{esc(job.url)}" rel="nofollow noopener">view at {esc(job.source)}</a>'
            if _safe_url(job.url)
            else f" via {esc(job.source)}"
        )
        items.append(
            f'<li><div class="job">{esc(job.line)}</div>'
            f'<div class="meta">{where} · posted {esc(job.posted or "n/a")}{link}</div></li>'
        )
    return f'<ul class="jobs">{"".join(items)}</ul>'


def _definition(side: RoleSide, css: str) -> str:
    d = side.definition
    aliases = ", ".join(d.aliases[:6]) or "n/a"
    return (
        f'<div><h3 class="{css}">{esc(d.role)}</h3>'
        f"<p>{esc(d.family or 'Family unknown')} · O*NET-SOC {esc(d.soc_code or 'n/a')}<br>"
        f'<span class="meta">Also titled: {esc(aliases)}</span></p>'
        f"<p><strong>{side.jobs}</strong> jobs, {side.active} open; newest "
        f"{esc(side.newest or 'n/a')}, oldest {esc(side.oldest or 'n/a')}.</p></div>"
    )


def to_html(c: Comparison) -> str:
    a, b = c.a, c.b
    body = [
        f"<h1>{esc(c.title)}</h1>",
        f'<p class="meta">Data: {esc(window_text(c.window))}. Generated '
        f"{esc(c.window.generated_at.strftime('%Y-%m-%d %H:%M'))} UTC.</p>",
        f'<h2>The roles</h2><div class="cols">{_definition(a, "a")}{_definition(b, "b")}</div>',
        "<h2>Salary by level (advertised)</h2>",
        f'<div class="wrap">{salary_chart(c)}</div>',
        _salary_table(c, survey=False),
        "<h2>Salary by level (survey, reported; kept separate)</h2>",
        f'<p class="meta">{a.survey_answers} and {b.survey_answers} survey answers.</p>',
        _salary_table(c, survey=True),
        "<h2>Skills and tools</h2>",
        f'<div class="wrap">{skills_chart(c)}</div>',
    ]
    for title, attr in (
        ("Where and how they work", "workplace"),
        ("Employment types", "employment_types"),
        ("Levels", "levels"),
        ("Top countries", "countries"),
        ("Top cities", "cities"),
        ("Industries (as the boards state them)", "industries"),
    ):
        body.append(
            f'<h2>{esc(title)}</h2><div class="cols">'
            f'<div><h3 class="a">{esc(a.definition.role)}</h3><p>{_share_list(getattr(a, attr))}</p></div>'
            f'<div><h3 class="b">{esc(b.definition.role)}</h3><p>{_share_list(getattr(b, attr))}</p></div></div>'
        )
    body.append(
        '<h2>Featured jobs</h2><div class="cols">'
        f'<div><h3 class="a">{esc(a.definition.role)}</h3>{_featured(a)}</div>'
        f'<div><h3 class="b">{esc(b.definition.role)}</h3>{_featured(b)}</div></div>'
    )
    notes = "".join(f"<li>{esc(note)}</li>" for note in c.notes)
    body.append(
        f'<h2>About the data</h2><ul class="note">{notes}<li>Sources: {esc(_credits(c))}</li></ul>'
    )
    return page(c.title, "".join(body))


RENDERERS = {"json": to_json, "md": to_markdown, "html": to_html}


def render(comparison: Comparison, fmt: str) -> str:
    if fmt not in RENDERERS:
        raise ValueError(f"format must be one of {', '.join(RENDERERS)}, not {fmt!r}")
    return RENDERERS[fmt](comparison)


def parse_json(text: str) -> Comparison:
    return Comparison.model_validate(json.loads(text))
