"""Lookup tables are built once per process, even when source threads ask at the same time."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from jobingest.extract.location import _built_once, city_country


def test_a_cold_table_asked_by_six_threads_is_built_once() -> None:
    builds = []

    @_built_once
    def table() -> dict[str, int]:
        builds.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive while it builds
        return {"built": len(builds)}

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: table(), range(6)))
    assert len(builds) == 1
    assert all(result is results[0] for result in results)


def test_the_gazetteer_answers_the_same_from_every_thread() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = set(pool.map(lambda _: city_country("München"), range(8)))
    assert len(answers) == 1
    [(_city, country)] = answers
    assert country == "DE"
