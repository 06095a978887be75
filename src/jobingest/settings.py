"""One typed settings object; every part gets it passed in, nothing reads the environment itself."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from jobingest import __version__


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOBINGEST_", env_file=".env", extra="ignore")

    database_url: SecretStr = Field(
        default=SecretStr("sqlite:///jobingest.db"),
        description="SQLAlchemy URL of the warehouse (sqlite:///… or postgresql+psycopg://…).",
    )
    raw_store: str = Field(
        default="./data/raw", description="fsspec URL or folder of the raw landing zone."
    )

    contact: str = Field(
        default="https://github.com/jobingest/jobingest",
        description="Contact URL or e-mail sent in the User-Agent so boards can reach us.",
    )
    http_timeout: float = Field(default=30.0, gt=0, description="Seconds per request phase.")
    http_max_attempts: int = Field(default=4, ge=1, description="Tries per request.")
    http_backoff_max: float = Field(default=30.0, ge=0, description="Longest backoff, seconds.")
    http_retry_after_cap: float = Field(
        default=120.0, ge=0, description="Longest Retry-After we honour, seconds."
    )
    http_max_body_bytes: int = Field(
        default=50 * 1024 * 1024, gt=0, description="Cap on a decompressed response body."
    )
    http_max_redirects: int = Field(default=5, ge=0)
    http_max_connections: int = Field(default=20, ge=1)
    http_per_host_concurrency: int = Field(
        default=4, ge=1, description="Requests in flight to one host, across all tasks."
    )
    http_per_host_rps: float = Field(
        default=10.0, gt=0, description="Requests started per second to one host."
    )
    http_allow_private_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts a redirect may lead to although they resolve to private or loopback "
        "addresses (for tests and on-premise boards).",
    )

    source_task_retries: int = Field(
        default=1, ge=0, description="Prefect retries of a whole source after its requests gave up."
    )
    dedupe_merge_locations: bool = Field(
        default=False,
        description="Treat one ad listed separately per city as one job (default: sibling "
        "postings, one per city, as the employer listed them).",
    )
    repost_window_days: int = Field(
        default=60, ge=0, description="A closed job listed again within this many days is a repost."
    )
    close_guard_ratio: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Do not close anything when a board lists fewer than this share of its open "
        "postings (a silent drop is more likely than mass closing).",
    )
    marts_min_n: int = Field(
        default=10, ge=1, description="Cells with fewer postings are suppressed in the marts."
    )
    load_batch_size: int = Field(default=500, ge=1, description="Postings per load transaction.")
    hours_per_year: int = Field(default=2080, gt=0, description="Hours used to annualise pay.")
    dask_address: str | None = Field(
        default=None,
        description="Scheduler of a running Dask cluster for the backfill-dask flow "
        "(tcp://host:8786); unset starts a local cluster of dask_workers processes.",
    )
    dask_workers: int = Field(
        default=2, ge=1, description="Worker processes of the local Dask cluster."
    )

    @property
    def user_agent(self) -> str:
        return f"jobingest/{__version__} (+{self.contact})"
