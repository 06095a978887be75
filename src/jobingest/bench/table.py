"""One row per figure: the median of our runs next to the median of the baseline's, measured in
the same run, and their ratio."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from rich.table import Table


@dataclass
class Row:
    measure: str
    unit: str
    baseline_is: str
    ours: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    # speedup: ours / baseline (lower_is_better flips it); share: ours as a % of baseline
    ratio_kind: str = "speedup"
    lower_is_better: bool = False
    note: str = ""
    skipped: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.skipped or not self.ours or not self.baseline:
            return None
        ours, base = statistics.median(self.ours), statistics.median(self.baseline)
        if self.ratio_kind == "share":
            return ours / base if base else None
        if self.lower_is_better:
            return base / ours if ours else None
        return ours / base if base else None

    def cells(self) -> tuple[str, str, str, str, str, str]:
        if self.skipped:
            return self.measure, self.unit, "-", "-", f"n/a ({self.skipped})", self.note
        ratio = self.ratio
        if ratio is None:
            shown = "n/a"
        elif self.ratio_kind == "share":
            shown = f"{ratio:.1%} of baseline"
        else:
            shown = f"{ratio:,.1f}×"
        return (
            self.measure,
            self.unit,
            _figure(self.ours),
            f"{_figure(self.baseline)} ({self.baseline_is})",
            shown,
            self.note,
        )


def _figure(values: list[float]) -> str:
    if not values:
        return "-"
    median = statistics.median(values)
    text = f"{median:,.0f}" if abs(median) >= 100 else f"{median:,.2f}"
    return text if len(values) == 1 else f"{text} (n={len(values)})"


def render(rows: list[Row], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("measure", "unit", "jobingest", "baseline", "ratio", "note"):
        table.add_column(column, justify="right" if column == "ratio" else "left", overflow="fold")
    for row in rows:
        table.add_row(*row.cells())
    return table


def markdown(rows: list[Row]) -> str:
    """The table as Markdown, for README and notes."""
    lines = [
        "| measure | unit | jobingest | baseline | ratio | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for row in rows:
        cells = (cell.replace("|", "\\|") for cell in row.cells())
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
