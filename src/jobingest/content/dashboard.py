"""The static dashboard: one self-contained HTML page read straight from the marts.

Everything shown comes from the `mart_*` tables and `ingest_run_source`, so any other dashboard
tool pointed at the warehouse can show the same figures. The page has no script and loads
nothing from the network: inline CSS, inline SVG.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select

from jobingest.content.compare import NOT_ENOUGH, esc, level_label, money, page, value_label
from jobingest.warehouse.marts import (
    ALL,
    mart_postings_daily,
    mart_role_profile,
    mart_salary_bands,
)
from jobingest.warehouse.tables import IngestRunSource

run_source_table: Table = IngestRunSource.__table__  # type: ignore[attr-defined]
PALETTE = ("#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626")
TOP_ROLES = 15


def daily_by_family(connection: Connection) -> dict[str, dict[date, int]]:
    """Open jobs per day and role family (unknown family as "Other")."""
    d = mart_postings_daily.c
    query = select(d.day, d.role_family, func.sum(d.open)).group_by(d.day, d.role_family)
    series: dict[str, dict[date, int]] = defaultdict(dict)
    for day, family, open_n in connection.execute(query):
        series[family or "Other"][day] = int(open_n or 0)
    return dict(series)


def salary_bands(connection: Connection) -> list[dict[str, Any]]:
    """Role × level roll-up rows (every country, workplace and month)."""
    s = mart_salary_bands.c
    query = (
        select(s.role, s.level, s.n, s.suppressed, s.p25, s.median, s.p75)
        .where(s.country == ALL, s.workplace == ALL, s.month == ALL, s.level != ALL)
        .order_by(s.role, s.level)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def profile(connection: Connection, dimension: str) -> list[dict[str, Any]]:
    p = mart_role_profile.c
    query = (
        select(p.role, p.value, p.n, p.total, p.metric, p.rank, p.suppressed)
        .where(p.dimension == dimension)
        .order_by(p.role, p.rank)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def source_health(connection: Connection) -> list[dict[str, Any]]:
    """Each source's row in the latest run that included it."""
    r = run_source_table.c
    latest = (
        select(r.source_name, func.max(r.run_id).label("run_id")).group_by(r.source_name).subquery()
    )
    query = (
        select(
            r.source_name,
            r.kind,
            r.run_id,
            r.status,
            r.reason,
            r.fetched,
            r.parsed,
            r.new,
            r.updated,
            r.unchanged,
            r.quarantined,
            r.started_at,
            r.note,
        )
        .join(latest, (latest.c.source_name == r.source_name) & (latest.c.run_id == r.run_id))
        .order_by(r.source_name)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


# ------------------------------------------------------------------------------ charts


def line_chart(series: Mapping[str, Mapping[date, int]]) -> str:
    """Inline SVG, one line per family over every day in the mart."""
    days = sorted({day for points in series.values() for day in points})
    if not days:
        return f'<p class="na">{NOT_ENOUGH}: no postings yet</p>'
    top = max(max(points.values(), default=0) for points in series.values()) or 1
    width, height, left, bottom = 640, 240, 40, 24
    span_x = (width - left - 10) / max(len(days) - 1, 1)
    scale_y = (height - bottom - 10) / top
    index = {day: i for i, day in enumerate(days)}
    parts = [
        f'<svg viewBox="0 0 {width} {height + 20 * len(series)}" role="img" '
        'aria-label="Open jobs per day by role family">'
    ]
    parts.append(f'<text x="0" y="14" font-size="11">{top}</text>')
    parts.append(f'<text x="0" y="{height - bottom}" font-size="11">0</text>')
    parts.append(f'<text x="{left}" y="{height - 6}" font-size="11">{esc(days[0])}</text>')
    parts.append(f'<text x="{width - 80}" y="{height - 6}" font-size="11">{esc(days[-1])}</text>')
    for i, (family, points) in enumerate(sorted(series.items())):
        colour = PALETTE[i % len(PALETTE)]
        coords = " ".join(
            f"{left + index[day] * span_x:.1f},{height - bottom - points.get(day, 0) * scale_y:.1f}"
            for day in days
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'
        )
        if len(days) == 1:  # a single day is a point, not a line
            x, y0 = coords.split(",")
            parts.append(f'<circle cx="{x}" cy="{y0}" r="4" fill="{colour}"/>')
        y = height + 14 + i * 20
        parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{left + 18}" y="{y}" font-size="12">{esc(family)} '
            f"(open today: {points.get(days[-1], 0)})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(rows: Sequence[tuple[str, float | None, str]], label: str) -> str:
    """Horizontal bars of shares (0..1); a None share prints its text instead of a bar."""
    if not rows:
        return f'<p class="na">{NOT_ENOUGH}</p>'
    width, left, row_h = 640, 200, 22
    span = width - left - 150
    parts = [
        f'<svg viewBox="0 0 {width} {row_h * len(rows) + 6}" role="img" aria-label="{esc(label)}">'
    ]
    for i, (name, share, text) in enumerate(rows):
        y = 4 + i * row_h
        short = name if len(name) <= 28 else name[:27] + "…"
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{esc(short)}</text>')
        length = (share or 0.0) * span
        if share is not None:
            parts.append(
                f'<rect x="{left}" y="{y + 2}" width="{max(length, 1):.1f}" height="14" '
                f'fill="{PALETTE[0]}"/>'
            )
        parts.append(
            f'<text x="{left + length + 4:.1f}" y="{y + 13}" font-size="11">{esc(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------------------------ sections


def _share_text(row: Mapping[str, Any]) -> str:
    if row["suppressed"] or row["metric"] is None:
        return f"{NOT_ENOUGH} ({row['n']} of {row['total']})"
    return f"{row['metric']:.0%} ({row['n']} of {row['total']})"


def _overview(connection: Connection) -> str:
    totals = {r["value"]: r for r in profile(connection, "workplace") if r["role"] == ALL}
    jobs = next((r["total"] for r in totals.values()), 0)
    return (
        f"<h2>Market overview</h2><p><strong>{jobs}</strong> canonical jobs in the warehouse.</p>"
        + f'<div class="wrap">{line_chart(daily_by_family(connection))}</div>'
    )


def _salaries(connection: Connection) -> str:
    rows = salary_bands(connection)
    if not rows:
        return f'<h2>Salary bands by role and level</h2><p class="na">{NOT_ENOUGH}</p>'
    body = []
    for r in rows:
        if r["suppressed"] or r["median"] is None:
            figure = f'<td class="na">{NOT_ENOUGH}</td><td></td>'
        else:
            figure = f"<td>{esc(money(r['median']))}</td><td>{esc(money(r['p25']))} – {esc(money(r['p75']))}</td>"
        body.append(
            f"<tr><td>{esc(r['role'] or 'No role')}</td>"
            f"<td>{esc(level_label(r['level']))}</td><td>{r['n']}</td>{figure}</tr>"
        )
    return (
        "<h2>Salary bands by role and level</h2>"
        '<p class="meta">Advertised pay, annualised USD, one figure per job (band midpoint).</p>'
        '<div class="wrap"><table><tr><th>Role</th><th>Level</th><th>n</th><th>Median</th>'
        f"<th>IQR</th></tr>{''.join(body)}</table></div>"
    )


def _remote(connection: Connection) -> str:
    workplace = profile(connection, "workplace")
    remote = {r["role"]: r for r in workplace if r["value"] == "remote"}
    roles = [r for r in profile(connection, "postings") if r["role"] != ALL]
    roles.sort(key=lambda r: (-r["total"], str(r["role"])))
    rows = [remote.get(r["role"]) or {**r, "n": 0, "metric": 0.0} for r in roles]
    bars = [
        (str(r["role"] or "No role"), None if r["suppressed"] else r["metric"], _share_text(r))
        for r in rows[:TOP_ROLES]
    ]
    overall = [r for r in workplace if r["role"] == ALL]
    summary = ", ".join(f"{value_label(r['value'])} {_share_text(r)}" for r in overall)
    return (
        f"<h2>Remote share</h2><p>All jobs: {esc(summary) or 'no postings'}.</p>"
        f'<p class="meta">Share of each role\'s jobs that are remote (largest roles).</p>'
        + f'<div class="wrap">{bar_chart(bars, "Remote share by role")}</div>'
    )


def _skills(connection: Connection) -> str:
    rows = [r for r in profile(connection, "skill") if r["role"] == ALL]
    bars = [
        (str(r["value"]), None if r["suppressed"] else r["metric"], _share_text(r)) for r in rows
    ]
    return f'<h2>Top skills</h2><div class="wrap">{bar_chart(bars, "Top skills across all jobs")}</div>'


def _health(connection: Connection) -> str:
    rows = source_health(connection)
    if not rows:
        return '<h2>Source health</h2><p class="na">No runs yet.</p>'
    body = []
    for r in rows:
        silent = r["status"] == "ok" and not r["parsed"]
        flag = "failed" if r["status"] == "failed" else ("silent zero" if silent else r["status"])
        css = ' class="bad"' if flag in ("failed", "silent zero") else ""
        started = r["started_at"].strftime("%Y-%m-%d %H:%M") if r["started_at"] else ""
        body.append(
            f"<tr{css}><td>{esc(r['source_name'])}</td><td>{esc(r['kind'])}</td>"
            f"<td>{r['run_id']} ({esc(started)})</td><td>{esc(flag)}</td><td>{r['fetched']}</td>"
            f"<td>{r['parsed']}</td><td>{r['new']}</td><td>{r['updated']}</td>"
            f"<td>{r['unchanged']}</td><td>{r['quarantined']}</td>"
            f"<td>{esc(r['reason'] or r['note'] or '')}</td></tr>"
        )
    return (
        '<h2>Source health</h2><div class="wrap"><table><tr><th>Source</th><th>Kind</th>'
        "<th>Last run</th><th>Status</th><th>Fetched</th><th>Parsed</th><th>New</th>"
        "<th>Updated</th><th>Unchanged</th><th>Quarantined</th><th>Reason</th></tr>"
        f"{''.join(body)}</table></div>"
    )


def render_dashboard(connection: Connection, *, now: datetime) -> str:
    """The whole page; the marts must have been refreshed (see `refresh_marts`)."""
    body = [
        "<h1>Job market dashboard</h1>",
        f'<p class="meta">From the jobingest warehouse marts, generated '
        f"{esc(now.strftime('%Y-%m-%d %H:%M'))} UTC.</p>",
        _overview(connection),
        _salaries(connection),
        _remote(connection),
        _skills(connection),
        _health(connection),
    ]
    return page("Job market dashboard", "".join(body)).replace(
        "</style>", "tr.bad td{background:#fef2f2}</style>", 1
    )
