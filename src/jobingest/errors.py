"""Typed errors, so callers can tell a bad source from a bad record from a broken warehouse."""

from __future__ import annotations


class JobIngestError(Exception):
    """Base of every error jobingest raises on purpose."""


class ConfigError(JobIngestError):
    """A sources file or one of its entries is invalid."""


class FetchError(JobIngestError):
    """A request failed for good (after retries, or for a reason retrying cannot fix)."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.reason = reason
        self.status = status


class UnsafeURLError(FetchError):
    """A URL or redirect points somewhere we refuse to go (private address, odd scheme)."""


class PayloadTooLargeError(FetchError):
    """A body grew past the configured cap while streaming or decompressing."""


class ParseError(JobIngestError):
    """A payload cannot be read as the source kind says it should be."""


class RecordError(JobIngestError):
    """One record of a payload cannot become a posting; it goes to quarantine."""


class UnknownSourceKindError(ConfigError):
    """No connector is registered under this kind."""
