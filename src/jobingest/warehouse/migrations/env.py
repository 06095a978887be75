"""Alembic environment: runs on the connection `jobingest.warehouse.db` hands it."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlmodel.sql.sqltypes import AutoString

from jobingest.warehouse.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we always pass one
    raise RuntimeError("run migrations through `jobingest db upgrade`")


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write SQLModel's AutoString as a plain sa.String so migrations need only SQLAlchemy."""
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Marts are rebuilt by `refresh_marts`, not migrated: autogenerate must not drop them."""
    return not (type_ == "table" and name is not None and name.startswith("mart_"))


context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=_render_item,
    include_object=_include_object,
)
with context.begin_transaction():
    context.run_migrations()
