"""Descriptions to clean text.

The one place that chooses the HTML parser, so the hot path can be swapped after benchmarking.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup
from lxml import etree
from lxml import html as lxml_html

_PARSER = "html.parser"
_BLOCK_TAGS = (
    "p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "section", "article", "header", "footer", "blockquote", "pre",
)  # fmt: skip
_BLOCK_SET = frozenset(_BLOCK_TAGS)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def unescape_entities(value: str) -> str:
    """Undo entity escaping, e.g. Greenhouse's `content`, which arrives as `&lt;p&gt;…`."""
    return html.unescape(value)


def html_to_text(markup: str | None) -> str | None:
    """Readable plain text of an HTML fragment: blocks on their own lines, scripts dropped.

    lxml walks the tree in C, about ten times faster than building BeautifulSoup's Python tree
    (the hot path of every replay); markup lxml cannot take falls back to BeautifulSoup.
    """
    if markup is None:
        return None
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    try:
        return _tidy(_lxml_text(markup))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, RecursionError):
        return _tidy(_soup_text(markup))


def _lxml_text(markup: str) -> str:
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()  # keeps the text after the dropped element
    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else None
        if event == "start":
            if tag in _BLOCK_SET:
                parts.append("\n")
            elif tag == "li":
                parts.append("\n- ")
            if tag is not None and element.text:
                parts.append(element.text)
        else:
            if tag in _BLOCK_SET:
                parts.append("\n")
            if element is not root and element.tail:
                parts.append(element.tail)
    return "".join(parts)


def _soup_text(markup: str) -> str:
    soup = BeautifulSoup(markup, _PARSER)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for item in soup.find_all("li"):
        item.insert_before("\n")
        item.insert(0, "- ")
    return str(soup.get_text())


def _tidy(text: str) -> str | None:
    text = text.replace("\r\n", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    joined = "\n".join(lines)
    joined = _BLANK_LINES.sub("\n\n", joined).strip()
    return joined or None
