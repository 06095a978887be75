"""Descriptions to clean text.

The one place that chooses the HTML parser, so the hot path can be swapped after benchmarking.
"""

from __future__ import annotations

import html
import re
import threading

from bs4 import BeautifulSoup, ParserRejectedMarkup
from lxml import etree
from lxml import html as lxml_html

from jobingest.extract.flat_text import flat_text

_PARSER = "html.parser"
_BLOCK_TAGS = (
    "p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "section", "article", "header", "footer", "blockquote", "pre",
)  # fmt: skip
_BLOCK_SET = frozenset(_BLOCK_TAGS)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Whitespace other than " ", "\t", "\n" and NBSP, which includes every line boundary of
# str.splitlines() but "\n". Without it, lines end at "\n" only and, once runs of spaces are one
# " ", stripping a line is dropping one space on either side.
_ODD_SPACE = re.compile(
    "[\x0b\x0c\r\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
_ODD_ASCII_SPACE = ("\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f")


# Entities escaped markup is made of. When every `&` starts one of these, replacing them (`&amp;`
# last, so `&amp;lt;` stays `&lt;`) is what html.unescape returns, without a Python call per
# entity (a Greenhouse description has dozens).
_COMMON_ENTITIES = (
    ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&#x27;", "'"),
    ("&nbsp;", "\u00a0"),
)  # fmt: skip


def unescape_entities(value: str) -> str:
    """Undo entity escaping, e.g. Greenhouse's `content`, which arrives as `&lt;p&gt;…`."""
    ampersands = value.count("&")
    if not ampersands:
        return value
    if ampersands == value.count("&amp;") + sum(value.count(e) for e, _ in _COMMON_ENTITIES):
        for entity, character in _COMMON_ENTITIES:
            value = value.replace(entity, character)
        return value.replace("&amp;", "&")
    return html.unescape(value)


def html_to_text(markup: str | None) -> str | None:
    """Readable plain text of an HTML fragment: blocks on their own lines, scripts dropped.

    lxml walks the tree in C, about ten times faster than building BeautifulSoup's Python tree
    (the hot path of every replay); markup lxml cannot take falls back to BeautifulSoup, and
    nesting deeper than libxml2's limit (where it silently drops the rest) to parser events.
    """
    if markup is None:
        return None
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    try:
        return _tidy(_lxml_text(markup))
    except _TooDeep:
        return _tidy(flat_text(markup))
    except ValueError:
        if _CONTROL.search(markup) is None:
            return _html_parser_text(markup)
        return html_to_text(_CONTROL.sub("", markup))  # lxml refuses control characters
    except (etree.ParserError, etree.XMLSyntaxError, RecursionError, AssertionError):
        return _html_parser_text(markup)


def _html_parser_text(markup: str) -> str | None:
    try:
        return _tidy(_soup_text(markup))
    except (ParserRejectedMarkup, AssertionError, RecursionError):
        return _tidy(flat_text(markup))


class _TooDeep(Exception):
    """libxml2 stopped at its nesting limit (256) and dropped the rest of the text."""


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARSERS = threading.local()


def _parser() -> lxml_html.HTMLParser:
    """lxml.html's default parser settings, in a parser of this thread's own, so its error log
    (read after each parse) is this parse's."""
    parser: lxml_html.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml_html.HTMLParser()
    return parser


def _lxml_text(markup: str) -> str:
    parser = _parser()
    root = lxml_html.fragment_fromstring(markup, create_parent="div", parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise _TooDeep
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


def _odd_space(text: str) -> bool:
    if text.isascii():
        return any(space in text for space in _ODD_ASCII_SPACE)
    return _ODD_SPACE.search(text) is not None


def _tidy(text: str) -> str | None:
    if not _odd_space(text):
        # The per-line work below in a few C-level passes (the regex alone is most of its cost):
        # _SPACES runs to one " ", then one space either side of a line break dropped.
        text = text.replace("\t", " ").replace("\u00a0", " ").replace("\u200b", " ")
        while "  " in text:
            text = text.replace("  ", " ")
        joined = text.replace(" \n", "\n").replace("\n ", "\n")
        return _BLANK_LINES.sub("\n\n", joined).strip() or None
    text = text.replace("\r\n", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    joined = "\n".join(lines)
    joined = _BLANK_LINES.sub("\n\n", joined).strip()
    return joined or None
