"""Secrets in settings stay secret: a canary database password (and a canary in every other
`SecretStr` setting) appears in no log line at DEBUG, no Prefect parameter, log, artifact or
state, no exception, no request to a board, no raw file and no warehouse row.

PostgreSQL runs with trust auth in tests, so a URL carrying a made-up password still connects:
the canary rides through a real nightly flow run.
"""

from __future__ import annotations

import gzip
import logging
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import MetaData, select

from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from tests.conftest import EXAMPLES, POSTGRES_URL, postgres_schema, write_sources
from tests.fakeboards import FakeBoards, Fault

pytestmark = pytest.mark.slow

CANARY = "canary" + uuid.uuid4().hex[:12]
NORTHWIND = (EXAMPLES / "payloads" / "greenhouse_northwind-analytics.json").read_bytes()
WATCHED_LOGGERS = ("", "prefect", "sqlalchemy", "httpx", "httpcore", "jobingest", "alembic")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(name)s %(message)s").format(record))


@pytest.fixture
def secret_url(postgres_problem: str | None) -> Iterator[str]:
    """A PostgreSQL warehouse (own schema) whose URL carries the canary as its password."""
    with postgres_schema(postgres_problem, "jobingest_secret") as schema:
        user_at = POSTGRES_URL.split("://", 1)[1].split("@", 1)
        user = user_at[0].split(":", 1)[0]
        url = f"postgresql+psycopg://{user}:{CANARY}@{user_at[1]}?options=-csearch_path%3D{schema}"
        yield url
        get_engine(url).dispose()


@pytest.fixture
def secret_env(
    secret_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_api: None
) -> Settings:
    """The environment a deployment would have, with canaries in every secret setting."""
    monkeypatch.setenv("JOBINGEST_DATABASE_URL", secret_url)
    for name, field in Settings.model_fields.items():
        if field.annotation is SecretStr and name != "database_url":
            monkeypatch.setenv(f"JOBINGEST_{name.upper()}", f"{CANARY}-{name}")
    monkeypatch.setenv("JOBINGEST_RAW_STORE", str(tmp_path / "raw"))
    monkeypatch.setenv("JOBINGEST_HTTP_ALLOW_PRIVATE_HOSTS", '["127.0.0.1"]')
    monkeypatch.setenv("JOBINGEST_HTTP_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("JOBINGEST_HTTP_BACKOFF_MAX", "0.05")
    monkeypatch.setenv("JOBINGEST_SOURCE_TASK_RETRIES", "0")
    monkeypatch.setenv("JOBINGEST_HTTP_PER_HOST_RPS", "1000")
    settings = Settings()
    assert CANARY in settings.database_url.get_secret_value()
    return settings


@pytest.fixture
def debug_logs() -> Iterator[Collect]:
    collect = Collect()
    saved = {}
    for name in WATCHED_LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(collect)
    try:
        yield collect
    finally:
        for name, level in saved.items():
            logging.getLogger(name).removeHandler(collect)
            logging.getLogger(name).setLevel(level)


def test_canary_secrets_leak_nowhere_in_a_real_flow_run(
    boards: FakeBoards,
    secret_env: Settings,
    debug_logs: Collect,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    from flows.nightly import nightly_ingest
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, LogFilter
    from prefect.logging.handlers import APILogWorker

    sources = write_sources(
        tmp_path,
        [{"name": "northwind", "kind": "greenhouse", "board": "northwind",
          "url": boards.greenhouse("northwind-secret", NORTHWIND)},
         {"name": "broken", "kind": "greenhouse", "board": "broken",
          "url": boards.greenhouse("broken-secret", NORTHWIND)}],
    )  # fmt: skip
    boards.fail("/v1/boards/broken-secret/jobs", *[Fault("status", 500)] * 2)
    state = nightly_ingest(sources=str(sources), return_state=True)
    assert state.is_completed()
    report = state.result()
    flow_run_id = state.state_details.flow_run_id

    APILogWorker.drain_all(timeout=30)  # logs are shipped in the background; wait for them
    places: dict[str, str] = {
        "report": report.model_dump_json(),
        "settings repr": f"{secret_env!r} {secret_env} {secret_env.model_dump()}",
        "state": repr(state),
    }
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        places["flow run (parameters, state)"] = run.model_dump_json()
        only_this_run = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        places["task runs"] = " ".join(
            t.model_dump_json() for t in client.read_task_runs(flow_run_filter=only_this_run)
        )
        places["api logs"] = " ".join(
            log.message
            for log in client.read_logs(log_filter=LogFilter(flow_run_id={"any_": [flow_run_id]}))
        )
        places["artifacts"] = " ".join(
            a.model_dump_json() for a in client.read_artifacts(flow_run_filter=only_this_run)
        )
    assert places["api logs"], "the flow's logs reached the Prefect API"
    assert "broken" in places["artifacts"], "the run report artifact was read"
    captured = capfd.readouterr()
    places["debug log records"] = "\n".join(debug_logs.lines)
    places["stdout/stderr"] = captured.out + captured.err
    assert len(debug_logs.lines) > 20, "DEBUG logging was on"
    places["requests to boards"] = repr(boards.requests)
    raw = Path(secret_env.raw_store)
    places["raw files"] = " ".join(
        gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in raw.rglob("*.gz")
    )
    assert places["raw files"]
    places["warehouse rows"] = _every_row(secret_env)

    leaks = [where for where, text in places.items() if CANARY in text]
    assert leaks == []


def test_connection_failures_do_not_show_the_password(
    secret_env: Settings, debug_logs: Collect
) -> None:
    """An exception about the warehouse (here: a database that does not exist) names the
    server and the problem, not the credentials."""
    from jobingest import pipeline

    wrong = secret_env.database_url.get_secret_value().replace("/test?", "/no_such_db_x?")
    assert CANARY in wrong
    broken = secret_env.model_copy(update={"database_url": SecretStr(wrong)})
    with pytest.raises(Exception) as failure:
        pipeline.prepare_warehouse(broken)
    shown = "".join(traceback.format_exception(failure.value))
    assert "no_such_db_x" in shown
    assert CANARY not in shown
    assert not [line for line in debug_logs.lines if CANARY in line]
    get_engine(wrong).dispose()


def _every_row(settings: Settings) -> str:
    engine = get_engine(settings.database_url.get_secret_value())
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return " ".join(
            repr(row)
            for table in metadata.sorted_tables
            for row in connection.execute(select(table))
        )
