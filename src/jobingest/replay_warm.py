"""Loads the parsers and extractors (libraries, gazetteers, taxonomies, patterns) up front.

Imported by the replay pool's forkserver (`jobingest.replay_pool`), so every worker forked from
it starts warm; importing this module is the warm-up, on purpose.
"""

from __future__ import annotations

import contextlib
from datetime import date

from jobingest.parse import parse_payload
from jobingest.sources import get_connector
from jobingest.sources.base import RecordContext


def warm() -> None:
    """Parse a few payloads of every common board shape, which imports each parser library and
    fills every lazy cache (gazetteers, taxonomies, compiled patterns) parsing uses."""
    from jobingest.bench.boards import ORIGINS, boards
    from jobingest.bench.corpus import Corpus

    for board in boards(Corpus(60, seed=7), per_board=5):
        connector = get_connector(board.kind)
        ctx = RecordContext(
            source=board.kind, board=board.name, fetched_on=date(2026, 1, 1),
            company=board.company, options=board.options,
        )  # fmt: skip
        for page in board.pages:
            parse_payload(connector, page.body, url=ORIGINS[board.kind] + page.path, ctx=ctx)


with contextlib.suppress(Exception):  # a cold worker is slower, not wrong
    warm()
