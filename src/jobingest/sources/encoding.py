"""Bytes of a response to text, whatever the server claimed its charset was.

Connectors see bytes only (a Content-Type charset is often wrong: cp1252 labelled UTF-8, a BOM
contradicting the header), so the bytes decide: a byte-order mark wins; otherwise UTF-8, with
any byte that is not valid UTF-8 read as cp1252 on its own. Valid UTF-8 is never changed, a
cp1252 body (or one stray "é" in a UTF-8 body) reads as the writer meant it, and no input raises.
"""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HANDLER = "jobingest-cp1252"
# cp1252 leaves five bytes undefined; those read as Latin-1 (C1 controls) rather than fail.
_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Error handler: the undecodable bytes as cp1252 (its five holes as Latin-1)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_CP1252[byte] for byte in bad), error.end


codecs.register_error(_HANDLER, _cp1252_bytes)


def bom_encoding(payload: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `payload` names, if any."""
    for bom, name in _BOMS:
        if payload.startswith(bom):
            return name
    return None


def decode_text(payload: bytes) -> str:
    """`payload` as text: by its BOM (removed), else UTF-8 with cp1252 for invalid bytes."""
    named = bom_encoding(payload)
    if named is not None:
        bom_length = 4 if named.startswith("utf-32") else 3 if named == "utf-8" else 2
        return payload[bom_length:].decode(named, errors="replace")
    return payload.decode("utf-8", errors=_HANDLER)
