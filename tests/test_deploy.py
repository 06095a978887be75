"""deploy/prefect.yaml registers against a real `prefect server start`, as in production.

Starts a throwaway server on 127.0.0.1 in a temporary PREFECT_HOME (deselect with
`-m "not deploy"`).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.deploy]

PREFECT = [sys.executable, "-m", "prefect"]
_STARTUP_SECONDS = 180
_COMMAND_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_CLI_PROMPT": "false",
    }
    env.pop("PREFECT_PROFILES_PATH", None)
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(env["PREFECT_API_URL"], server, home / "server.log")
        yield env
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()


def _wait_healthy(api: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{api}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"prefect server not healthy after {_STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}")


def _prefect(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*PREFECT, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=_COMMAND_SECONDS,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{output}"
    return output


def test_prefect_deploy_registers_the_deployments_and_the_nightly_schedule(
    prefect_server: dict[str, str],
) -> None:
    env = prefect_server
    _prefect(env, "work-pool", "create", "jobingest", "--type", "process")
    _prefect(env, "--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml")

    listed = _prefect(env, "deployment", "ls")
    assert "nightly-ingest/nightly-ingest" in listed
    assert "backfill/backfill" in listed
    assert "backfill-dask/backfill-dask" in listed
    assert "rebuild-marts/rebuild-marts" in listed

    nightly = _prefect(env, "deployment", "schedule", "ls", "nightly-ingest/nightly-ingest")
    assert "0 2 * * *" in nightly
    backfill = _prefect(env, "deployment", "schedule", "ls", "backfill/backfill")
    assert "cron" not in backfill, "backfills run on demand only"

    inspected = json.loads(
        _prefect(env, "deployment", "inspect", "nightly-ingest/nightly-ingest", "-o", "json")
    )
    assert inspected["work_pool_name"] == "jobingest"
    assert inspected["parameters"] == {"sources": "sources.yaml"}
    [schedule] = inspected["schedules"]
    assert schedule["schedule"]["cron"] == "0 2 * * *"
    assert schedule["schedule"]["timezone"] == "UTC" and schedule["active"] is True
    limit = inspected.get("global_concurrency_limit") or {}
    assert inspected.get("concurrency_limit") == 1 or limit.get("limit") == 1, inspected
