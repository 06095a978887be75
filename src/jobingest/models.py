"""The posting contract and the source configuration.

Everything downstream (warehouse, dedupe, marts, schemas/*.json) is derived from these models, so
field names here are a public API: add fields, never rename them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from jobingest.extract.sanitize import sanitize_html


class Level(StrEnum):
    entry = "entry"
    mid = "mid"
    senior = "senior"
    executive = "executive"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS: dict[Level, str] = {
    Level.entry: "Entry-level / Junior",
    Level.mid: "Mid-level / Intermediate",
    Level.senior: "Senior-level / Expert",
    Level.executive: "Executive-level / Director",
}


class EmploymentType(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    contract = "contract"
    internship = "internship"
    temporary = "temporary"
    freelance = "freelance"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()


class Workplace(StrEnum):
    remote = "remote"
    hybrid = "hybrid"
    onsite = "onsite"


class PayPeriod(StrEnum):
    hour = "hour"
    day = "day"
    week = "week"
    month = "month"
    year = "year"


class SalaryOrigin(StrEnum):
    """Where a band came from: a board's structured pay field, or text we extracted it from."""

    structured = "structured"
    text = "text"


CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Location(_Strict):
    city: str | None = None
    region: str | None = Field(default=None, description="State, province or region as written.")
    country: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2.")
    raw: str = Field(description="The location text exactly as the source gave it.")
    geoname_id: int | None = Field(
        default=None,
        description="GeoNames id of the city when the gazetteer knows it: one id for München "
        "and Munich, so places compare by identity rather than spelling.",
    )


class Salary(_Strict):
    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)
    currency: CurrencyCode | None = Field(default=None, description="ISO 4217.")
    period: PayPeriod | None = None
    annual_min: float | None = Field(default=None, ge=0)
    annual_max: float | None = Field(default=None, ge=0)
    annual_min_usd: float | None = Field(default=None, ge=0)
    annual_max_usd: float | None = Field(default=None, ge=0)
    fx_rate_date: str | None = Field(
        default=None, description="Date (YYYY-MM-DD) of the ECB reference rate used for USD."
    )
    origin: SalaryOrigin
    raw: str | None = Field(default=None, description="The text or structured value it came from.")

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("salary min is greater than max")
        if self.min is None and self.max is None:
            raise ValueError("salary needs at least one of min and max")
        return self


class Posting(_Strict):
    """One job posting as seen at one source, normalised."""

    source: str = Field(description="Source kind, e.g. 'greenhouse'.")
    board: str = Field(description="The board, site or feed within the source.")
    source_id: str = Field(min_length=1, description="The board's own id for the posting.")
    url: str | None = None
    company: str | None = None
    title: str = Field(min_length=1)
    role: str | None = Field(default=None, description="Canonical role from the role taxonomy.")
    role_family: str | None = None
    level: Level | None = None
    employment_type: EmploymentType | None = None
    workplace: Workplace | None = None
    locations: list[Location] = Field(default_factory=list)
    salary: Salary | None = None
    skills: list[str] = Field(default_factory=list)
    industry: str | None = Field(
        default=None,
        description="The employer's industry as the board states it, mapped to the fixed list "
        "in jobingest.extract.industry; null when the board states none (never guessed).",
    )
    posted_at: datetime | None = None
    description_text: str | None = None
    description_html: str | None = Field(
        default=None,
        description="The board's formatted description, sanitised to an allow-list of tags (no "
        "script, event handler, style, image or frame; links http(s)/mailto only). Null when the "
        "board gives plain text only: render description_text, escaped, instead.",
    )
    fingerprint: str | None = Field(
        default=None, description="Content fingerprint used to spot the same job across sources."
    )

    @field_validator("title")
    @classmethod
    def _title_stripped(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("title is empty")
        return value

    @field_validator("description_html")
    @classmethod
    def _description_sanitised(cls, value: str | None) -> str | None:
        # Every way into the contract (connectors, dumps, JSON) passes here; model_copy does not,
        # so code must never put unsanitised markup in with `update=`.
        return sanitize_html(value)


SourceName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


class SourceConfig(BaseModel):
    """One entry of sources.yaml."""

    model_config = ConfigDict(extra="forbid")

    name: SourceName = Field(description="Unique name of this entry; used in reports.")
    kind: str = Field(description="Connector kind, see `jobingest sources list`.")
    enabled: bool = True
    board: str | None = Field(default=None, description="Greenhouse board token.")
    site: str | None = Field(default=None, description="Lever site name.")
    company: str | None = Field(
        default=None, description="Company id for boards keyed by company, or a display name."
    )
    url: str | None = Field(
        default=None,
        description="Explicit http(s) or file:// URL; a relative file:// path resolves against "
        "the folder of the sources file.",
    )
    options: dict[str, Any] = Field(default_factory=dict, description="Kind-specific options.")

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://", "file://")):
            raise ValueError("url must start with http://, https:// or file://")
        return value


class SourcesFile(BaseModel):
    """The whole sources.yaml file."""

    model_config = ConfigDict(extra="forbid")

    sources: list[SourceConfig]
