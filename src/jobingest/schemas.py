"""JSON Schemas generated from the models; `schemas/*.json` are these, written out."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from jobingest.models import Posting, SourcesFile


def schema_models() -> dict[str, type[BaseModel]]:
    """Every published schema and the model it is generated from."""
    from jobingest.content.compare import Comparison  # it renders its own schema with render()

    return {
        "posting.schema.json": Posting,
        "sources.schema.json": SourcesFile,
        "compare.schema.json": Comparison,
    }


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def export(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in schema_models().items():
        path = folder / name
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


def stale(folder: Path) -> list[str]:
    """Names of schema files that differ from what the models generate now."""
    return [
        name
        for name, model in schema_models().items()
        if not (folder / name).is_file()
        or (folder / name).read_text(encoding="utf-8") != render(model)
    ]
