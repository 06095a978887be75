"""The run report: what every source did, built from the warehouse's own bookkeeping rows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SourceReport(BaseModel):
    source_name: str
    kind: str
    board: str | None = None
    status: str
    reason: str | None = None
    pages: int = 0
    fetched: int = 0
    not_modified: int = 0
    skipped: int = 0
    bytes: int = 0
    parsed: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    reposts: int = 0
    closed: int = 0
    quarantined: int = 0
    note: str | None = None


class ConfigProblem(BaseModel):
    source_name: str
    reason: str


class RunReport(BaseModel):
    run_id: int
    status: str
    sources: list[SourceReport] = Field(default_factory=list)
    config_errors: list[ConfigProblem] = Field(default_factory=list)
    silent_zero: list[str] = Field(
        default_factory=list, description="Sources that listed far fewer postings than usual."
    )

    def total(self, counter: str) -> int:
        return sum(int(getattr(source, counter)) for source in self.sources)

    @property
    def failed(self) -> list[SourceReport]:
        return [source for source in self.sources if source.status != "ok"]

    def to_markdown(self) -> str:
        columns = ("fetched", "not_modified", "parsed", "new", "updated", "unchanged",
                   "duplicates", "reposts", "closed", "quarantined")  # fmt: skip
        lines = [
            f"# jobingest run {self.run_id}: {self.status}",
            "",
            "| source | kind | status | " + " | ".join(columns) + " | reason |",
            "|---|---|---|" + "---:|" * len(columns) + "---|",
        ]
        for s in self.sources:
            counts = " | ".join(str(getattr(s, c)) for c in columns)
            lines.append(
                f"| {s.source_name} | {s.kind} | {s.status} | {counts} | {s.reason or ''} |"
            )
        for problem in self.config_errors:
            lines.append(
                f"| {problem.source_name} | ? | invalid | "
                + " | ".join("" for _ in columns)
                + f" | {problem.reason} |"
            )
        totals = " | ".join(str(self.total(c)) for c in columns)
        lines.append(f"| **total** | | | {totals} | |")
        lines.extend(f"\n- silent zero? {flag}" for flag in self.silent_zero)
        return "\n".join(lines) + "\n"

    def table_rows(self) -> list[dict[str, Any]]:
        return [source.model_dump() for source in self.sources]
