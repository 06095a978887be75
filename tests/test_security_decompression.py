"""Compression bombs stop at `http_max_body_bytes` with memory bounded by the cap.

The bombs are built streaming (a deflate block of 1 MiB of zeros repeats byte for byte after a
full flush), so a 10 GiB inflation costs a few KB to build. The fetch itself runs in a child
process under an address-space limit: a regression then fails with MemoryError instead of
taking the machine down, and the child reports its traced peak and RSS growth.
"""

from __future__ import annotations

import gzip
import json
import resource
import struct
import subprocess
import sys
import tracemalloc
import uuid
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jobingest.inflate import inflate
from tests.conftest import ROOT
from tests.fakeboards import FakeBoards, Fault

MIB = 1 << 20
CAP = 2 * MIB
# Traced allocations may reach the cap itself (the body kept so far) plus a few pieces per
# layer in flight; anything near the inflated size means the chain is not streamed.
PEAK_BOUND = 3 * CAP
RSS_BOUND = 32 * CAP
CHILD_ADDRESS_SPACE = 3 * 1024 * MIB


def zero_blocks(count: int) -> Iterator[bytes]:
    """Raw deflate of `count` MiB of zeros (ending with the final block), one block at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(b"\0" * MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    for _ in range(count):
        yield block
    yield compressor.flush(zlib.Z_FINISH)


def gzip_of_zeros(mebibytes: int) -> Iterator[bytes]:
    """A valid gzip member inflating to `mebibytes` MiB of zeros, streamed."""
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    yield from zero_blocks(mebibytes)
    size = mebibytes * MIB
    yield struct.pack("<II", crc32_of_zeros(size), size & 0xFFFFFFFF)


def compress_stream(chunks: Iterator[bytes], coding: str) -> bytes:
    wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join([*(compressor.compress(c) for c in chunks), compressor.flush()])


def layered_bomb(mebibytes: int, encodings: list[str]) -> bytes:
    """Zeros under every encoding of a `Content-Encoding` list; the first listed is gzip."""
    assert encodings[0] == "gzip"
    body = compress_stream(gzip_of_zeros(mebibytes), encodings[1])
    for coding in encodings[2:]:
        body = compress_stream(iter([body]), coding)
    return body


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def crc32_of_zeros(length: int) -> int:
    """CRC-32 of `length` zero bytes without touching them (zlib's crc32_combine with crc1=0
    degenerates to this: shift the register through `length` zero bytes)."""
    # Operator for one zero bit, then squared up to one zero byte.
    operator = [0xEDB88320] + [1 << n for n in range(31)]
    for _ in range(3):
        operator = [_gf2_times(operator, column) for column in operator]
    crc = 0xFFFFFFFF
    while length:
        if length & 1:
            crc = _gf2_times(operator, crc)
        operator = [_gf2_times(operator, column) for column in operator]
        length >>= 1
    return crc ^ 0xFFFFFFFF


def test_the_bomb_builder_makes_real_gzip() -> None:
    """The construction is honest: at a small size it decodes to exactly the zeros it claims."""
    assert crc32_of_zeros(3 * MIB + 5) == zlib.crc32(b"\0" * (3 * MIB + 5))
    body = layered_bomb(3, ["gzip", "gzip"])
    assert gzip.decompress(gzip.decompress(body)) == b"\0" * (3 * MIB)
    chain = ["gzip", "gzip", "deflate", "gzip", "deflate", "gzip"]
    decoded = layered_bomb(2, chain)
    for coding in reversed(chain):
        decoded = gzip.decompress(decoded) if coding == "gzip" else zlib.decompress(decoded)
    assert decoded == b"\0" * (2 * MIB)


def _probe(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.test_security_decompression", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    print(report)
    return report


def test_gzip_of_gzip_inflating_to_10_gib_stops_at_the_cap(boards: FakeBoards) -> None:
    bomb = layered_bomb(10 * 1024, ["gzip", "gzip"])
    print(f"{len(bomb)} bytes on the wire inflate to 10 GiB")
    assert len(bomb) < 64 * 1024
    url = boards.publish("/v1/boards/bomb-10g/jobs", b"{}")
    boards.fail(
        "/v1/boards/bomb-10g/jobs",
        Fault("raw", headers={"Content-Encoding": "gzip, gzip"}, body=bomb),
    )
    report = _probe("fetch", url)
    assert report["error"] == "PayloadTooLargeError", report
    assert isinstance(report["peak"], int) and report["peak"] < PEAK_BOUND
    assert isinstance(report["rss_growth"], int) and report["rss_growth"] < RSS_BOUND


def test_six_deep_encoding_chain_is_refused_before_decoding(boards: FakeBoards) -> None:
    chain = ["gzip", "gzip", "deflate", "gzip", "deflate", "gzip"]
    url = boards.publish("/v1/boards/chain-6/jobs", b"{}")
    boards.fail(
        "/v1/boards/chain-6/jobs",
        Fault(
            "raw",
            headers={"Content-Encoding": ", ".join(chain)},
            body=layered_bomb(10 * 1024, chain),
        ),
    )
    report = _probe("fetch", url)
    assert report["error"] == "FetchError" and "6 stacked" in str(report["message"]), report
    assert isinstance(report["peak"], int) and report["peak"] < PEAK_BOUND


def test_six_deep_chain_streams_to_the_cap_when_decoded(tmp_path: Path) -> None:
    """Were the fetcher's depth limit lifted, the decoder is still bounded: six layers over
    10 GiB of zeros still stop at the cap with bounded memory."""
    chain = ["gzip", "gzip", "deflate", "gzip", "deflate", "gzip"]
    body = tmp_path / "chain.bin"
    body.write_bytes(layered_bomb(10 * 1024, chain))
    report = _probe("inflate", str(body), ",".join(chain))
    assert report["error"] == "PayloadTooLargeError", report
    assert isinstance(report["peak"], int) and report["peak"] < PEAK_BOUND


def _measure_fetch(url: str) -> None:
    from jobingest.fetch import open_fetcher
    from jobingest.settings import Settings

    settings = Settings(
        http_allow_private_hosts=["127.0.0.1"], http_max_body_bytes=CAP, http_max_attempts=1
    )
    with open_fetcher(settings) as fetcher:
        _report(lambda: fetcher.get(url))


def _measure_inflate(path: str, encodings: str) -> None:
    from jobingest.errors import PayloadTooLargeError

    def read() -> None:
        size = 0
        for piece in inflate(iter([Path(path).read_bytes()]), encodings.split(",")):
            size += len(piece)
            if size > CAP:
                raise PayloadTooLargeError(path, "passed the cap")

    _report(read)


def _report(action: Callable[[], object]) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    outcome: dict[str, str | None] = {"error": None, "message": ""}
    try:
        action()
    except Exception as exc:
        outcome = {"error": type(exc).__name__, "message": str(exc)}
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    print(json.dumps({**outcome, "peak": peak, "rss_growth": growth}))


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))
    if sys.argv[1] == "fetch":
        _measure_fetch(sys.argv[2])
    else:
        _measure_inflate(sys.argv[2], sys.argv[3])


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),
        ("gzip", lambda data: gzip.compress(data[:100]) + gzip.compress(data[100:])),
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
    ids=["gzip", "zlib-deflate", "raw-deflate", "two-gzip-members", "gzip-gzip", "identity"],
)
def test_honest_encoded_bodies_still_decode(
    boards: FakeBoards, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    """Control for the bombs: the streaming decoder returns real bodies byte for byte."""
    from jobingest.fetch import open_fetcher
    from jobingest.settings import Settings

    body = json.dumps({"jobs": [{"id": n, "title": f"Engineer {n}"} for n in range(3000)]})
    path = f"/v1/boards/encoded-{uuid.uuid4().hex[:8]}/jobs"
    url = boards.publish(path, b"{}")
    boards.fail(
        path, Fault("raw", headers={"Content-Encoding": encoding}, body=encode(body.encode()))
    )
    settings = Settings(http_allow_private_hosts=["127.0.0.1"], http_max_attempts=1)
    with open_fetcher(settings) as fetcher:
        assert fetcher.get(url).body == body.encode()


def test_corrupt_and_truncated_gzip_fail_cleanly(boards: FakeBoards) -> None:
    from jobingest.errors import FetchError
    from jobingest.fetch import open_fetcher
    from jobingest.settings import Settings

    whole = gzip.compress(b'{"jobs": []}' * 1000)
    url = boards.publish("/v1/boards/bad-gzip/jobs", b"{}")
    boards.fail(
        "/v1/boards/bad-gzip/jobs",
        Fault("raw", headers={"Content-Encoding": "gzip"}, body=whole[: len(whole) // 2]),
        Fault("raw", headers={"Content-Encoding": "gzip"}, body=b"not gzip at all"),
        Fault("raw", headers={"Content-Encoding": "br"}, body=b"\x0b\x02\x80hello\x03"),
    )
    settings = Settings(http_allow_private_hosts=["127.0.0.1"], http_max_attempts=1)
    with open_fetcher(settings) as fetcher:
        for reason in ("ends before", "corrupt", "unsupported content encoding"):
            with pytest.raises(FetchError, match=reason):
                fetcher.get(url)
