"""Raw files are named by the sha256 of the body only: no URL text can steer where they land."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobingest import pipeline
from jobingest.rawstore import RawStore
from jobingest.settings import Settings
from tests.conftest import write_sources
from tests.fakeboards import FakeBoards

ESCAPE = "escape-d41d8c"  # a name nothing else in the test tree uses
RAW_NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.gz")

# Raw request paths (as httpx sends them) and query strings an attacker-controlled sources file
# or redirect could carry. Plain `../` is normalised away by the URL parser before sending, so
# it is exercised in the query, where it survives.
EVIL_PATHS = [
    f"/v1/boards/%2e%2e%2f%2e%2e%2f%2e%2e%2f{ESCAPE}/jobs",
    f"/v1/boards/..%2f..%2f..%2f{ESCAPE}/jobs",
    "/v1/boards/nul%00byte/jobs",
    "/v1/boards/" + "x" * 5000 + "/jobs",
]
EVIL_QUERY = f"next=../../../../{ESCAPE}&alt=%2e%2e%2f%2e%2e%2f{ESCAPE}&nul=%00&pad=" + "y" * 5000


def test_evil_urls_land_inside_the_store_under_hash_names(
    boards: FakeBoards, sqlite_settings: Settings, tmp_path: Path
) -> None:
    bodies = {
        path: json.dumps({"jobs": [], "meta": {"total": 0, "n": n}}).encode()
        for n, path in enumerate(EVIL_PATHS)
    }
    entries: list[dict[str, object]] = []
    for n, (path, body) in enumerate(bodies.items()):
        boards.publish(path, body)
        entries.append(
            {
                "name": f"evil-{n}",
                "kind": "greenhouse",
                "board": f"evil-{n}",
                "url": f"{boards.base_url}{path}?{EVIL_QUERY}",
            }
        )
    report = pipeline.run_once(sqlite_settings, write_sources(tmp_path, entries))
    assert {s.status for s in report.sources} == {"ok"}, report.sources
    assert all(boards.seen(path) for path in EVIL_PATHS), "every evil URL was really fetched"

    root = Path(sqlite_settings.raw_store)
    stored = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    digests = {hashlib.sha256(body).hexdigest() for body in bodies.values()}
    expected = sorted(f"{d[:2]}/{d[2:4]}/{d}.gz" for d in digests)
    assert stored == expected
    outside = [
        p.relative_to(tmp_path).as_posix()
        for p in tmp_path.rglob("*")
        if p.is_file() and root not in p.parents
    ]
    assert {name.removesuffix("-wal").removesuffix("-shm") for name in outside} == {
        "sources.yaml",
        "warehouse.db",
    }
    assert list(tmp_path.parent.rglob(f"*{ESCAPE}*")) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "%2e%2e%2f" * 3 + "a" * 55,
        "0" * 63 + "\0",
        "A" * 64,  # upper-case hex is not how we name files
        "0" * 5000,
        "",
    ],
)
def test_only_a_hex_digest_can_name_a_raw_file(tmp_path: Path, name: str) -> None:
    store = RawStore(str(tmp_path / "raw"))
    with pytest.raises(ValueError, match="sha256"):
        store.path_of(name)
    with pytest.raises(ValueError, match="sha256"):
        store.get(name)


@settings(max_examples=60, deadline=None)
@given(body=st.binary(max_size=2048) | st.text(max_size=600).map(str.encode))
def test_any_body_is_stored_inside_the_root_under_its_hash(tmp_path_factory, body: bytes):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("raw")
    store = RawStore(str(root))
    stored = store.put(body)
    path = Path(store.path_of(stored.sha256)).resolve()
    assert root.resolve() in path.parents
    assert RAW_NAME.fullmatch(path.relative_to(root.resolve()).as_posix())
    assert stored.sha256 == hashlib.sha256(body).hexdigest() and store.get(stored.sha256) == body
