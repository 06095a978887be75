"""The `jobingest` command: the same library calls the flows make, for people."""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from jobingest import __version__

if TYPE_CHECKING:
    from jobingest.report import RunReport
    from jobingest.settings import Settings

app = typer.Typer(
    help="Job postings from boards, feeds and dumps into one warehouse.", no_args_is_help=True
)
schema_app = typer.Typer(help="JSON Schemas generated from the models.", no_args_is_help=True)
db_app = typer.Typer(help="The warehouse schema.", no_args_is_help=True)
sources_app = typer.Typer(help="Source kinds and sources files.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")
dedupe_app = typer.Typer(help="Duplicate and repost links.", no_args_is_help=True)
app.add_typer(dedupe_app, name="dedupe")

console = Console(stderr=True)
_EPHEMERAL_STARTUP_SECONDS = 90
# Piped output (CI logs, cron mail) gets a table wide enough to read instead of 80 columns.
out_console = Console(width=None if sys.stdout.isatty() else 160)
_COUNT_COLUMNS = (
    "fetched", "parsed", "new", "updated", "unchanged", "duplicates", "reposts", "closed",
    "quarantined",
)  # fmt: skip


def _settings() -> Settings:
    from jobingest.settings import Settings

    return Settings()


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def run(
    sources: Annotated[Path, typer.Option("--sources", "-s", help="sources.yaml to run.")] = Path(
        "sources.yaml"
    ),
    prefect: Annotated[
        bool, typer.Option(help="Run as the Prefect flow (default) or straight in this process.")
    ] = True,
) -> None:
    """Run the nightly job once: every enabled source fetched, landed, parsed and loaded."""
    from jobingest import pipeline
    from jobingest.progress import ProgressEvent, listening

    settings = _settings()
    if not sources.is_file():
        console.print(f"[red]no sources file at {sources}[/red]")
        raise typer.Exit(2)
    from jobingest.config import load_sources

    total = len(load_sources(sources).enabled)
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=False,
    ) as progress:
        bar = progress.add_task("sources", total=total, last="")

        def on_event(event: ProgressEvent) -> None:
            if event.stage in ("finished", "failed"):
                mark = "ok" if event.stage == "finished" else f"failed: {event.detail}"
                progress.update(bar, advance=1, last=f"{event.source_name} {mark}")
            elif event.stage == "page":
                progress.update(bar, last=f"{event.source_name}: fetched {event.detail[:60]}")

        outcome: object
        with listening(on_event):
            if prefect:
                # The ephemeral API would try to phone home; this machine may have no internet.
                os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
                from flows.nightly import nightly_ingest

                with _patient_ephemeral_api():
                    state = nightly_ingest(sources=str(sources.resolve()), return_state=True)
                outcome = state.result(raise_on_failure=False)
            else:
                outcome = pipeline.run_once(settings, sources)
    from jobingest.report import RunReport as Report

    if not isinstance(outcome, Report):
        console.print(f"[red]run failed: {outcome}[/red]")
        raise typer.Exit(1)
    report = outcome
    _print_report(report)
    raise typer.Exit(0 if report.status == "completed" else 1 if report.status == "failed" else 3)


def _patient_ephemeral_api() -> AbstractContextManager[object]:
    """Give Prefect's ephemeral API 90 s to start instead of 20: on a busy two-core machine its
    first start (database migrations) can take longer, and the run would die before starting.
    An explicit PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS above that is kept."""
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as TIMEOUT
    from prefect.settings import temporary_settings

    if (TIMEOUT.value() or 0) >= _EPHEMERAL_STARTUP_SECONDS:
        return nullcontext()
    return temporary_settings(updates={TIMEOUT: _EPHEMERAL_STARTUP_SECONDS})


@app.command()
def report(
    run_id: Annotated[int | None, typer.Argument(help="Run id; the latest by default.")] = None,
) -> None:
    """Show the report of a finished run."""
    from jobingest import pipeline

    found = pipeline.load_report(_settings(), run_id)
    if found is None:
        console.print("[yellow]no finished run found[/yellow]")
        raise typer.Exit(1)
    _print_report(found)


@app.command()
def backfill(
    since: Annotated[str, typer.Option("--since", help="First day, YYYY-MM-DD (UTC).")],
    until: Annotated[str, typer.Option("--until", help="Last day, YYYY-MM-DD (UTC), included.")],
    mode: Annotated[
        str, typer.Option(help="replay (landed payloads, no network) or refetch.")
    ] = "replay",
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    sources: Annotated[Path, typer.Option("--sources", "-s", help="sources.yaml.")] = Path(
        "sources.yaml"
    ),
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="replay: processes in all; beyond one, the others parse and extract while this "
            "one loads.",
        ),
    ] = 1,
) -> None:
    """Re-derive postings from the raw payloads of a window, or fetch sources again.

    Rerunning the same window resumes where an interrupted backfill stopped.
    """
    from datetime import date

    from jobingest import backfill as lib

    settings = _settings()
    try:
        start, end = date.fromisoformat(since), date.fromisoformat(until)
        lib.check_window(start, end, mode)
        if mode == "refetch":
            result = lib.refetch(settings, sources_file=sources, sources=source or None)
        else:
            result = lib.replay(
                settings, since=start, until=end, sources_file=sources, sources=source or None,
                workers=workers,
            )  # fmt: skip
    except (ValueError, lib.BackfillError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    _print_report(result)
    raise typer.Exit(0 if result.status == "completed" else 1 if result.status == "failed" else 3)


@app.command()
def bench(
    quick: Annotated[
        bool, typer.Option(help="Small corpus, one run: about a minute (CI); figures are noisy.")
    ] = False,
    postgres: Annotated[
        str | None,
        typer.Option(
            "--postgres", metavar="URL", help="PostgreSQL to add rows for (a schema per run)."
        ),
    ] = None,
    runs: Annotated[
        int | None, typer.Option(min=1, help="Runs per figure (medians); 3, or 1 with --quick.")
    ] = None,
    postings: Annotated[
        int | None, typer.Option(min=50, help="Replay corpus size (default 20,000).")
    ] = None,
    boards: Annotated[
        int | None,
        typer.Option(
            min=1, help="Boards fetched per night, from the corpus (default 1,000, at most all)."
        ),
    ] = None,
    markdown: Annotated[bool, typer.Option(help="Print the table as Markdown.")] = False,
) -> None:
    """Throughput, incremental nights, load rate and peak memory, each next to a baseline
    measured in the same run, as one table (see README, Performance)."""
    from dataclasses import replace

    from jobingest.bench.runner import BenchOptions, run_bench
    from jobingest.bench.table import markdown as as_markdown
    from jobingest.bench.table import render

    options = (
        BenchOptions.quick_mode(runs or 1, postgres)
        if quick
        else BenchOptions(runs=runs or 3, postgres_url=postgres)
    )
    if postings:
        options = replace(options, replay_postings=postings)
    if boards:
        options = replace(options, fetch_boards=boards)
    rows, described = run_bench(options, progress=lambda text: console.print(f"[dim]{text}[/dim]"))
    if markdown:
        typer.echo(as_markdown(rows) + "\n\n" + described)
    else:
        out_console.print(render(rows, "jobingest bench" + (" --quick" if quick else "")))
        out_console.print(described)


@app.command()
def runs(
    limit: Annotated[int, typer.Option(help="How many runs, newest first.")] = 20,
) -> None:
    """Recent runs (nightly and backfill) with their status and totals."""
    from jobingest.health import recent_runs

    table = Table(title="recent runs")
    columns = ("id", "started_at", "status", "sources_file", "sources_total", "failed_sources",
               "fetched", "parsed", "new", "updated", "closed", "quarantined")  # fmt: skip
    for column in columns:
        table.add_column(
            column, justify="right" if column not in ("status", "sources_file") else "left"
        )
    for row in recent_runs(_settings(), limit):
        started = row["started_at"]
        row["started_at"] = started.strftime("%Y-%m-%d %H:%M") if started else ""
        style = (
            "" if row["status"] == "completed" else "yellow" if row["status"] != "failed" else "red"
        )
        table.add_row(*(str(row[c] if row[c] is not None else "") for c in columns), style=style)
    out_console.print(table)


@app.command()
def compare(
    role_a: Annotated[str, typer.Argument(help="First role, as named in the taxonomy.")],
    role_b: Annotated[str, typer.Argument(help="Second role.")],
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code.")] = None,
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Only postings dated on or after this day."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json | md | html")] = "html",
    out: Annotated[Path | None, typer.Option(help="File to write; stdout when omitted.")] = None,
) -> None:
    """A "Role A vs Role B" page (or its data) from the warehouse, every number with its n."""
    from jobingest.content.commands import compare_command

    try:
        text = compare_command(
            _settings(), role_a, role_b, country, since.date() if since else None, fmt, out
        )
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if out is None:
        sys.stdout.write(text)
    else:
        console.print(f"wrote {out}")


@app.command()
def dashboard(
    out: Annotated[Path, typer.Option(help="Folder to write index.html to.")] = Path("dashboard"),
) -> None:
    """A static, self-contained HTML dashboard from the marts (refreshed first)."""
    from jobingest.content.commands import dashboard_command

    console.print(f"wrote {dashboard_command(_settings(), out)}")


@app.command("refresh-marts")
def refresh_marts_command() -> None:
    """Recompute the marts now."""
    from jobingest import pipeline

    settings = _settings()
    pipeline.prepare_warehouse(settings)
    counts = pipeline.refresh_marts(settings)
    console.print(", ".join(f"{name}: {rows} rows" for name, rows in counts.items()))


@app.command()
def export(
    table: Annotated[str, typer.Argument(help="posting, salary_survey or a mart_* table.")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv (the only format so far).")] = "csv",
) -> None:
    """A table or mart as CSV, with formula-looking text cells defused for spreadsheets."""
    from jobingest import pipeline
    from jobingest.export import export_table
    from jobingest.warehouse.db import get_engine

    if fmt != "csv":
        console.print(f"[red]unknown format {fmt!r}; only csv is supported[/red]")
        raise typer.Exit(2)
    settings = _settings()
    pipeline.prepare_warehouse(settings)
    try:
        rows = export_table(get_engine(settings.database_url.get_secret_value()), table, out)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"wrote {rows} rows of {table} to {out}")


@app.command()
def parse(
    payload: Annotated[
        Path, typer.Argument(help="A saved response body.", exists=True, dir_okay=False)
    ],
    source: Annotated[str, typer.Option("--source", help="Source kind, e.g. greenhouse.")],
    board: Annotated[
        str | None, typer.Option(help="Board id to record (default: file name).")
    ] = None,
    company: Annotated[
        str | None, typer.Option(help="Company name when the payload has none.")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            help="Source option KEY=VALUE (VALUE may be JSON), as in a sources entry's "
            "`options`; repeat for several.",
        ),
    ] = None,
) -> None:
    """Print the normalised postings of one saved payload as JSON lines, in payload order."""
    from jobingest.errors import JobIngestError
    from jobingest.parse import parse_payload
    from jobingest.sources import get_connector
    from jobingest.sources.base import RecordContext

    try:
        connector = get_connector(source)
    except JobIngestError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    ctx = RecordContext(
        source=source,
        board=board or payload.stem,
        fetched_on=datetime.fromtimestamp(payload.stat().st_mtime, UTC).date(),
        company=company,
        hours_per_year=_settings().hours_per_year,
        options=_options(option or []),
    )
    try:
        parsed = parse_payload(
            connector, payload.read_bytes(), url=payload.resolve().as_uri(), ctx=ctx
        )
    except JobIngestError as exc:
        console.print(f"[red]cannot parse {payload}: {exc}[/red]")
        raise typer.Exit(1) from exc
    out = sys.stdout
    for posting in parsed.postings:
        out.write(posting.model_dump_json() + "\n")
    for rejected in parsed.rejected:
        console.print(f"[yellow]rejected {rejected.source_id or '?'}: {rejected.reason}[/yellow]")
    console.print(f"{len(parsed.postings)} postings, {len(parsed.rejected)} rejected")


@app.command("eval")
def evaluate(
    files: Annotated[
        list[Path],
        typer.Argument(help="Labelled files: golden JSONL, salary_strings.tsv or cases.jsonl."),
    ],
    misses: Annotated[int, typer.Option(help="Print this many wrong answers per file.")] = 0,
    merge_locations: Annotated[
        bool, typer.Option(help="Duplicate pairs: one ad per city counts as one job.")
    ] = False,
) -> None:
    """Score extraction (coverage, precision, accuracy, false alarms) or duplicate detection
    (precision, recall per kind) on labelled files."""
    from jobingest.evaluate import detect_format, score_file

    for path in files:
        kind = detect_format(path)
        if kind in ("golden_pairs", "realdata_pairs"):
            _print_pairs(path, kind, misses=misses, merge_locations=merge_locations)
            continue
        board = score_file(path)
        table = Table(title=f"{path.name}: {board.cases} cases")
        for column in ("field", "labelled", "coverage", "precision", "accuracy",
                       "false alarms", "not stated"):  # fmt: skip
            table.add_column(column, justify="left" if column == "field" else "right")
        for row in board.rows():
            table.add_row(
                row["field"], str(row["labelled"]), _pct(row["coverage"]), _pct(row["precision"]),
                _pct(row["accuracy"]), f"{row['false_alarms']} ({_pct(row['false_alarm_rate'])})",
                str(row["not_stated"]),
            )  # fmt: skip
        out_console.print(table)
        for name, counts in board.confusion.items():
            labels = sorted({a for a, _ in counts} | {b for _, b in counts})
            confusion = Table(title=f"{name}: expected (rows) × predicted (columns)")
            confusion.add_column("")
            for label in labels:
                confusion.add_column(label, justify="right")
            for expected in labels:
                confusion.add_row(expected, *(str(counts.get((expected, p), 0)) for p in labels))
            out_console.print(confusion)
        for name, count in board.skipped.items():
            out_console.print(f"skipped {count}: {name}")
        for miss in board.misses[:misses]:
            out_console.print(miss)


def _print_pairs(path: Path, kind: str, *, misses: int, merge_locations: bool) -> None:
    from jobingest.evaluate_pairs import score_pairs, score_realdata_duplicates

    if kind == "golden_pairs":
        with path.open(encoding="utf-8") as handle:
            score = score_pairs(handle, merge_locations=merge_locations)
        rows, extra = score.rows(), list[object](score.errors[:misses])
        title = f"{path.name}: precision {_pct(score.precision)}, recall {_pct(score.recall)}"
    else:
        real = score_realdata_duplicates(path)
        rows, extra = real.rows(), list[object](real.misses[:misses])
        title = (
            f"{path.name}: recall {_pct(real.recall(count_other_location=False))} "
            f"(one ad per city counted apart), {_pct(real.recall(count_other_location=True))} "
            "(counted as one job)"
        )
    table = Table(title=title)
    for column in rows[0] if rows else ():
        table.add_column(column)
    for row in rows:
        table.add_row(*(_pct(v) if isinstance(v, float) else str(v) for v in row.values()))
    out_console.print(table)
    for item in extra:
        out_console.print(item)


def _options(pairs: list[str]) -> dict[str, object]:
    import json

    options: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--option")
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
    return options


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


@dedupe_app.command("explain")
def dedupe_explain(posting_id: Annotated[int, typer.Argument(help="A posting id.")]) -> None:
    """Why a posting was merged with others or kept apart (as JSON)."""
    import json

    from jobingest import pipeline

    try:
        found = pipeline.explain_posting(_settings(), posting_id)
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(found, indent=2, ensure_ascii=False, default=str))


@dedupe_app.command("rebuild")
def dedupe_rebuild() -> None:
    """Re-derive every duplicate and repost link under the current settings."""
    from jobingest import pipeline

    counts = pipeline.rebuild_dedupe(_settings())
    console.print(
        f"{counts.postings} postings: {counts.duplicates} duplicates, {counts.reposts} reposts"
    )


@schema_app.command("export")
def schema_export(
    out: Annotated[Path, typer.Option(help="Folder to write the schemas to.")] = Path("schemas"),
    check: Annotated[bool, typer.Option(help="Only check that the files are up to date.")] = False,
) -> None:
    """Write schemas/*.json from the models (or --check that they are current)."""
    from jobingest import schemas

    if check:
        stale = schemas.stale(out)
        if stale:
            console.print(
                f"[red]out of date: {', '.join(stale)}; run `jobingest schema export`[/red]"
            )
            raise typer.Exit(1)
        console.print("schemas are up to date")
        return
    for path in schemas.export(out):
        console.print(f"wrote {path}")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the warehouse at JOBINGEST_DATABASE_URL to a revision (latest by default)."""
    from jobingest.pipeline import database_url
    from jobingest.warehouse.db import current_revision, upgrade

    url = database_url(_settings())
    upgrade(url, revision)
    console.print(f"warehouse at revision {current_revision(url)}")


@db_app.command("current")
def db_current() -> None:
    """Print the warehouse's schema revision."""
    from jobingest.pipeline import database_url
    from jobingest.warehouse.db import current_revision

    typer.echo(current_revision(database_url(_settings())) or "empty")


@sources_app.command("list")
def sources_list() -> None:
    """Every source kind with its one-line description."""
    from jobingest.sources import REGISTRY

    table = Table("kind", "description")
    for kind, connector in sorted(REGISTRY.items()):
        table.add_row(kind, connector.description)
    out_console.print(table)


@sources_app.command("check")
def sources_check(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Validate a sources file; every bad entry is named with its field."""
    from jobingest.config import load_sources
    from jobingest.errors import ConfigError

    try:
        plan = load_sources(path)
    except ConfigError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    for entry in plan.entries:
        console.print(f"ok      {entry.name} ({entry.kind}){'' if entry.enabled else ' disabled'}")
    for error in plan.errors:
        console.print(f"[red]invalid {error.name}: {error.reason}[/red]")
    raise typer.Exit(1 if plan.errors else 0)


def _print_report(report: RunReport) -> None:
    table = Table(title=f"run {report.run_id}: {report.status}")
    table.add_column("source")
    table.add_column("kind")
    table.add_column("status")
    for column in _COUNT_COLUMNS:
        table.add_column(column, justify="right")
    table.add_column("reason", overflow="fold")
    for source in report.sources:
        style = "" if source.status == "ok" else "red"
        table.add_row(
            source.source_name,
            source.kind,
            source.status,
            *(str(getattr(source, c)) for c in _COUNT_COLUMNS),
            source.reason or "",
            style=style,
        )
    for problem in report.config_errors:
        table.add_row(
            problem.source_name,
            "?",
            "invalid",
            *("" for _ in _COUNT_COLUMNS),
            problem.reason,
            style="red",
        )
    table.add_row(
        "total", "", "", *(str(report.total(c)) for c in _COUNT_COLUMNS), "", style="bold"
    )
    out_console.print(table)
    for flag in report.silent_zero:
        out_console.print(f"[yellow]silent zero? {flag}[/yellow]")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
