"""The vocabulary of pay in English, German, French and Spanish (plus the common UK, Swiss,
Dutch, Polish and Indian spellings), as regexes that run in linear time.

Every repetition here is bounded ({0,3}, {1,9}, ...), and nothing unbounded precedes a part
that can fail, so a search costs at most a constant per character of input whatever the input.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jobingest.extract.scan import WordPattern
from jobingest.models import PayPeriod

BIWEEKLY = "biweekly"  # a stated period that is none of ours: keeps the amounts, blocks inference

# --- amounts -------------------------------------------------------------------------------

# ISO codes matched in any case ("usd 100k"), and codes matched only in capitals because in
# lower case they are words ("try", "pen", "all").
_CODES = [
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "SGD", "HKD", "CHF", "INR", "JPY", "CNY", "MXN",
    "BRL", "ZAR", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON",
]  # fmt: skip
_CAPITAL_CODES = [
    "COP", "ARS", "CLP", "PEN", "TWD", "KRW", "THB", "IDR", "PHP", "MYR", "VND", "AED", "SAR",
    "ILS", "TRY", "RUB", "UAH", "NGN", "KES", "EGP", "PKR", "LKR", "BDT", "ISK", "BGN", "QAR",
    "KWD", "MAD",
]  # fmt: skip
_ANY_CASE = "|".join(code.lower() for code in _CODES)
_CAPITALS = "|".join(_CAPITAL_CODES)

_PRE = (
    r"(?P<pre>(?:USD|CAD|AUD|NZD|SGD|HKD|MXN) ?\$|(?:US|CA|AU|NZ|SG|HK|MX|NT|C|A|S|R)?\$"
    r"|[£€¥₹₱₩₺₪]"
    rf"|\b(?i:{_ANY_CASE}|rmb|rs\.?|sfr\.?|kr\.?)|\b(?:{_CAPITALS})\b"
    r"|zł)"
)
_NUM = (
    r"(?<![\d.,'’])(?P<num>"
    r"[1-9]\d?,(?:\d{2},){1,3}\d{3}(?![\d,])(?:\.\d{1,2}(?!\d))?"  # Indian lakh grouping
    r"|[1-9]\d{0,2}(?P<sep>[,.'’ ])\d{3}(?:(?P=sep)\d{3}){0,4}(?!\d)(?:[.,]\d{1,2}(?!\d))?"
    r"|\d{1,9}(?:[.,]\d{1,2}(?!\d))?(?!\d)"
    r")(?:[.,]-{1,2}(?! ?\d))?"  # Swiss/German "120'000.–", "50.000,-"
)
_MULT = (
    r"(?: ?(?P<mult>(?i:k€|k\$|k£|keur|kusd|teur|t€|tsd\.?|tausend|thousand|mille|mil(?!l)"
    r"|millions?|millones|mio\.?|mn|mm|bn|billions?|lakhs?|lacs?|lpa|crores?|cr)"
    r"|[kKmMBL])(?![A-Za-z]))?"
)
_POST = (
    r"(?: {0,2}(?P<post>[€$£¥₹₱₩₺₪]|zł"
    rf"|(?:{_CAPITALS})\b"
    rf"|(?i:euros?|{_ANY_CASE}|rmb|dollars?|pounds?|sterling|francs?|rupees?|yen|yuan|pesos?"
    r"|reais|złotych|zl|kr|kronor|kroner|kč|lei)(?![A-Za-zÀ-ÿł])))?"
)
AMOUNT = re.compile(rf"(?:{_PRE} {{0,2}})?{_NUM}{_MULT}{_POST}")
# The longest `_PRE` plus its spaces ("USD $  "): how far before its digits an amount can start.
AMOUNT_PREFIX_WIDTH = 7

_THOUSAND = Decimal(1_000)
_MILLION = Decimal(1_000_000)
_MULTIPLIERS: dict[str, tuple[Decimal, str | None, bool]] = {
    **dict.fromkeys(("k", "thousand", "tausend", "tsd", "mil", "mille"), (_THOUSAND, None, False)),
    **dict.fromkeys(("k€", "keur", "teur", "t€"), (_THOUSAND, "EUR", False)),
    "k$": (_THOUSAND, None, False),
    "kusd": (_THOUSAND, "USD", False),
    "k£": (_THOUSAND, "GBP", False),
    **dict.fromkeys(
        ("m", "mm", "mn", "million", "millions", "millones", "mio"), (_MILLION, None, False)
    ),
    **dict.fromkeys(("b", "bn", "billion", "billions"), (_MILLION * 1000, None, False)),
    **dict.fromkeys(("l", "lakh", "lakhs", "lac", "lacs"), (Decimal(100_000), "INR", False)),
    "lpa": (Decimal(100_000), "INR", True),
    **dict.fromkeys(("cr", "crore", "crores"), (Decimal(10_000_000), "INR", False)),
}


def multiplier(token: str) -> tuple[Decimal | None, str | None, bool]:
    """(factor, currency it implies, whether it implies a year) for '100k', '45 k€', '12 LPA'."""
    key = token.strip().lower().rstrip(".")
    return _MULTIPLIERS.get(key, (None, None, False))


# --- currencies ----------------------------------------------------------------------------

_TOKENS: dict[str, str] = {
    **{code: code for code in _CODES + _CAPITAL_CODES},
    "€": "EUR", "EURO": "EUR", "EUROS": "EUR", "£": "GBP", "POUND": "GBP", "POUNDS": "GBP",
    "STERLING": "GBP", "₹": "INR", "RUPEE": "RS", "RUPEES": "RS", "RS": "RS", "₱": "PHP",
    "₩": "KRW", "₺": "TRY", "₪": "ILS", "SFR": "CHF", "FRANC": "CHF", "FRANCS": "CHF",
    "ZŁ": "PLN", "ZL": "PLN", "ZŁOTYCH": "PLN", "KRONOR": "SEK", "KČ": "CZK", "LEI": "RON",
    "RMB": "CNY", "YUAN": "CNY", "YEN": "JPY", "REAIS": "BRL", "US$": "USD", "C$": "CAD",
    "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "S$": "SGD", "SG$": "SGD",
    "HK$": "HKD", "MX$": "MXN", "NT$": "TWD", "R$": "BRL",
}  # fmt: skip
_BY_COUNTRY: dict[str, dict[str, str]] = {
    "$": {"CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN",
          "TW": "TWD", "AR": "ARS", "CL": "CLP", "CO": "COP"},
    "KR": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"},
    "¥": {"CN": "CNY"},
    "RS": {"PK": "PKR", "LK": "LKR", "NP": "NPR"},
    "PESO": {"MX": "MXN", "AR": "ARS", "CL": "CLP", "CO": "COP", "PH": "PHP", "UY": "UYU"},
}  # fmt: skip
_DEFAULT = {"$": "USD", "KR": None, "¥": "JPY", "RS": "INR", "PESO": None}
_ALIASES = {"DOLLAR": "$", "DOLLARS": "$", "PESOS": "PESO", "KRONER": "KR", "RUPEE": "RS"}


def _token(written: str) -> str:
    token = written.strip().upper().rstrip(".").replace(" ", "")
    if len(token) == 4 and token.endswith("$") and token[:3] in _TOKENS:
        return token[:3]  # "USD $100,000"
    return _ALIASES.get(token, _TOKENS.get(token, token))


def currency_is_guess(written: str) -> bool:
    """'$', 'kr', '¥', 'Rs', 'pesos': the country (or a code written nearby) decides."""
    return _token(written) in _DEFAULT


def resolve_currency(written: str, country: str | None) -> str | None:
    """ISO 4217 for a written currency; '$', 'kr', '¥', 'Rs' and 'pesos' depend on the country."""
    token = _token(written)
    if token in _DEFAULT:
        by_country = _BY_COUNTRY[token].get((country or "").upper())
        return by_country or _DEFAULT[token]
    return token if len(token) == 3 and token.isalpha() and token.isascii() else None


LABEL_CURRENCY = re.compile(rf"(?P<code>\b(?:{'|'.join(_CODES)}|{_CAPITALS})\b|[€£₹])")

# --- ranges --------------------------------------------------------------------------------

GAP = re.compile(
    r" {0,3}(?:-{1,2}|~|(?i:to|till?|through|thru|bis|à|a|au|hasta|tot|up to)"
    r"|(?P<word_and>(?i:and|und|et|y|e|i)))(?![A-Za-z]) {0,3}"
)
AND_OPENER = re.compile(
    r"\b(?:between|zwischen|entre|tussen|między|range|ranges|spanne|fourchette|rango|banda)\b",
    re.IGNORECASE,
)
WORDY_AND = re.compile(r" (?i:and|und|et|y) {1,3}$")
MIN_LABEL = re.compile(
    r"\b(?:min(?:imum)?|mín(?:imo)?|mindest\w{0,12}|low end|lower end|from a minimum)\b",
    re.IGNORECASE,
)
MAX_LABEL = re.compile(
    r"\b(?:max(?:imum)?|máx(?:imo)?|höchst\w{0,12}|high end|upper end|top end)\b", re.IGNORECASE
)
MID_LABEL = re.compile(r"\b(?:mid|midpoint|median|target)\b", re.IGNORECASE)

# --- periods -------------------------------------------------------------------------------

_STRONG = {
    "hour": r"hourly|stündlich|horaire|p\.? ?h\.?|p/h|ph",
    "day": r"daily|täglich|journalier|diario|p\.? ?d\.?|p/d|pd",
    "week": r"weekly|wöchentlich|hebdomadaire|semanal|p\.? ?w\.?|p/w|pw",
    "month": r"monthly|monatlich|mtl\.?|mensuel(?:le)?s?|mensual(?:es)?|miesięcznie|pcm|p\.? ?m\.?|p/m|pm",
    "year": r"annually|annual|yearly|jährlich|annuel(?:le)?s?|anual(?:es)?|rocznie|p\.? ?a\.?|p/a|pa|lpa",
    "bi": r"bi-?weekly|fortnightly|semi-?monthly|bimensuel(?:le)?|quincenal",
}
_WEAK = {
    "hour": r"hours?|hrs?|h|std\.?|stunden?|heures?|horas?|uur|godz\.?|godzin[ęy]",
    "day": r"days?|tag|jours?|journée|días?|dias?|dag|dzień",
    "week": r"weeks?|wk|woche|semaines?|semanas?|tydzień",
    "month": r"months?|mo|mth|monat|mois|mes(?:es)?|maand|mies\.?|miesiąc|mc",
    "year": r"years?|yr|annum|jahr|an|année|años?|jaar|rok",
    "bi": r"fortnight|two weeks|2 weeks|pay period",
}
_SEP = r"(?:/ ?|(?:per|a|an|each|every|pro|je|im|par|al|por|a la|la|el|le|the|per calendar) |l['’]|à l['’]|de l['’])"
_UNIT = "|".join(
    [f"(?:/ ?)?(?P<{name}_s>{pattern})" for name, pattern in _STRONG.items()]
    + [f"{_SEP}(?:" + "|".join(f"(?P<{n}_w>{p})" for n, p in _WEAK.items()) + ")"]
)
_FILLER = (
    r"(?:[ ,]{0,2}(?:(?i:gross|brutto|bruts?|brute?s?|brutos?|brutas?|net|nett|netto|netos?|nets?"
    r"|base|basic|salary|usd|eur|gbp|cad|aud|chf|doe|ote|b2b|uop|pro rata|before tax(?:es)?"
    r"|(?:us |canadian |australian )?dollars?|euros?|pounds?|\+ ?(?:vat|mwst|tva|iva)"
    rf"|{_ANY_CASE}|{_CAPITALS.lower()}"
    r"|plus benefits|\+ ?super(?:annuation)?|\+ ?benefits|total|fixed|fixe|fijos?|approx\.?)(?![\w])"
    r"|[€$£]|\([^()\n]{0,30}\))){0,4}"
)
# The unit may run into a capitalised next sentence when HTML lost its spacing ("per hourA list").
AFTER_PERIOD = re.compile(rf"{_FILLER} {{0,2}}(?i:{_UNIT})(?-i:(?![a-zà-ÿ0-9_]))", re.IGNORECASE)

LABEL_PERIOD = re.compile(
    r"(?P<hour_l>\bhourly|\bper hour|stundenlohn|stundensatz|stundenvergütung|taux horaire"
    r"|salaire horaire|por hora|tarifa por hora|uurloon|stawka godzinowa)"
    r"|(?P<day_l>\bdaily rate|\bday rate|\bper day|tagessatz|\btjm\b|taux journalier"
    r"|tarif journalier|tarifa diaria)"
    r"|(?P<week_l>\bweekly\b|\bper week|wochenlohn|salaire hebdomadaire|salario semanal)"
    r"|(?P<month_l>\bmonthly\b|\bper month|monatsgehalt|monatsbrutto|monatlich|mensuel"
    r"|\bmensual|maandsalaris|maandloon|miesięczn)"
    r"|(?P<year_l>\bannual(?:ly)?\b|\byearly\b|\bper year|\bper annum|jahresgehalt|jahresbrutto"
    r"|jahreszielgehalt|jährlich|\bannuel|\banual|jaarsalaris|roczn)"
    r"|(?P<bi_l>bi-?weekly|fortnightly|semi-?monthly)",
    re.IGNORECASE,
)

_PERIOD_NAMES: dict[str, PayPeriod | str] = {
    "hour": PayPeriod.hour,
    "day": PayPeriod.day,
    "week": PayPeriod.week,
    "month": PayPeriod.month,
    "year": PayPeriod.year,
    "bi": BIWEEKLY,
}


def last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last non-overlapping match of `pattern` in `text` (a short window), or None."""
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - we want the loop's last value
        pass
    return found


def period_of_group(match: re.Match[str]) -> PayPeriod | str | None:
    """The period named by whichever `<period>_<kind>` group of `match` took part."""
    for name, value in match.groupdict().items():
        period = _PERIOD_NAMES.get(name.split("_", 1)[0]) if "_" in name else None
        if value is not None and period is not None:
            return period
    return None


# --- context -------------------------------------------------------------------------------

SENTENCE_END = re.compile(r"[.!?](?= {1,3}[A-ZÄÖÜÉÈÀÁÍÓÚÑ¿¡]|\n)|[\n;•·|]")
# SENTENCE_END in parts, for finding its one-character matches with `str.find`: a stop ends a
# sentence when AFTER_STOP follows it, a separator always does.
SENTENCE_STOPS = ".!?"
SENTENCE_SEPARATORS = "\n;•·|"
AFTER_STOP = re.compile(r" {1,3}[A-ZÄÖÜÉÈÀÁÍÓÚÑ¿¡]|\n")
# Characters neither PAY_WORDS nor SOFT_PAY can match (their matches are letters, spaces and
# hyphens): a scan for them may start after any of these.
WORD_BREAKS = "\n.,;:!?()•·|0123456789"
PAY_WORDS = re.compile(
    r"\b(?:salary|salaries|pay|pays|paid|paying|payrate|compensation|comp|base|wages?|rate|remuneration"
    r"|earn|earnings|income|ote|gross)\b"
    r"|gehalt|vergütung|verdienst|lohn\b|löhne|entgelt|bezahlung|\bbrutto"
    r"|salaire|rémunér|\bbrut\b|\bbruts?\b|fourchette|\btjm\b|taux journalier"
    r"|salari[oa]|sueldo|retribuci|remuneraci|\bbrutos?\b|wynagrodzenie|\bsalaris",
    re.IGNORECASE,
)
# What every PAY_WORDS match starts with, to find them all with str.find.
PAY_WORD_SCAN = WordPattern(
    PAY_WORDS,
    ("salar", "salaire", "pay", "paid", "comp", "base", "wage", "rate", "remunera", "earn",
     "income", "ote", "gross", "gehalt", "vergütung", "verdienst", "lohn", "löhne", "entgelt",
     "bezahlung", "brut", "rémunér", "fourchette", "tjm", "taux journalier", "sueldo",
     "retribuci", "wynagrodzenie"),
    never_inside=WORD_BREAKS,
)  # fmt: skip
BASE_WORDS = re.compile(
    r"\b(?:base|basic|grundgehalt|fixum|fixe?|salaire de base|salario base|fijo)\b", re.IGNORECASE
)
SOFT_PAY = re.compile(
    r"\b(?:ote|(?:on[- ])?target earnings|on[- ]target|total earnings|commissions?|incentive"
    r"|variable|total comp(?:ensation)?|tc)\b"
    r"|provision|comisi[oó]n",
    re.IGNORECASE,
)
SOFT_PAY_SCAN = WordPattern(
    SOFT_PAY,
    ("ote", "on-target", "on target", "target earnings", "total earnings", "commission",
     "incentive", "variable", "total comp", "tc", "provision", "comisi"),
    never_inside=WORD_BREAKS,
)  # fmt: skip
NOT_PAY = re.compile(
    r"\b(?:bonus(?:es)?|equity|stock|rsus?|options|shares|signing|sign-on|sign on|relocation"
    r"|allowance|reimburs\w{0,12}|budget|401|403|pension|retirement|referral|revenues?|turnover"
    r"|funding|funded|raised?|valuation|valued|series [a-f]|seed|arr|mrr|investors?|investment"
    r"|backed|grants?|prize|awards?|tuition|per diem|insurance|deductible|discount|fees?"
    r"|costs?|prices?|savings?|saved?|saves|donat\w{0,12}|gmv|aum|assets|portfolio|market cap|loan|debt"
    r"|home office|wfh|gym|lunch|meals?|commuter|transit|childcare|perks?|sales?"
    r"|paid out|payouts?|benefit of|per employee"
    r"|umsatz|finanzierung|finanziert|zuschuss|prämie|aktien|jobticket|weiterbildung"
    r"|chiffre d['’]affaires|levée|levé|financement|actions|prime|primes|tickets? restaurant"
    r"|facturación|financiación|ronda|ventas|presupuesto|acciones)\b"
    # German compounds name a benefit inside one word: "Weiterbildungsbudget", "Fahrtkostenzuschuss".
    r"|(?:budget|zuschuss|pauschale)\b|\bweiterbildung",
    re.IGNORECASE,
)
# Benefit budgets name their purpose after the amount ("$1,000 annually for education").
NOT_PAY_AFTER = re.compile(
    r"\b(?:education|learning|training|conferences?|internet|phone|equipment|wellness|books"
    r"|co-?working|professional development|weiterbildung|formation|formación)\b",
    re.IGNORECASE,
)
# "$20 per 100 words", "$315 per article", "$1000 per employee": piece rates, not pay bands.
PIECE_RATE = re.compile(r" {0,2}(?:/ ?[a-z]|(?i:per|each|je|pro|par|por) (?!rata)~?[\w-])")
TRUNCATE_AFTER = re.compile(
    r"[+,&(]|\b(?:plus|and|with|et|und|y|más|avec|mit|including|inkl)\b", re.IGNORECASE
)
PERCENT_AFTER = re.compile(r" ?(?:%|(?i:percent|per cent|prozent|pour ?cent|por ciento|pct)\b)")
NOUN_AFTER = re.compile(
    r"\+? ?(?i:years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|employees|people"
    r"|persons|staff|members|users|customers|clients|countries|offices|locations|cities|stores"
    r"|engineers|developers|companies|partners|brands|students|patients|beds|projects|teams"
    r"|jahren?|monaten?|wochen|tage|stunden|mitarbeiter\w{0,12}|mitarbeitende|kunden|länder|standorte"
    r"|ans|années|mois|semaines|jours|heures|salariés|collaborateurs|pays"
    r"|años|meses|semanas|días|horas|empleados|personas|clientes|países)(?!\w)"
)
PLURAL_AFTER = re.compile(r"\+? ?(?P<word>[a-zà-ÿ]{4,30})\b")
WEIGHT_WORDS = re.compile(
    r"\b(?:lift|lifting|carry|carrying|push|pull|weigh\w{0,12}|objects?|heavy)\b", re.IGNORECASE
)
UP_TO_BEFORE = re.compile(
    r"(?:\bup ?to|\bmax(?:imum)?\.?(?: of)?|\bnot to exceed|\bno more than|\bas much as"
    r"|\bbis zu|\bbis|\bmaximal|\bhöchstens|jusqu['’] ?(?:à|au)|\bhasta|\bmáximo)[ :]{0,3}$",
    re.IGNORECASE,
)
FROM_BEFORE = re.compile(
    r"(?:\bfrom|\bstarting (?:at|from)|\bstarts? at|\bbegins? at|\bbeginning at|\bmin(?:imum)?\.?(?: of)?"
    r"|\bat least|\bno less than|\bab|\bmindestens|\bminimal|à partir de|\bdès|\ba partir de"
    r"|\bdesde|\bmínimo)[ :]{0,3}$",
    re.IGNORECASE,
)
FROM_AFTER = re.compile(r"\+(?! ?\d)| (?i:or more|and up|and above|or higher|ou plus|o más)\b")
