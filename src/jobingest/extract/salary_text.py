"""Finding pay bands in free text, from "USD 100K - 130K" to a German or French job ad.

Two passes, both linear in the length of the text so that no input can make them slow: one
regex with only bounded repetition finds money-like amounts ("$53K", "60.000 €", "45 k€",
"₹12,00,000"), then plain Python pairs neighbours into ranges and judges each band by the few
words around it (salary/Gehalt/salaire/salario for, bonus/equity/funding against). Turning a
band into a `Salary` (period from magnitude, FX, plausibility) is `jobingest.extract.salary`'s
job; this module only reads text and never converts currencies.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import islice

from jobingest.extract.salary_words import (
    AFTER_PERIOD,
    AFTER_STOP,
    AMOUNT,
    AMOUNT_PREFIX_WIDTH,
    AND_OPENER,
    BASE_WORDS,
    FROM_AFTER,
    FROM_BEFORE,
    GAP,
    LABEL_CURRENCY,
    LABEL_PERIOD,
    MAX_LABEL,
    MID_LABEL,
    MIN_LABEL,
    NOT_PAY,
    NOT_PAY_AFTER,
    NOUN_AFTER,
    PAY_WORD_SCAN,
    PAY_WORDS,
    PERCENT_AFTER,
    PIECE_RATE,
    PLURAL_AFTER,
    SENTENCE_SEPARATORS,
    SENTENCE_STOPS,
    SOFT_PAY,
    SOFT_PAY_SCAN,
    TRUNCATE_AFTER,
    UP_TO_BEFORE,
    WEIGHT_WORDS,
    WORDY_AND,
    currency_is_guess,
    last_match,
    multiplier,
    period_of_group,
    resolve_currency,
)
from jobingest.extract.scan import WordPattern, lowered, match_from, money_starts
from jobingest.models import PayPeriod

# Same-length folding: offsets into the folded text are offsets into the original.
_FOLD = {
    **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2009\u202f\u3000\t", " "),
    **dict.fromkeys("\r\x0b\x0c\x85\u2028\u2029", "\n"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    "\uff04": "$",
}
_TO_FOLD = re.compile("[" + "".join(_FOLD) + "]")
_ASCII_TO_FOLD = "".join(char for char in _FOLD if char.isascii())
_WINDOW_BEFORE = 80
_WINDOW_AFTER = 60
_NEAR_AFTER = 40
_LABEL_TAIL = 40
_MAX_GAP = 40
_MAX_WORDY_GAP = 70
_MAX_PAIR_GAP = 200
_MAX_RANGE_RATIO = 20
# A job ad has tens of numbers, a long one a few hundred. Past this many money-like tokens the
# text is not an ad (a price list, a data dump, an attack) and we read no further: the regex
# passes stay linear in any case, this bounds the per-candidate work that follows them.
_MAX_AMOUNTS = 5_000
# How far before a region `_Doc.has_word` looks for a character to start its scan after, and
# the longest scan it makes for one region before it scans the whole text once instead.
_RESUME_WITHIN = 200
_LOCAL_SCAN = 1_000
_SHORT_FIELD = 80
_THOUSAND = Decimal(1000)
_MILLION = Decimal(1_000_000)
_YEARS = range(1900, 2101)
_RETIREMENT_PLANS = {Decimal(401), Decimal(403), Decimal(457)}
_DIGIT = re.compile(r"\d")
_NOT_NOUNS = frozenset({"plus", "minus", "thus", "this", "bis", "dans", "mais", "más", "pendant"})

Period = PayPeriod | str  # a PayPeriod, or salary_words.BIWEEKLY


@dataclass(frozen=True, slots=True)
class Band:
    """One pay band read from text, before FX and plausibility are applied."""

    low: float | None
    high: float | None
    currency: str | None
    period: PayPeriod | None
    period_stated: bool  # True also for "bi-weekly": stated, but not one of our periods
    start: int
    end: int
    raw: str
    swapped: bool
    score: int
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Amount:
    start: int
    num_start: int
    end: int
    number: Decimal
    factor: Decimal | None
    currency: str | None
    has_currency: bool
    currency_guessed: bool  # a bare '$' (or 'kr', '¥') resolved by the country
    implied_year: bool
    bad: bool

    @property
    def value(self) -> Decimal:
        return self.number * self.factor if self.factor is not None else self.number

    @property
    def anchor(self) -> bool:
        """Money-like enough that the words next to it belong to it, not to its neighbours."""
        return not self.bad and (
            self.has_currency or self.factor is not None or self.number >= _THOUSAND
        )


@dataclass(frozen=True, slots=True)
class _Candidate:
    first: int  # index of the first amount
    last: int  # index of the last amount (== first for a single amount)
    low: Decimal
    high: Decimal
    gap_period: Period | None = None


@dataclass(frozen=True, slots=True)
class _Span:
    """Where a candidate sits: its sentence (plus a label line) and the words either side."""

    region_start: int
    region_end: int
    before: str
    after: str


class _Doc:
    """The folded text and everything candidates need from it, computed once (the word
    positions only when a candidate asks: most numbers in an ad never get that far)."""

    def __init__(self, text: str, country: str | None) -> None:
        self.raw = text
        self.norm = _fold(text)
        stripped = self.norm.strip()
        self.short_field = len(stripped) <= _SHORT_FIELD and "\n" not in stripped
        starts = money_starts(self.norm, AMOUNT_PREFIX_WIDTH)
        matches = islice(match_from(AMOUNT, self.norm, starts), _MAX_AMOUNTS)
        self.amounts = [_amount(self.norm, m, country) for m in matches]
        self.anchors = [i for i, amount in enumerate(self.amounts) if amount.anchor]
        self._word_starts: dict[int, list[int]] = {}

    @cached_property
    def boundaries(self) -> list[int]:
        return _sentence_ends(self.norm)

    @cached_property
    def lowered(self) -> str | None:
        return lowered(self.norm)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_left(self.boundaries, start)
        j = bisect_left(self.boundaries, end)
        first = self.boundaries[i - 1] + 1 if i > 0 else 0
        last = self.boundaries[j] if j < len(self.boundaries) else len(self.norm)
        return first, last

    def has_word(self, words: WordPattern, start: int, end: int) -> bool:
        """Whether `words.finditer` over the whole text has a match starting in [start, end).

        Found from the nearest character before `start` that no match contains: a sentence's
        few words instead of every word of the ad. With none close by, a long region or no
        lowered copy, from the matches of the whole text, found once: no text costs more than
        it did before this shortcut."""
        resume = start
        floor = max(0, start - _RESUME_WITHIN)
        while resume > floor and self.norm[resume - 1] not in words.never_inside:
            resume -= 1
        synced = resume == 0 or self.norm[resume - 1] in words.never_inside
        if synced and end - resume <= _LOCAL_SCAN and self.lowered is not None:
            return words.starts_in(self.norm, self.lowered, resume, start, end)
        positions = self._word_starts.get(id(words))
        if positions is None:
            positions = [m.start() for m in words.finditer(self.norm, self.lowered)]
            self._word_starts[id(words)] = positions
        i = bisect_left(positions, start)
        return i < len(positions) and positions[i] < end

    def previous_anchor_end(self, index: int) -> int:
        k = bisect_left(self.anchors, index)
        return self.amounts[self.anchors[k - 1]].end if k > 0 else 0

    def next_anchor_start(self, index: int) -> int:
        k = bisect_left(self.anchors, index + 1)
        return self.amounts[self.anchors[k]].start if k < len(self.anchors) else len(self.norm)


def _sentence_ends(norm: str) -> list[int]:
    """The starts of `SENTENCE_END.finditer(norm)`, ascending. Its matches are single characters,
    so `str.find` of each (memchr) and a look after each stop find them at a fifth of the cost
    of the regex, which tries every position of the ad."""
    found: list[int] = []
    for char in SENTENCE_STOPS + SENTENCE_SEPARATORS:
        stop = char in SENTENCE_STOPS
        at = norm.find(char)
        while at >= 0:
            if not stop or AFTER_STOP.match(norm, at + 1):
                found.append(at)
            at = norm.find(char, at + 1)
    found.sort()
    return found


def _fold(text: str) -> str:
    """The text with `_FOLD` applied: a few characters in a long text, so found with one
    character-class scan rather than a per-character `str.translate`; an ASCII text without
    tabs or odd line breaks (most ads) needs no scan at all."""
    if text.isascii() and not any(char in text for char in _ASCII_TO_FOLD):
        return text
    return _TO_FOLD.sub(lambda found: _FOLD[found.group()], text)


def find_bands(text: str, *, country: str | None = None) -> list[Band]:
    """Every pay-looking band in `text`, best first (by context score, then position)."""
    if not text or _DIGIT.search(text) is None:
        return []  # no amount without a decimal digit
    doc = _Doc(text, country)
    candidates, used = _ranges(doc)
    pairs = _labelled_pairs(doc, used)
    used.update(i for pair in pairs for i in (pair.first, pair.last))
    candidates += pairs + _singles(doc, used)
    bands = [band for band in (_band(doc, c) for c in candidates) if band is not None]
    bands.sort(key=lambda band: (-band.score, band.start))
    return bands


# --- amounts -------------------------------------------------------------------------------


def _amount(norm: str, m: re.Match[str], country: str | None) -> _Amount:
    number = _parse_number(m.group("num"))
    mult = m.group("mult")
    factor, mult_currency, implied_year = multiplier(mult) if mult else (None, None, False)
    pre, post = m.group("pre"), m.group("post")
    written = post if pre and post and currency_is_guess(pre) else pre or post  # "$100,000 CAD"
    currency = resolve_currency(written, country) if written else mult_currency
    amount = _Amount(
        start=m.start(),
        num_start=m.start("num"),
        end=m.end(),
        number=number if number is not None else Decimal(0),
        factor=factor,
        currency=currency,
        has_currency=written is not None or mult_currency is not None,
        currency_guessed=written is not None and currency_is_guess(written),
        implied_year=implied_year,
        bad=number is None,
    )
    if amount.bad or _not_money(norm, amount, m.group("pre") is not None, mult):
        return replace(amount, bad=True)
    pounds = post is not None and post.lower().startswith("pound")
    if pounds and WEIGHT_WORDS.search(norm[max(0, amount.start - _NEAR_AFTER) : amount.start]):
        return replace(amount, bad=True)  # "lift up to 50 pounds"
    return amount


def _parse_number(text: str) -> Decimal | None:
    """'1,000.50', '1.000,50', '60 000', "120'000", '12,00,000', '11.7' -> Decimal."""
    digits = text.replace(" ", "").replace("'", "").replace("’", "")
    last = max(digits.rfind(","), digits.rfind("."))
    if last >= 0 and len(digits) - last - 1 in (1, 2):
        whole, fraction = digits[:last], digits[last + 1 :]
        digits = whole.replace(",", "").replace(".", "") + "." + fraction
    else:
        digits = digits.replace(",", "").replace(".", "")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _not_money(norm: str, amount: _Amount, has_prefix: bool, mult: str | None) -> bool:
    """Numbers that are something else: percentages, durations, headcounts, 401(k), codes."""
    after = norm[amount.end : amount.end + _NEAR_AFTER]
    if PERCENT_AFTER.match(after):
        return True
    before_char = norm[amount.start - 1] if amount.start > 0 else " "
    if not has_prefix and (before_char.isalpha() or before_char in "#№+_@"):
        return True
    if amount.has_currency:
        return False
    if after[:1].isalpha() or NOUN_AFTER.match(after) or _counted_noun(after):
        return True
    plan = amount.number in _RETIREMENT_PLANS
    return plan and ((mult is not None and mult in "kK") or after.startswith(("(k)", "(b)", "k")))


def _counted_noun(after: str) -> bool:
    """'14K+ communities', '300 partners': a number counting things, not a pay amount."""
    found = PLURAL_AFTER.match(after)
    if found is None:
        return False
    word = found.group("word")
    return (
        word.endswith("s")
        and word not in _NOT_NOUNS
        and not (PAY_WORDS.match(word) or AFTER_PERIOD.match(after.lstrip("+")))
    )


def _chained(norm: str, num_start: int, end: int) -> bool:
    """Part of a longer digit chain: phone numbers, dates, times, versions ("555-123-4567")."""
    before = norm[max(0, num_start - 2) : num_start]
    after = norm[end : end + 2]
    return (len(before) == 2 and before[0].isdigit() and before[1] in "-/.:") or (
        len(after) == 2 and after[0] in "-/.:" and after[1].isdigit()
    )


# --- candidates ----------------------------------------------------------------------------


def _ranges(doc: _Doc) -> tuple[list[_Candidate], set[int]]:
    """'$53K-$91K', '45-55 k€', 'zwischen 65.000 € und 80.000 €', 'Min - Mid - Max' chains."""
    found: list[_Candidate] = []
    used: set[int] = set()
    i = 0
    while i < len(doc.amounts) - 1:
        link = _link(doc, i)
        if link is None:
            i += 1
            continue
        following = _link(doc, i + 1)
        if following is not None and link.low < link.high < following.high:
            link = replace(link, last=i + 2, high=following.high)  # "$15.00 - $22.50 - $30.00"
        found.append(link)
        used.update(range(i, link.last + 1))
        i = link.last
    return found, used


def _link(doc: _Doc, i: int) -> _Candidate | None:
    """Amounts i and i+1 read as one range, when only a connector stands between them."""
    if i + 1 >= len(doc.amounts):
        return None
    a, b = doc.amounts[i], doc.amounts[i + 1]
    gap = doc.norm[a.end : b.start]
    if a.bad or b.bad or len(gap) > _MAX_WORDY_GAP:
        return None
    per_amount = AFTER_PERIOD.match(gap)  # "$120,000.00/yr - $150,000.00/yr"
    connector = GAP.fullmatch(gap, per_amount.end() if per_amount else 0)
    if connector is None or len(gap) > _MAX_GAP:
        if not _wordy_between(doc.norm, a.start, gap):
            return None
    elif connector.group("word_and") and not _and_allowed(doc.norm, a.start):
        return None
    if _chained(doc.norm, a.num_start, b.end):
        return None
    low, high = _shared_factor(a, b)
    if low > 0 and high > 0 and max(low, high) / min(low, high) > _MAX_RANGE_RATIO:
        return None
    gap_period = period_of_group(per_amount) if per_amount else None
    return _Candidate(i, i + 1, low, high, gap_period)


def _and_allowed(norm: str, start: int) -> bool:
    """'and'/'und'/'et'/'y' join a range only after 'between', 'zwischen', 'entre', 'range'."""
    window = norm[max(0, start - 60) : start]
    opener = last_match(AND_OPENER, window)
    if opener is None:
        return False
    rest = window[opener.end() :]
    return not any(ch.isdigit() or ch in ".;" for ch in rest)


def _wordy_between(norm: str, start: int, gap: str) -> bool:
    """'between USD 140,000 in the lowest geographic market and USD 250,000 in the highest'."""
    joined = WORDY_AND.search(gap[-8:])
    clean = not any(ch.isdigit() or ch in ".;\n" for ch in gap)
    return joined is not None and clean and _and_allowed(norm, start)


def _shared_factor(a: _Amount, b: _Amount) -> tuple[Decimal, Decimal]:
    """'100-130k', '45-55 k€', '$1.2-1.5M': a multiplier written once applies to both ends."""
    low, high = a.value, b.value
    if b.factor is not None and a.factor is None and a.number < _THOUSAND:
        low = a.number * b.factor
    if a.factor is not None and b.factor is None and b.number < _THOUSAND:
        high = b.number * a.factor
    return low, high


def _labelled_pairs(doc: _Doc, used: set[int]) -> list[_Candidate]:
    """'Min: $138,800 / Mid: ... / Max: $208,200', 'a minimum of $X to a maximum of $Y'."""
    found: list[_Candidate] = []
    amounts = doc.amounts
    for i, low in enumerate(amounts):
        if i in used or low.bad or not _labelled(doc, i, MIN_LABEL):
            continue
        for k in (i + 1, i + 2):
            if k >= len(amounts) or k in used or amounts[k].bad:
                break
            if amounts[k].start - low.end > _MAX_PAIR_GAP:
                break
            if _labelled(doc, k, MAX_LABEL):
                found.append(_Candidate(i, k, low.value, amounts[k].value))
                break
            if not _labelled(doc, k, MID_LABEL):
                break
    return found


def _labelled(doc: _Doc, index: int, label: re.Pattern[str]) -> bool:
    amount = doc.amounts[index]
    previous = doc.amounts[index - 1].end if index > 0 else 0
    tail = doc.norm[max(previous, amount.start - _LABEL_TAIL) : amount.start]
    found = last_match(label, tail)
    if found is None:
        return False
    rest = tail[found.end() :]
    return not any(ch.isdigit() for ch in rest) and len(rest) <= 25


def _singles(doc: _Doc, used: set[int]) -> list[_Candidate]:
    return [
        _Candidate(i, i, amount.value, amount.value)
        for i, amount in enumerate(doc.amounts)
        if i not in used and not amount.bad and not _chained(doc.norm, amount.num_start, amount.end)
    ]


# --- judging -------------------------------------------------------------------------------


def _band(doc: _Doc, candidate: _Candidate) -> Band | None:
    """A candidate judged by its context; None when the words around it say it is not pay."""
    a, b = doc.amounts[candidate.first], doc.amounts[candidate.last]
    span = _span(doc, candidate)
    kw_region = doc.has_word(PAY_WORD_SCAN, span.region_start, span.region_end)
    if not (kw_region or _money(a, b)):
        return None  # the cheap test first: a bare number in a sentence that never talks pay
    near_after = TRUNCATE_AFTER.split(span.after, maxsplit=1)[0]
    attached = AFTER_PERIOD.match(span.after)
    period, period_note = _period(candidate, attached, span, a.implied_year or b.implied_year)
    is_range = candidate.first != candidate.last
    kw_near = bool(PAY_WORDS.search(span.before) or PAY_WORDS.search(near_after))
    qualifier, qualifier_at = (None, 0) if is_range else _qualifier(span.before, span.after)
    worded = qualifier if qualifier_at > 0 else None  # a bare '+' after it is not enough
    if not is_range and not _single_gate(doc, kw_near, period, worded, a):
        return None
    if _not_pay_nearby(span.before, near_after):
        return None
    if attached is None and PIECE_RATE.match(span.after):
        return None
    if not _context_gate(a, b, candidate, kw_region, kw_near, doc.short_field, period):
        return None
    currency, has_currency = _currency(a, b, span)
    end = b.end + (attached.end() if attached else 0)
    start = a.start - qualifier_at
    evidence = [period_note] if period_note else []
    evidence += _evidence(is_range, has_currency, currency, kw_near, kw_region, qualifier)
    score = _score(doc, span, near_after, is_range, has_currency, kw_near or kw_region, period)
    return _make_band(candidate, qualifier, currency, period, (start, end), doc, score, evidence)


def _make_band(
    candidate: _Candidate,
    qualifier: str | None,
    currency: str | None,
    period: Period | None,
    extent: tuple[int, int],
    doc: _Doc,
    score: int,
    evidence: list[str],
) -> Band:
    low, high = candidate.low, candidate.high
    swapped = low > high
    if swapped:
        low, high = high, low
    return Band(
        low=None if qualifier == "up_to" else float(low),
        high=None if qualifier == "from" else float(high),
        currency=currency,
        period=period if isinstance(period, PayPeriod) else None,
        period_stated=period is not None,
        start=extent[0],
        end=extent[1],
        raw=doc.raw[extent[0] : extent[1]].strip(),
        swapped=swapped,
        score=score - (1 if qualifier else 0),
        evidence=tuple(evidence),
    )


def _span(doc: _Doc, candidate: _Candidate) -> _Span:
    start, end = doc.amounts[candidate.first].start, doc.amounts[candidate.last].end
    sent_start, sent_end = doc.sentence(start, end)
    prev_end = doc.previous_anchor_end(candidate.first)
    next_start = doc.next_anchor_start(candidate.last)
    region_start = max(sent_start, prev_end)
    before = doc.norm[_whole_word(doc.norm, max(region_start, start - _WINDOW_BEFORE)) : start]
    if not before.strip(" :-*#>()") and sent_start > 0:
        # A band on a line of its own: its label is the line before ("Salary range:\n$X - $Y").
        label_start, _ = doc.sentence(sent_start - 1, sent_start - 1)
        label_start = max(label_start, prev_end, sent_start - 1 - _WINDOW_BEFORE)
        label_start = _whole_word(doc.norm, label_start)
        if label_start < sent_start - 1:
            region_start = label_start
            before = doc.norm[label_start : sent_start - 1] + " " + before
    after = doc.norm[end : min(sent_end, next_start, end + _WINDOW_AFTER)]
    if end + _WINDOW_AFTER < min(sent_end, next_start) and " " in after:
        after = after[: after.rindex(" ")]  # never end the window inside a word
    return _Span(region_start, sent_end, before, after)


def _whole_word(norm: str, position: int) -> int:
    """Move a window start that falls inside a word ("rem|ote") to the next word."""
    if 0 < position < len(norm) and norm[position - 1].isalpha() and norm[position].isalpha():
        space = norm.find(" ", position, position + 30)
        return space + 1 if space >= 0 else position
    return position


def _period(
    candidate: _Candidate, attached: re.Match[str] | None, span: _Span, implied_year: bool
) -> tuple[Period | None, str | None]:
    """Stated after the band, between its ends, by 'LPA', or by a label before it."""
    stated = period_of_group(attached) if attached else candidate.gap_period
    if stated is None and implied_year:
        stated = PayPeriod.year
    if stated is not None:
        return stated, f"period:stated:{stated}"
    label = last_match(LABEL_PERIOD, span.before)
    labelled = period_of_group(label) if label is not None else None
    return labelled, f"period:label:{labelled}" if labelled is not None else None


def _qualifier(before: str, after: str) -> tuple[str | None, int]:
    """('up_to' | 'from' | None, how many characters before the amount the words start)."""
    tail = before[-30:]
    for kind, pattern in (("up_to", UP_TO_BEFORE), ("from", FROM_BEFORE)):
        found = pattern.search(tail)
        if found is not None:
            return kind, len(tail) - found.start()
    return ("from", 0) if FROM_AFTER.match(after) else (None, 0)


def _single_gate(
    doc: _Doc, kw_near: bool, period: Period | None, qualifier: str | None, amount: _Amount
) -> bool:
    """A lone amount is pay only with a pay word close by, a period, or 'up to'/'from'."""
    money = amount.has_currency or amount.factor is not None
    return kw_near or period is not None or qualifier is not None or (money and doc.short_field)


def _context_gate(
    a: _Amount,
    b: _Amount,
    candidate: _Candidate,
    kw_region: bool,
    kw_near: bool,
    short_field: bool,
    period: Period | None,
) -> bool:
    """Bare numbers and lone amounts in running text need a pay word in the sentence (bare
    numbers also a period or a salary-sized value);
    millions need a pay word right next to them; a year-like bare number ('2024') needs a
    stated period."""
    millions = any(x.factor is not None and x.factor >= _MILLION for x in (a, b))
    if millions and not (kw_near or short_field):
        return False
    # A lone amount in running text ("€1,200 annual learning budget") is pay only when a pay word
    # shares its sentence; a range with a currency ("$120,000 - $150,000 per year") stands alone.
    single = candidate.low == candidate.high
    hourly_or_daily = period in (PayPeriod.hour, PayPeriod.day)
    if _money(a, b) and (kw_region or short_field or not single or hourly_or_daily):
        return True
    stated = period is not None
    year_like = any(x.number in _YEARS for x in (a, b))
    small = max(candidate.low, candidate.high) < _THOUSAND
    return kw_region and stated if (year_like or small) else kw_region


def _money(a: _Amount, b: _Amount) -> bool:
    return any(x.has_currency or x.factor is not None for x in (a, b))


def _not_pay_nearby(before: str, near_after: str) -> bool:
    """A bonus, equity, benefit or funding amount: the nearest telling word says so."""
    return _nearest_is(NOT_PAY, before, near_after) or _nearest_is(NOT_PAY_AFTER, "", near_after)


def _currency(a: _Amount, b: _Amount, span: _Span) -> tuple[str | None, bool]:
    """Written on an amount, else named next to the band ('Salary (EUR):', '$70k - $92k (AUD)')."""
    written = [x for x in (a, b) if x.has_currency]
    if written and not all(x.currency_guessed for x in written):
        return next(x.currency for x in written if not x.currency_guessed), True
    label = LABEL_CURRENCY.search(span.after[:15])
    if written:
        return (resolve_currency(label.group("code"), None) if label else written[0].currency), True
    label = LABEL_CURRENCY.search(span.before) or label
    if label is not None:
        return resolve_currency(label.group("code"), None), True
    return None, False


def _score(
    doc: _Doc,
    span: _Span,
    near_after: str,
    is_range: bool,
    has_currency: bool,
    pay_word: bool,
    period: Period | None,
) -> int:
    score = 4 if pay_word or doc.short_field else 0
    score += (2 if is_range else 0) + (1 if has_currency else 0) + (1 if period else 0)
    close_before = span.before[-40:]
    if BASE_WORDS.search(close_before) or BASE_WORDS.search(near_after):
        score += 1
    if _nearest_is(SOFT_PAY, close_before, near_after):
        score -= 3  # "OTE $200k", "total compensation $X": pay, but not the base band
    elif doc.has_word(SOFT_PAY_SCAN, span.region_start, span.region_end):
        score -= 1
    return score


def _nearest_is(words: re.Pattern[str], before: str, after: str) -> bool:
    """Whether the word closest to the amount, on either side, is one of `words` rather than a
    plain pay word ("base salary between" beats an "OTE" earlier in the sentence)."""
    last_word = max((m.end() for m in words.finditer(before)), default=-1)
    if last_word >= 0:
        last_pay = max(
            (m.end() for m in PAY_WORDS.finditer(before) if not words.fullmatch(m.group())),
            default=-1,
        )
        if last_word >= last_pay:
            return True
    word = words.search(after)
    if word is None:
        return False
    pay = next((m for m in PAY_WORDS.finditer(after) if not words.fullmatch(m.group())), None)
    return pay is None or pay.start() > word.start()


def _evidence(
    is_range: bool,
    has_currency: bool,
    currency: str | None,
    kw_near: bool,
    kw_region: bool,
    qualifier: str | None,
) -> list[str]:
    found = ["range" if is_range else "single"]
    if has_currency:
        found.append(f"currency:{currency or 'unresolved'}")
    if kw_near or kw_region:
        found.append("pay-word:near" if kw_near else "pay-word:sentence")
    if qualifier:
        found.append(f"qualifier:{qualifier}")
    return found
