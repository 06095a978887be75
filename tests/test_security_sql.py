"""SQL injection: hostile text is stored verbatim, and no SQL in src/ is built from strings.

The AST check looks at every call that runs SQL (`text()`, `exec_driver_sql`, DB-API
`execute`/`executemany`/`executescript`/`copy`) and fails on an SQL argument built by an
f-string, `.format()`, `%` or `+`, directly or through a local variable. Statements that splice
only identifiers taken from table metadata say so with `# noqa: S608` (ruff's own marker for
reviewed string-built SQL) or `# sql: identifiers only`; interpolating only UPPER_CASE
constants or literals is allowed.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from sqlalchemy import inspect, text

from jobingest import pipeline
from jobingest.settings import Settings
from jobingest.warehouse.db import get_engine
from tests.conftest import ROOT, example_board_titled
from tests.fakeboards import FakeBoards

SQL_CALLS = frozenset(
    {"text", "exec_driver_sql", "execute", "executemany", "executescript", "copy"}
)
# Ruff flags string-built SELECT/INSERT/UPDATE/DELETE (S608); statements it does not know, like
# COPY or PRAGMA, take the second marker.
WAIVERS = ("noqa: S608", "sql: identifiers only")
HOSTILE_TITLES = [
    "'); DROP TABLE posting;--",
    'Robert"); DELETE FROM posting_source; --',
    "Analyst' OR '1'='1",
    "Engineer \\'; SELECT pg_sleep(10); --",
    "Dev %s %(title)s :title ? $1",
]


def test_hostile_titles_are_stored_verbatim_and_the_tables_survive(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    sources, listed = example_board_titled(
        boards, tmp_path, name="bobby", board="bobby'; DROP TABLE raw_payload;--",
        titles=HOSTILE_TITLES,
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    assert report.sources[0].status == "ok", report.sources[0]

    engine = get_engine(settings.database_url.get_secret_value())
    tables = set(inspect(engine).get_table_names())
    assert {"posting", "posting_source", "raw_payload", "ingest_run"} <= tables
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT title, board FROM posting")).all()
    stored = {row.title for row in rows}
    boards_stored = {row.board for row in rows}
    count = len(rows)
    assert set(HOSTILE_TITLES) <= stored
    assert boards_stored == {"bobby'; DROP TABLE raw_payload;--"}
    assert count == listed


def sql_built_from_strings(source: str, filename: str = "<src>") -> list[str]:
    """`file:line` of each SQL call whose statement is assembled by string formatting."""
    tree = ast.parse(source, filename)
    lines = source.splitlines()
    problems: list[str] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for scope in [tree, *functions]:
        formatted = _formatted_locals(scope, lines)
        for call in _own_calls(scope):
            if _call_name(call) not in SQL_CALLS or not call.args or _waived(call, lines):
                continue
            statement = call.args[0]
            if _is_formatted(statement) or (
                isinstance(statement, ast.Name) and statement.id in formatted
            ):
                problems.append(f"{filename}:{call.lineno}")
    return sorted(set(problems))


def _own_calls(scope: ast.AST) -> list[ast.Call]:
    """Calls in this scope, not in functions nested inside it (they are scopes of their own)."""
    found: list[ast.Call] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _formatted_locals(scope: ast.AST, lines: list[str]) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and _is_formatted(node.value) and not _waived(node, lines):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_formatted(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return not all(_harmless(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _stringish(node.left) or _stringish(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" or (
            node.func.attr == "join" and isinstance(node.func.value, ast.Constant)
        )
    return False


def _stringish(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or _is_formatted(node)


def _harmless(node: ast.expr) -> bool:
    """A literal or an UPPER_CASE module constant: nothing a record or a config can reach."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Name) and node.id.isupper()


def _waived(node: ast.AST, lines: list[str]) -> bool:
    start, end = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
    return any(w in line for line in lines[start - 1 : end] for w in WAIVERS)


def test_no_sql_is_built_by_string_formatting_in_src() -> None:
    problems: list[str] = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        problems += sql_built_from_strings(source, str(path.relative_to(ROOT)))
    assert problems == [], (
        "SQL built from strings (bind parameters instead; identifier-only statements from "
        f"table metadata may carry `# {WAIVERS[0]}` or `# {WAIVERS[1]}`): {problems}"
    )


def test_the_sql_check_catches_each_way_of_building_a_statement() -> None:
    """The scanner itself, on code it must flag and code it must pass."""
    bad = textwrap.dedent(
        """
        def f(connection, cursor, title, table):
            connection.execute(text(f"SELECT * FROM posting WHERE title = '{title}'"))
            connection.execute(text("SELECT * FROM posting WHERE title = '%s'" % title))
            connection.execute(text("SELECT * FROM posting WHERE title = '{}'".format(title)))
            connection.exec_driver_sql("DELETE FROM " + table)
            statement = f"DELETE FROM {table}"
            cursor.execute(statement)
        """
    )
    assert [p.rsplit(":", 1)[1] for p in sql_built_from_strings(bad)] == [
        "3",
        "4",
        "5",
        "6",
        "8",
    ]
    good = textwrap.dedent(
        """
        LIMIT = 5
        def f(connection, cursor, title, names):
            connection.execute(text("SELECT * FROM posting WHERE title = :t"), {"t": title})
            cursor.execute("SELECT * FROM posting WHERE title = ?", (title,))
            cursor.execute(f"PRAGMA busy_timeout={LIMIT}")
            cursor.execute(f"INSERT INTO t ({names}) VALUES (1)")  # noqa: S608 - metadata names
            data = {"a": 1}.copy()
        """
    )
    assert sql_built_from_strings(good) == []
