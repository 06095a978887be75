"""Board HTML to markup that is safe to store and show: an explicit allow-list, nothing else.

Descriptions come from employers and scraped pages, so they are hostile until cleaned. nh3
(Ammonia) parses like a browser and keeps only the tags and attributes named here: no script,
style, event handler, inline style, image, frame, form, SVG, MathML or `<base>`; links keep an
http, https or mailto `href` (relative and every other scheme are dropped) and get
`rel="nofollow noopener"`. Elements that hide or carry code lose their content as well.

Sanitising is idempotent (`sanitize_html(sanitize_html(x)) == sanitize_html(x)`), so a posting
read back and validated again never changes its stored description.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3

_TAGS = frozenset(
    {
        "p", "br", "hr", "div", "span",
        "ul", "ol", "li", "dl", "dt", "dd",
        "strong", "em", "b", "i", "u", "s", "sub", "sup", "small",
        "h2", "h3", "h4", "h5", "h6",
        "a", "blockquote", "code", "pre",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Dropped with everything inside: code, embedded documents and form controls. `button`,
# `marquee` and `applet` are here too because a parser nests blocks in them inside a `<p>`,
# which would not survive a second parse once the wrapper is stripped.
_DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "textarea", "select", "button", "marquee", "title",
        "xmp", "noembed", "noframes",
    }
)  # fmt: skip
_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes=_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="nofollow noopener",
    strip_comments=True,
)
# The HTML parser drops one newline right after `<pre>`; the serialiser must then add one back.
_PRE_NEWLINE = re.compile(r"<pre>\n")
# Control characters (a literal or a `&#x1f;`) are no text; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# A lone surrogate (JSON allows "\ud800") cannot be encoded for the parser: U+FFFD instead.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A tag of the cleaner's output: attribute values are always double-quoted, `"` escaped.
_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')
_NOT_SPACE = re.compile(r"\S")
_MAX_PASSES = 4
_MAX_DEPTH = 256
_OPEN_OR_CLOSE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")
# Void elements, and elements whose end tag is optional (a parser closes them for the next one).
_NOT_NESTING = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
        "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc",
    }
)  # fmt: skip


def sanitize_html(markup: str | None) -> str | None:
    """Allow-listed HTML of a fragment, or None when no text is left (or none was given).

    A parser nests misplaced tags differently once their wrapper is gone, so one pass is not
    always a fixed point; cleaning repeats until it is (a pass or two), and a fragment that never
    settles is kept as escaped text only.
    """
    if markup is None or _too_deep(markup):
        return None
    if not markup.isascii():
        markup = _SURROGATE.sub("\ufffd", markup)
    cleaned = _clean_once(markup)
    if cleaned != markup:  # else cleaning `cleaned` again gives `cleaned`: it is the fixed point
        cleaned = _fixed_point(cleaned)
    return cleaned if _has_text(cleaned) and not _too_deep(cleaned) else None


def _fixed_point(cleaned: str) -> str:
    for _ in range(_MAX_PASSES):
        again = _clean_once(cleaned)
        if again == cleaned:
            return cleaned
        cleaned = again
    return _clean_once(_TAG.sub(" ", cleaned))  # tags gone: nothing left to nest


def markup_or_none(value: str | None) -> str | None:
    """The value when it is HTML, else None: for fields that may hold either (feeds, JSON-LD,
    dumps). Plain text has no formatting to keep; readers render `description_text`."""
    return value if value and nh3.is_html(value) else None


def html_sections(sections: Iterable[tuple[str | None, str | None]]) -> str | None:
    """Board HTML of several parts as one fragment, each under its plain-text heading (escaped).

    For boards that split a description into named parts (Lever lists, Personio sections)."""
    parts = []
    for heading, body in sections:
        if heading and heading.strip():
            parts.append(f"<h3>{html.escape(heading.strip(), quote=False)}</h3>")
        if body and body.strip():
            parts.append(body)
    return "\n".join(parts) or None


def _too_deep(markup: str) -> bool:
    """Whether elements nest deeper than `_MAX_DEPTH`, counted the way a parser closes them (an
    end tag closes its own element and the ones inside it; a stray one closes nothing). Parsing
    costs the square of the depth (100,000 nested divs take minutes) and no board nests a
    description that deep, so such markup keeps its text (`description_text`), not its HTML."""
    if markup.count("<") <= _MAX_DEPTH:
        return False  # too few tags to nest that deep
    open_names: list[str] = []
    for match in _OPEN_OR_CLOSE.finditer(markup):
        name = match.group(2).lower()
        if name in _NOT_NESTING:
            continue
        if not match.group(1):
            open_names.append(name)
            if len(open_names) > _MAX_DEPTH:
                return True
        elif name in open_names:
            del open_names[len(open_names) - 1 - open_names[::-1].index(name) :]
    return False


def _clean_once(markup: str) -> str:
    cleaned = _without_control(_CLEANER.clean(markup))
    return _PRE_NEWLINE.sub("<pre>\n\n", cleaned).strip()


def _without_control(text: str) -> str:
    """`_CONTROL` removed; ASCII text (most descriptions) by a byte table, several times faster."""
    if text.isascii():
        return text.encode("ascii").translate(None, _CONTROL_BYTES).decode("ascii")
    return _CONTROL.sub("", text)


def _has_text(cleaned: str) -> bool:
    """Whether anything but whitespace is left outside `_TAG`s: what `_TAG.sub("", cleaned)`
    would keep, read from the start and stopping at the first character of text."""
    position = 0
    while (found := _NOT_SPACE.search(cleaned, position)) is not None:
        tag = _TAG.match(cleaned, found.start()) if found.group() == "<" else None
        if tag is None:
            return True
        position = tag.end()
    return False
