"""The raw landing zone: every body fetched, gzip-compressed under the sha256 of its bytes.

Named by hash, never by URL, so identical bodies are stored once and no URL text ever becomes a
path. The location is an fsspec URL: a local folder by default, object storage at scale.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

import fsspec

_COMPRESS_LEVEL = 6
_SHA256_HEX = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredPayload:
    sha256: str
    size: int
    stored_size: int
    created: bool


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class RawStore:
    def __init__(self, url: str) -> None:
        fs, root = fsspec.core.url_to_fs(url)
        self._fs: Any = fs
        self._root = root.rstrip("/")

    def path_of(self, sha256: str) -> str:
        if _SHA256_HEX.fullmatch(sha256) is None:
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return f"{self._root}/{sha256[:2]}/{sha256[2:4]}/{sha256}.gz"

    def put(self, body: bytes) -> StoredPayload:
        digest = sha256_of(body)
        path = self.path_of(digest)
        if self._fs.exists(path):
            return StoredPayload(digest, len(body), int(self._fs.size(path)), created=False)
        compressed = gzip.compress(body, compresslevel=_COMPRESS_LEVEL, mtime=0)
        parent = path.rsplit("/", 1)[0]
        self._fs.makedirs(parent, exist_ok=True)
        # Write then rename, so a crash never leaves a half-written payload under a valid name.
        partial = f"{parent}/.{digest}.{uuid.uuid4().hex}.part"
        with self._fs.open(partial, "wb") as handle:
            handle.write(compressed)
        self._fs.mv(partial, path)
        return StoredPayload(digest, len(body), len(compressed), created=True)

    def get(self, sha256: str) -> bytes:
        with self._fs.open(self.path_of(sha256), "rb") as handle:
            body = _gunzip(handle.read())
        if sha256_of(body) != sha256:
            raise ValueError(f"raw payload {sha256} is corrupt (hash mismatch)")
        return body

    def exists(self, sha256: str) -> bool:
        return bool(self._fs.exists(self.path_of(sha256)))


def _gunzip(data: bytes) -> bytes:
    """gzip.decompress, with the one-member body `put` writes inflated by zlib in one call; any
    other (several members, padding, damage) goes to gzip.decompress, which decides or raises."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(data)
    except zlib.error:
        return gzip.decompress(data)
    if inflater.eof and not inflater.unused_data:
        return body
    return gzip.decompress(data)
