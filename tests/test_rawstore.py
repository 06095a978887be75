"""The raw landing zone stores each distinct body once, compressed, under its hash."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from jobingest.rawstore import RawStore


def test_bodies_are_named_by_hash_and_stored_once(tmp_path: Path) -> None:
    store = RawStore(str(tmp_path / "raw"))
    body = b'{"jobs": []}' * 100
    first = store.put(body)
    again = store.put(body)
    digest = hashlib.sha256(body).hexdigest()
    assert first.sha256 == again.sha256 == digest
    assert (first.created, again.created) == (True, False)
    files = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [f"{digest}.gz"]
    assert gzip.decompress(files[0].read_bytes()) == body
    assert first.stored_size < first.size
    assert store.get(digest) == body


def test_a_corrupted_payload_is_detected(tmp_path: Path) -> None:
    store = RawStore(str(tmp_path))
    stored = store.put(b"original")
    Path(store.path_of(stored.sha256)).write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(ValueError, match="corrupt"):
        store.get(stored.sha256)


def test_only_hashes_become_paths(tmp_path: Path) -> None:
    store = RawStore(str(tmp_path))
    with pytest.raises(ValueError):
        store.path_of("../../etc/passwd")


def test_fsspec_urls_work_as_store_locations(tmp_path: Path) -> None:
    store = RawStore(f"file://{tmp_path}/landing")
    stored = store.put(b"payload")
    assert store.exists(stored.sha256)
    assert (tmp_path / "landing").is_dir()
