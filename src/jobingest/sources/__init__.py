"""Connectors by kind. Adding a board: one module, one line here, one README row."""

from __future__ import annotations

from jobingest.errors import UnknownSourceKindError
from jobingest.sources.base import Connector, Page, Record, RecordContext
from jobingest.sources.greenhouse import Greenhouse

REGISTRY: dict[str, Connector] = {
    Greenhouse.kind: Greenhouse(),
}


def get_connector(kind: str) -> Connector:
    try:
        return REGISTRY[kind]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise UnknownSourceKindError(f"unknown source kind {kind!r} (known: {known})") from None


__all__ = ["REGISTRY", "Connector", "Page", "Record", "RecordContext", "get_connector"]
