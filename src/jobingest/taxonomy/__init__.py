"""Versioned taxonomies shipped inside the package (roles, skills).

The YAML files are package data, read once per process and cached: extraction stays pure (same
input, same output) and never touches the network or the working directory.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed YAML file `name` (e.g. "roles.yaml") from this package; cached per process."""
    text = files(__name__).joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError(f"taxonomy {name} has no top-level mapping with a version")
    return data
