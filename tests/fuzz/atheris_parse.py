"""Coverage-guided fuzzing of every connector's parse and the text extractors, with atheris.

Not collected by pytest (the Hypothesis properties in tests/test_fuzz.py run in CI); run it by
hand for as long as you like, seeded with the fixtures:

    pip install -e '.[fuzz]'
    python tests/fuzz/atheris_parse.py tests/fixtures/greenhouse tests/fixtures/jsonld -runs=100000

The first byte picks the connector, the rest is the payload. Anything but the project's typed
errors (`jobingest.errors.JobIngestError`) is a finding: atheris stops and writes the input.
"""

from __future__ import annotations

import sys
from datetime import date

import atheris

with atheris.instrument_imports():
    from jobingest.errors import JobIngestError
    from jobingest.extract.salary import extract_salary
    from jobingest.extract.text import html_to_text
    from jobingest.parse import parse_payload, parse_survey
    from jobingest.sources import REGISTRY
    from jobingest.sources.base import RecordContext

KINDS = sorted(REGISTRY)
CONTEXT = {
    kind: RecordContext(source=kind, board="fuzz", fetched_on=date(2026, 11, 2)) for kind in KINDS
}


def one_input(data: bytes) -> None:
    if not data:
        return
    kind = KINDS[data[0] % len(KINDS)]
    payload = data[1:]
    connector = REGISTRY[kind]
    try:
        if getattr(connector, "target", "posting") == "salary_survey":
            parse_survey(connector, payload, url="https://fuzz.example/dump.csv")
        else:
            parse_payload(connector, payload, url="https://fuzz.example/x", ctx=CONTEXT[kind])
    except JobIngestError:
        pass
    text = payload.decode("utf-8", errors="replace")
    html_to_text(text)
    extract_salary(text, on=date(2026, 11, 2))


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
