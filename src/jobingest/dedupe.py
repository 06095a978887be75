"""Identity and sameness of postings.

`fingerprint` says "probably the same job" across sources (same employer, title and place);
`content_hash` says "nothing a reader would notice changed" for one listing between runs.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from jobingest.models import Posting

_NON_WORD = re.compile(r"[^0-9a-z]+")
_COMPANY_SUFFIXES = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|sarl|bv|nv|plc|corp|corporation|co|"
    r"company|se|srl|sl|oy|ab|as|pty|kg)\b"
)
# Fields that belong to the job itself; url and fingerprint are derived or volatile.
_CONTENT_FIELDS = (
    "company", "title", "role", "role_family", "level", "employment_type", "workplace",
    "locations", "salary", "skills", "posted_at", "description_text",
)  # fmt: skip


def normalise_text(value: str | None) -> str:
    """Lowercase ASCII words separated by single spaces."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", folded.lower()).strip()


def normalise_company(name: str | None) -> str:
    return " ".join(_COMPANY_SUFFIXES.sub(" ", normalise_text(name)).split())


def fingerprint(posting: Posting) -> str:
    places = sorted(
        {
            f"{normalise_text(p.city)}|{p.country or ''}"
            for p in posting.locations
            if p.city or p.country
        }
    )
    key = "\x1f".join(
        [
            normalise_company(posting.company),
            normalise_text(posting.title),
            ";".join(places),
        ]
    )
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def content_hash(posting: Posting) -> str:
    data = posting.model_dump(mode="json", include=set(_CONTENT_FIELDS))
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
