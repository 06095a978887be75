"""Load throughput (rows/s) on SQLite and PostgreSQL, next to per-row ORM inserts measured in the
same run (`jobingest.bench.load.measure_load`).

    .venv/bin/python tests/bench/bench_load.py                  # 20k rows, 3 runs
    .venv/bin/python tests/bench/bench_load.py --n 5000 --runs 1 --postgres ''   # SQLite only

Not a test: pytest never collects it (tests/bench/conftest.py), and nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from jobingest.bench.load import measure_load
from jobingest.settings import Settings

POSTGRES_URL = os.environ.get(
    "JOBINGEST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="postings per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500, help="load_batch_size")
    parser.add_argument("--postgres", default=POSTGRES_URL, help="'' to skip PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{Path(folder) / 'warehouse.db'}"]
        if args.postgres:
            urls.append(args.postgres)
        print(
            f"{'database':<11}{'measure':<44}{'rows/s':>9}{'baseline':>10}{'ratio':>8}"
            f"{'cpu rows/s':>12}{'baseline':>10}"
        )
        for url in urls:
            settings = Settings(
                database_url=url,  # type: ignore[arg-type]
                raw_store=str(Path(folder) / "raw"),
                load_batch_size=args.batch,
            )
            for row in measure_load(settings, args.n, runs=args.runs):
                unit = "" if row["unit"] == "rows/s" else f" {row['unit']}"
                ratio = f"{row['ratio']:.1f}x" if row["ratio"] else ""
                print(
                    f"{row['database']:<11}{row['measure']:<44}"
                    f"{_number(row['value']) + unit:>9}{_number(row['baseline_value']):>10}"
                    f"{ratio:>8}{_number(row['cpu_value']):>12}"
                    f"{_number(row['baseline_cpu_value']):>10}"
                )
        print(f"({args.n:,} postings, batches of {args.batch}, median of {args.runs} runs)")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:,}"


if __name__ == "__main__":
    main()
