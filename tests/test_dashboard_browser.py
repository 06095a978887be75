"""The dashboard in a real headless Chromium (Debian's `chromium` package): it loads without a
console message, its charts are in the rendered DOM, and a screenshot is produced.

Nothing is installed here: without /usr/bin/chromium the test skips with the reason, and fails
instead when CI is set (CI installs the package)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from jobingest.content.commands import dashboard_command
from jobingest.settings import Settings
from tests.marts_world import NOW, build

CHROMIUM = Path("/usr/bin/chromium")
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--hide-scrollbars",
)  # fmt: skip
CONSOLE = re.compile(r":CONSOLE[:(]")


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def _browse(chromium: Path, page: Path, tmp_path: Path, *extra: str) -> tuple[str, str]:
    """Run Chromium on `page`; returns (stdout, stderr)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    done = subprocess.run(
        [str(chromium), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def test_console_errors_are_detected(chromium: Path, tmp_path: Path) -> None:
    """The check below can fail: a page that logs an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom'); nosuch();</script>")
    _, stderr = _browse(chromium, page, tmp_path, "--dump-dom")
    assert CONSOLE.search(stderr) and "boom" in stderr


def test_dashboard_loads_cleanly_and_renders(
    chromium: Path, sqlite_settings: Settings, tmp_path: Path
) -> None:
    build(sqlite_settings)
    index = dashboard_command(sqlite_settings, tmp_path / "dashboard", clock=lambda: NOW)
    dom, stderr = _browse(chromium, index, tmp_path, "--dump-dom")
    console = [line for line in stderr.splitlines() if CONSOLE.search(line)]
    assert console == []
    for heading in (
        "Market overview",
        "Salary bands by role and level",
        "Remote share",
        "Top skills",
        "Source health",
    ):
        assert f"<h2>{heading}</h2>" in dom
    assert dom.count("<svg") >= 3 and "<polyline" in dom and "<rect" in dom
    assert "northwind-analytics" in dom and "Data Operations Manager" in dom
    shot = tmp_path / "dashboard.png"
    _, stderr = _browse(
        chromium, index, tmp_path, f"--screenshot={shot}", "--window-size=1024,2000"
    )
    assert not [line for line in stderr.splitlines() if CONSOLE.search(line)]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank image
