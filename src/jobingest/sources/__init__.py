"""Connectors by kind. Adding a board: one module, one line here, one README row."""

from __future__ import annotations

from jobingest.errors import UnknownSourceKindError
from jobingest.sources.aijobs_salaries import AiJobsSalaries
from jobingest.sources.arbeitnow import Arbeitnow
from jobingest.sources.ashby import Ashby
from jobingest.sources.base import Connector, Page, Record, RecordContext
from jobingest.sources.csv_dump import CsvDump
from jobingest.sources.greenhouse import Greenhouse
from jobingest.sources.jsonl_dump import JsonlDump
from jobingest.sources.jsonld import JsonLd
from jobingest.sources.lever import Lever
from jobingest.sources.personio import Personio
from jobingest.sources.recruitee import Recruitee
from jobingest.sources.remoteok import RemoteOK
from jobingest.sources.remotive import Remotive
from jobingest.sources.rss import Rss
from jobingest.sources.smartrecruiters import SmartRecruiters
from jobingest.sources.workable import Workable

REGISTRY: dict[str, Connector] = {
    Greenhouse.kind: Greenhouse(),
    RemoteOK.kind: RemoteOK(),
    Remotive.kind: Remotive(),
    Arbeitnow.kind: Arbeitnow(),
    Rss.kind: Rss(),
    Lever.kind: Lever(),
    Ashby.kind: Ashby(),
    Workable.kind: Workable(),
    SmartRecruiters.kind: SmartRecruiters(),
    Recruitee.kind: Recruitee(),
    Personio.kind: Personio(),
    JsonLd.kind: JsonLd(),
    CsvDump.kind: CsvDump(),
    JsonlDump.kind: JsonlDump(),
    AiJobsSalaries.kind: AiJobsSalaries(),
}


def get_connector(kind: str) -> Connector:
    try:
        return REGISTRY[kind]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise UnknownSourceKindError(f"unknown source kind {kind!r} (known: {known})") from None


__all__ = ["REGISTRY", "Connector", "Page", "Record", "RecordContext", "get_connector"]
