"""Shared fixtures: the fake boards server, settings, and warehouses on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from jobingest.settings import Settings
from tests.fakeboards import FakeBoards

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
POSTGRES_URL = os.environ.get(
    "JOBINGEST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# In CI a missing PostgreSQL is a failure, not a skip.
POSTGRES_REQUIRED = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def write_sources(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    """A sources file with these entries (JSON is YAML)."""
    path = tmp_path / "sources.yaml"
    path.write_text(json.dumps({"sources": entries}))
    return path


def run_child(args: list[str], settings: Settings, **env: str) -> subprocess.CompletedProcess[str]:
    """A Python child (crash tests kill it) with `settings`'s warehouse and raw store, `env` on
    top, and no other JOBINGEST_ settings of this process."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("JOBINGEST_")}
    child_env.update(
        JOBINGEST_DATABASE_URL=settings.database_url.get_secret_value(),
        JOBINGEST_RAW_STORE=settings.raw_store,
        JOBINGEST_LOAD_BATCH_SIZE=str(settings.load_batch_size),
        PYTHONPATH=str(ROOT / "src"),
        **env,
    )
    return subprocess.run(
        [sys.executable, *args],
        env=child_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def example_board_titled(
    boards: FakeBoards, tmp_path: Path, *, name: str, board: str, titles: list[str]
) -> tuple[Path, int]:
    """A sources file of one Greenhouse board, the offline example's jobs with their first
    titles replaced, and how many jobs the board lists."""
    payload = json.loads(
        (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
    )
    for job, title in zip(payload["jobs"], titles, strict=False):
        job["title"] = title
    sources = write_sources(
        tmp_path,
        [{"name": name, "kind": "greenhouse", "board": board,
          "url": boards.greenhouse(name, json.dumps(payload).encode())}],
    )  # fmt: skip
    return sources, len(payload["jobs"])


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect API for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flow_env(
    monkeypatch: pytest.MonkeyPatch, sqlite_settings: Settings, prefect_api: None
) -> Settings:
    """Flows build their own Settings from the environment, as a deployment would."""
    monkeypatch.setenv("JOBINGEST_DATABASE_URL", sqlite_settings.database_url.get_secret_value())
    monkeypatch.setenv("JOBINGEST_RAW_STORE", sqlite_settings.raw_store)
    monkeypatch.setenv("JOBINGEST_HTTP_ALLOW_PRIVATE_HOSTS", '["127.0.0.1"]')
    monkeypatch.setenv("JOBINGEST_HTTP_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("JOBINGEST_HTTP_BACKOFF_MAX", "0.05")
    monkeypatch.setenv("JOBINGEST_SOURCE_TASK_RETRIES", "0")
    monkeypatch.setenv("JOBINGEST_HTTP_PER_HOST_RPS", "1000")
    return sqlite_settings


@pytest.fixture(scope="session")
def fakeboards() -> Iterator[FakeBoards]:
    with FakeBoards() as server:
        yield server


@pytest.fixture
def boards(fakeboards: FakeBoards) -> FakeBoards:
    """The session's server with a clean request log."""
    fakeboards.reset_log()
    return fakeboards


def _postgres_available() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}"


@pytest.fixture(scope="session")
def postgres_problem() -> str | None:
    return _postgres_available()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_problem: str | None
) -> Iterator[str]:
    """A fresh, empty warehouse: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    from jobingest.warehouse.db import get_engine

    with postgres_schema(postgres_problem, "jobingest_test") as schema:
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        yield url
        get_engine(url).dispose()


@contextmanager
def postgres_schema(problem: str | None, prefix: str) -> Iterator[str]:
    """A schema of its own on the test PostgreSQL, dropped afterwards; skips, or fails under
    CI, when PostgreSQL is unreachable."""
    if problem:
        if POSTGRES_REQUIRED:
            pytest.fail(problem)
        pytest.skip(problem)
    import psycopg

    from jobingest.warehouse.db import get_engine

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        get_engine.cache_clear()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for one test: its own warehouse and raw store, loopback allowed, fast retries."""
    return Settings(
        database_url=database_url,
        raw_store=str(tmp_path / "raw"),
        http_allow_private_hosts=["127.0.0.1"],
        http_per_host_rps=1000,
        http_max_attempts=3,
        http_backoff_max=0.05,
        http_timeout=5.0,
        source_task_retries=0,
    )


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'warehouse.db'}",
        raw_store=str(tmp_path / "raw"),
        http_allow_private_hosts=["127.0.0.1"],
        http_per_host_rps=1000,
        http_max_attempts=3,
        http_backoff_max=0.05,
        http_timeout=5.0,
        source_task_retries=0,
    )
