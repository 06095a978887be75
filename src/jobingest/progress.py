"""Progress events for people watching a run (the CLI's progress bar). Nothing depends on them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_lock = threading.Lock()
_listeners: list[Callable[[ProgressEvent], None]] = []


@dataclass(frozen=True)
class ProgressEvent:
    source_name: str
    stage: str  # started | page | finished | failed
    detail: str = ""
    postings: int = 0


def emit(event: ProgressEvent) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(event)


@contextmanager
def listening(listener: Callable[[ProgressEvent], None]) -> Iterator[None]:
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)
