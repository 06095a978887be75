"""`jobingest bench`: throughput, incremental nights, load rate and peak memory, each figure next
to a baseline measured in the same run.

- `corpus`: the seeded synthetic job market (20% cross-posted copies), shared with
  `tests/bench/bench_dedupe.py`; `prose` and `boards` render it in real board shapes.
- `landing`: the corpus landed as a nightly run lands it (raw store, `raw_payload`, sources file).
- `baseline`: the straightforward replay (BeautifulSoup, ORM add + commit per posting).
- `server`: loopback boards with injected latency, ETags and 304s, for the fetch nights.
- `replay_bench`, `fetch_bench`, `load` (`measure_load`), `memory_bench`: one measurement each.
- `warehouses`: a fresh SQLite file or PostgreSQL schema per run; `table`: rows and rendering;
  `runner`: sizes, runs and medians.
"""
