"""A board's stated industry ("Biotech & Pharmaceuticals", "Hospitals and Health Care") to a
small fixed list, so industries from different boards can be grouped.

Only for values a board states in an industry field: guessing an industry from a description
would be a guess, and unknown stays None.
"""

from __future__ import annotations

import re

from jobingest.extract.fold import fold

INDUSTRIES: tuple[str, ...] = (
    "Staffing & Recruiting", "IT Services", "Software", "Internet", "Telecommunications",
    "Pharma & Biotech", "Healthcare", "Insurance", "Financial Services", "Aerospace & Defense",
    "Automotive", "Manufacturing", "Energy & Mining", "Education", "Government", "Non-profit",
    "Legal", "Consulting", "Marketing & Advertising", "Media & Entertainment",
    "Retail & Consumer Goods", "Transportation & Logistics", "Real Estate & Construction",
    "Hospitality & Travel", "Agriculture", "Research", "Security",
)  # fmt: skip

# First match wins, so the order settles overlaps: "Insurance Agencies & Brokerages" is
# Insurance, "Biotech & Pharmaceuticals" is not Software, "IT Services" is not Software.
_RULES: tuple[tuple[str, str], ...] = (
    ("Staffing & Recruiting", r"staffing|recruit|employment (services|agenc)|executive search|headhunt|"
     r"zeitarbeit|personaldienstleist|travail temporaire|interim|empresas de trabajo temporal"),
    ("IT Services", r"\bit services|\bit consulting|information technology (and|&) services|"
     r"managed (it )?services|systems? integrat|it-dienstleist|services informatiques|\besn\b|"
     r"servicios de ti|outsourcing"),
    ("Pharma & Biotech", r"pharma|biotech|life sciences?|biopharm|\bdrugs?\b|farmac|arzneimittel|"
     r"medical devices?|medizintechnik"),
    ("Software", r"software|\bsaas\b|computer hardware|computer (and|&) network security|"
     r"information technology|\btech(nology)?\b|computer|cyber|\bcloud\b|logiciel|informatique|"
     r"\bedv\b|desarrollo de software|programacion"),
    ("Internet", r"internet|online (media|platform|marketplace)|e-?commerce|web services"),
    ("Telecommunications", r"telecom|wireless|telekommunikation|telecomunicacion"),
    ("Healthcare", r"health|hospital|medical|clinic|nursing|dental|care services|wellness|"
     r"gesundheit|krankenh|sante|salud|hospitalier|medizin|veterinar|mental"),
    ("Insurance", r"insurance|insurer|reinsurance|versicherung|\bassurances?\b|seguros|underwrit"),
    ("Financial Services", r"\bbank|financ|credit union|lending|\binvest|asset management|"
     r"capital markets|brokerage|stock exchange|payments?|fintech|accounting|wealth|trading|"
     r"venture capital|private equity|transaction processing|finanz|banque|banca|mortgage"),
    ("Aerospace & Defense", r"aerospace|aviation|defen[cs]e|luft- und raumfahrt|aeronautique|"
     r"aeroespacial|space"),
    ("Automotive", r"automotive|\bautomobile|vehicle|\bcars?\b|automobil|automocion"),
    ("Manufacturing", r"manufactur|industrial|machinery|chemicals?|plastics|semiconductor|"
     r"electronics|textile|packaging|fertigung|maschinenbau|industrie|fabricacion|produccion"),
    ("Energy & Mining", r"energy|oil|\bgas\b|utilit|renewable|solar|\bwind\b|power generation|"
     r"mining|metals?|energie|energia|bergbau"),
    ("Education", r"educat|school|universit|college|e-?learning|training services|academ|"
     r"bildung|hochschule|enseignement|educacion|k-12"),
    ("Government", r"government|federal|public (administration|sector|policy)|municipal|"
     r"\bstate agenc|military|armed forces|verwaltung|offentlicher dienst|administration publique|"
     r"sector publico"),
    ("Non-profit", r"non-?profit|not-for-profit|charit|religious|philanthrop|social assistance|"
     r"civic|\bngo\b|gemeinnutzig|association|sin animo de lucro"),
    ("Legal", r"\blegal|law (firm|practice)|\blaw\b|attorney|kanzlei|rechtsberatung|juridique|"
     r"abogados|juridic"),
    ("Consulting", r"consult|advisory|professional services|beratung|conseil"),
    ("Marketing & Advertising", r"advertis|marketing|public relations|\bpr\b|werbung|publicite|"
     r"publicidad"),
    ("Media & Entertainment", r"media|entertainment|broadcast|publishing|motion picture|film|"
     r"music|video games?|gaming|gambling|casino|newspaper|television|\btv\b|sports|verlag|"
     r"medien|edition|medios|entretenimiento"),
    ("Retail & Consumer Goods", r"retail|stores?\b|wholesale|consumer (goods|products|electronics)|"
     r"apparel|fashion|grocery|supermarket|food (and|&) beverage|gas stations|luxury|"
     r"einzelhandel|handel|commerce de detail|comercio|distribucion"),
    ("Transportation & Logistics", r"transport|logistic|shipping|freight|trucking|airlines?|"
     r"railroad|rail\b|maritime|delivery|supply chain|warehous|spedition|logistique|logistica"),
    ("Real Estate & Construction", r"real estate|property|construction|architect|building|"
     r"engineering services|civil engineering|immobilien|\bbau|immobilier|\bbtp\b|inmobiliari|"
     r"construccion"),
    ("Hospitality & Travel", r"hospitality|hotel|travel|tourism|restaurant|food service|leisure|"
     r"lodging|gastronomie|hotellerie|hosteleria|turismo"),
    ("Agriculture", r"agricult|farm|forestry|fishery|agrar|landwirtschaft|agroalimentaire|agricola"),
    ("Research", r"research|r\s?&\s?d\b|laborator|forschung|recherche|investigacion"),
    ("Security", r"security|investigations|sicherheit|securite|seguridad"),
)  # fmt: skip
_COMPILED = tuple((industry, re.compile(pattern)) for industry, pattern in _RULES)
_UNKNOWN = frozenset({"", "-1", "n/a", "na", "none", "unknown", "other", "others", "-", "null"})


def industry_from_text(value: str | None) -> str | None:
    """The fixed-list industry a board's industry value names, or None when it names none."""
    if value is None:
        return None
    text = " ".join(fold(value).split())
    if text in _UNKNOWN or len(text) > 200:
        return None
    for industry, pattern in _COMPILED:
        if pattern.search(text):
            return industry
    return None


def stated_industry(value: object) -> str | None:
    """The industry of a board's `industry` field in any of its shapes: text, an object with a
    `label` or `name` (SmartRecruiters, schema.org DefinedTerm), or a list of those (first hit)."""
    if isinstance(value, str):
        return industry_from_text(value)
    if isinstance(value, dict):
        for key in ("label", "name", "termCode"):
            found = stated_industry(value.get(key))
            if found:
                return found
        return None
    if isinstance(value, list):
        return next((found for item in value[:10] if (found := stated_industry(item))), None)
    return None
