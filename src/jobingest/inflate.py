"""Undo `Content-Encoding` layers as a stream, never more than one piece at a time.

httpx hands each network chunk to zlib without an output limit, so a 40 KB body of stacked
gzip can turn into gigabytes in one call before any cap is looked at. Here every layer asks
zlib for at most `PIECE` bytes and yields it, so the reader's cap stops the whole chain after
a bounded amount of work and memory, however many layers there are.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence

PIECE = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class ContentDecodingError(ValueError):
    """A body does not decode as its `Content-Encoding` says."""


def inflate(chunks: Iterable[bytes], encodings: Sequence[str]) -> Iterator[bytes]:
    """The decoded body of raw `chunks` sent with these encodings (in the header's order)."""
    stream: Iterator[bytes] = iter(chunks)
    for coding in reversed([e.strip().lower() for e in encodings]):
        stream = _layer(coding)(stream)
    return stream


def _layer(coding: str) -> Callable[[Iterator[bytes]], Iterator[bytes]]:
    if coding in ("gzip", "x-gzip"):
        return _gunzip
    if coding == "deflate":
        return _inflate_deflate
    if coding == "identity":
        return _identity
    raise ContentDecodingError(f"unsupported content encoding {coding!r}")


def _identity(chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield from chunks


def _gunzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """gzip, including bodies of several concatenated members (what `gzip -c a b` writes)."""
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    started = False
    for chunk in chunks:
        data = chunk
        while data:
            if decoder.eof:
                if not data.startswith(_GZIP_MAGIC[: len(data)]):
                    return  # padding after the last member, which `gzip -d` tolerates too
                decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            started = True
            yield from _drain(decoder, data)
            data = decoder.unused_data if decoder.eof else b""
    if started and not decoder.eof:
        raise ContentDecodingError("gzip body ends before its last member does")


def _inflate_deflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """HTTP `deflate` is zlib-wrapped, but some servers send raw deflate; accept both."""
    decoder: zlib._Decompress | None = None
    for chunk in chunks:
        if not chunk:
            continue
        if decoder is None:
            decoder = zlib.decompressobj(zlib.MAX_WBITS if _zlib_header(chunk) else -zlib.MAX_WBITS)
        if decoder.eof:
            return
        yield from _drain(decoder, chunk)
    if decoder is not None and not decoder.eof:
        raise ContentDecodingError("deflate body ends before its stream does")


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0


def _drain(decoder: zlib._Decompress, data: bytes) -> Iterator[bytes]:
    """Feed `data`, yielding output in pieces of at most PIECE bytes until zlib has no more."""
    try:
        while True:
            out = decoder.decompress(data, PIECE)
            if out:
                yield out
            data = decoder.unconsumed_tail
            if decoder.eof or (not data and len(out) < PIECE):
                return
    except zlib.error as exc:
        raise ContentDecodingError(f"corrupt compressed body: {exc}") from exc
