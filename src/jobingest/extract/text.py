"""Descriptions to clean text.

The one place that chooses the HTML parser, so the hot path can be swapped after benchmarking.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup

_PARSER = "html.parser"
_BLOCK_TAGS = (
    "p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "section", "article", "header", "footer", "blockquote", "pre",
)  # fmt: skip
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def unescape_entities(value: str) -> str:
    """Undo entity escaping, e.g. Greenhouse's `content`, which arrives as `&lt;p&gt;…`."""
    return html.unescape(value)


def html_to_text(markup: str | None) -> str | None:
    """Readable plain text of an HTML fragment: blocks on their own lines, scripts dropped."""
    if markup is None:
        return None
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    soup = BeautifulSoup(markup, _PARSER)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for item in soup.find_all("li"):
        item.insert_before("\n")
        item.insert(0, "- ")
    return _tidy(soup.get_text())


def _tidy(text: str) -> str | None:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    joined = "\n".join(lines)
    joined = _BLANK_LINES.sub("\n\n", joined).strip()
    return joined or None
