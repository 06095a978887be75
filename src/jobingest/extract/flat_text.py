"""Text of markup too deeply nested for a tree: one pass over the tag stream, no tree at all.

libxml2 stops reading at 256 levels (the rest of the text is silently lost) and BeautifulSoup
takes quadratic time on deep nesting (minutes for 100,000 `<div>`s). A description nobody
could render is still worth its words, so `html_to_text` falls back to this linear reading.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
    ]
)
_TAG = re.compile(r"<[^>]*>?")
_DROPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropped = 0  # depth inside elements whose text is not content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropped += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped = max(0, self._dropped - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self.parts.append(data)


def flat_text(markup: str) -> str:
    """The text of `markup` with block boundaries as newlines; linear in its length."""
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except (AssertionError, ValueError):  # a "<![" section html.parser cannot name
        return html.unescape(_TAG.sub(" ", markup))
    return "".join(collector.parts)
