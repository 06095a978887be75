"""Fresh, empty warehouses for each measured run: a new SQLite file, or a new PostgreSQL schema
that is dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine


def postgres_problem(url: str | None) -> str | None:
    """Why PostgreSQL rows cannot run, or None when they can."""
    if not url:
        return "no --postgres URL"
    try:
        import psycopg
    except ImportError:
        return "psycopg not installed (pip install 'jobingest[postgres]')"
    try:
        with psycopg.connect(_plain(url), connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL not reachable ({type(exc).__name__})"


@contextmanager
def fresh_warehouse(
    database: str,
    folder: Path,
    *,
    raw_store: str,
    postgres_url: str | None = None,
    loopback: bool = False,
) -> Iterator[Settings]:
    """Settings pointing at a new, empty warehouse of `database` ("sqlite" or "postgresql");
    `loopback` lets the fetcher reach 127.0.0.1. Everything else (politeness limits, batch
    size) comes from the environment, as for any run."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    extra = {"http_allow_private_hosts": ["127.0.0.1"]} if loopback else {}
    if database == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / name}.db"
        yield Settings(database_url=url, raw_store=raw_store, **extra)  # type: ignore[arg-type]
        return
    if postgres_url is None:
        raise ValueError("a PostgreSQL warehouse needs a URL")
    import psycopg

    with psycopg.connect(_plain(postgres_url), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{name}"')  # sql: identifiers only
    separator = "&" if "?" in postgres_url else "?"
    url = f"{postgres_url}{separator}options=-csearch_path%3D{name}"
    try:
        yield Settings(database_url=url, raw_store=raw_store, **extra)  # type: ignore[arg-type]
    finally:
        get_engine(url).dispose()
        get_engine.cache_clear()
        with psycopg.connect(_plain(postgres_url), autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{name}" CASCADE')  # sql: identifiers only


def _plain(url: str) -> str:
    """The URL psycopg takes (no SQLAlchemy driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)
