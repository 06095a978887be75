"""What `jobingest compare` and `jobingest dashboard` do, kept out of cli.py so they are testable
without a terminal. Both bring the warehouse schema up to date first, like `run` does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from jobingest.content.compare import load_comparison, render
from jobingest.content.dashboard import render_dashboard
from jobingest.pipeline import database_url, prepare_warehouse
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from jobingest.warehouse.marts import refresh_marts

FORMATS = ("json", "md", "html")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def compare_command(
    settings: Settings,
    role_a: str,
    role_b: str,
    country: str | None,
    since: date | None,
    fmt: str,
    out: Path | None,
    *,
    min_n: int | None = None,
    clock: Callable[[], datetime] = _utcnow,
) -> str:
    """Write the comparison page to `out` (or return it when `out` is None)."""
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    prepare_warehouse(settings)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None
    with get_engine(database_url(settings)).connect() as connection:
        comparison = load_comparison(
            connection,
            role_a,
            role_b,
            country=country.upper() if country else None,
            since=start,
            now=clock(),
            min_n=min_n or settings.marts_min_n,
        )
    text = render(comparison, fmt)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return text


def dashboard_command(
    settings: Settings,
    out_dir: Path,
    *,
    min_n: int | None = None,
    clock: Callable[[], datetime] = _utcnow,
) -> Path:
    """Refresh the marts, then write out_dir/index.html from them."""
    prepare_warehouse(settings)
    now = clock()
    with get_engine(database_url(settings)).begin() as connection:
        refresh_marts(connection, min_n=min_n or settings.marts_min_n, now=now)
        page = render_dashboard(connection, now=now)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
