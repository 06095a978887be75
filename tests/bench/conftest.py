"""Benchmarks (`tests/bench/bench_*.py`) are run by hand, e.g.
`.venv/bin/python tests/bench/bench_dedupe.py`; pytest never collects them."""

collect_ignore_glob = ["bench_*.py"]
