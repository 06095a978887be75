"""Seniority level from a title, the level a board states and the experience a description asks.

Scale (ai-jobs.net): entry = Entry-level / Junior (interns and trainees count as entry),
mid = Mid-level / Intermediate, senior = Senior-level / Expert (senior, staff, principal, lead and
expert individual contributors), executive = Executive-level / Director (director, head, VP,
C-level). A board's stated level beats the title, the title beats years of experience; sources
that disagree lower the confidence and are named in the evidence. No evidence gives None: a
posting that says nothing about level is not "mid".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jobingest.extract.fold import fold, squash, strip_gender_markers
from jobingest.models import Level


@dataclass(frozen=True)
class LevelResult:
    level: Level | None
    confidence: float
    evidence: list[str]


@dataclass(frozen=True)
class _Finding:
    level: Level
    confidence: float
    note: str


# ----------------------------------------------------------------------------- board levels
# Keys are folded, with "-", "_" and "/" as spaces. LinkedIn's "Associate" is the rung above
# "Entry level" (some experience, not yet senior), so it is mid on this scale.
_BOARD_EXACT: dict[str, Level | None] = {}
for _level, _names in (
    (Level.entry, (
        "entry level", "entry", "en", "internship", "intern", "junior", "jr", "junior level",
        "entry level junior", "en entry level", "graduate", "new grad", "trainee", "apprentice",
        "apprenticeship", "student", "working student", "werkstudent", "praktikum", "praktikant",
        "einsteiger", "berufseinsteiger", "berufseinstieg", "absolvent", "absolventen",
        "debutant", "debutante", "stage", "stagiaire", "alternance", "sin experiencia",
        "practicas", "becario", "becaria", "early career", "fresher", "no experience",
        "entry level junior level",
    )),
    (Level.mid, (
        "mid", "mid level", "mi", "intermediate", "associate", "medior", "confirme", "confirmee",
        "semi senior", "ssr", "intermedio", "mid level intermediate", "mi mid level",
        "mid career", "experienced associate",
    )),
    (Level.senior, (
        "senior", "se", "senior level", "sr", "expert", "lead", "staff", "principal", "experte",
        "experto", "senior level expert", "se senior level", "senior expert", "senior professional",
    )),
    (Level.executive, (
        "director", "executive", "ex", "vp", "vice president", "c level", "cxo", "c suite",
        "head", "executive level", "executive level director", "ex executive level",
        "directeur", "directivo", "direccion", "cadre dirigeant", "senior executive",
        "director level", "board",
    )),
):  # fmt: skip
    for _name in _names:
        _BOARD_EXACT[_name] = _level
# Values that state a band spanning two levels, or no level: no evidence either way.
for _name in (
    "mid senior level", "mid senior", "mid to senior", "experienced", "experienced professional",
    "berufserfahren", "professional", "professionals", "not applicable", "na", "n a", "any",
    "all levels", "manager", "management", "unknown", "other", "none", "unspecified",
):  # fmt: skip
    _BOARD_EXACT[_name] = None

_BOARD_WORDS: tuple[tuple[re.Pattern[str], Level | None], ...] = (
    (re.compile(r"\bmid\W*(to\W*)?senior\b"), None),
    (re.compile(r"\b(intern|internship|entry|junior|graduate|trainee|student|apprentice)\b"), Level.entry),
    (re.compile(r"\b(executive|director|vp|vice president|chief|c level|head)\b"), Level.executive),
    (re.compile(r"\b(senior|expert|lead|staff|principal)\b"), Level.senior),
    (re.compile(r"\b(mid|intermediate|associate)\b"), Level.mid),
)  # fmt: skip


def _board_finding(board_level: str | None, notes: list[str]) -> _Finding | None:
    if board_level is None or not board_level.strip():
        return None
    key = squash(re.sub(r"[-_/(),.:]+", " ", fold(board_level)))
    if key in _BOARD_EXACT:
        level = _BOARD_EXACT[key]
    else:
        matched = [lvl for pattern, lvl in _BOARD_WORDS if pattern.search(key)]
        if not matched:
            notes.append(f"board level {board_level!r} not recognised")
            return None
        level = matched[0]
    if level is None:
        notes.append(f"board level {board_level!r} spans levels or states none: no evidence")
        return None
    return _Finding(level, 0.95, f"board level {board_level!r} -> {level.value}")


# ---------------------------------------------------------------------------- title tokens
# Tiers: a higher tier decides alone ("Senior Director" is a director, "Sr. Engineer II" is
# senior). Within one tier, two different levels ("Junior/Senior") are a conflict: no evidence.
_TIER_INTERN, _TIER_EXEC, _TIER_WORD, _TIER_NUMERAL = 4, 3, 2, 1

_STAFF_CONTEXT = (
    r"(software|data|bi|machine|ml|ai|backend|back end|frontend|front end|fullstack|full stack|engineer|"
    r"scientist|developer|product|research|security|site|platform|infrastructure|systems|cloud|devops|"
    r"mobile|ios|android|applied|analytics|ux|designer|design|technical|sre|qa|test|quality|solutions|"
    r"firmware|embedded|hardware|network|database|mlops|computer|vision|nlp|program|frontend|"
    r"architect|swe|sde)"
)
_HEAD_NOT_EXEC = (
    r"(chef|cook|coach|teacher|nurse|waiter|waitress|gardener|lifeguard|cashier|hunter|count|"
    r"baker|bartender|custodian|groundskeeper|housekeeper|mechanic|barista|server|counselor)"
)

_TITLE_RULES: tuple[tuple[re.Pattern[str], Level, int, float], ...] = (
    # internships, apprenticeships, working students, thesis students
    (re.compile(
        r"\b(intern|interns|internship|trainee|apprentice|apprenticeship|werkstudent(in|en)?|"
        r"praktikant(in|en)?|praktikum|pflichtpraktikum|stagiaire|alternant(e)?|alternance|"
        r"apprenti(e)?|apprentissage|becari[oa]s?|beca|practicas|practicante|pasante|pasantia|azubi|"
        r"auszubildende[r]?|ausbildung|duales studium|dual(er)? student(in)?|working student|"
        r"student assistant|student worker|studentische (hilfskraft|aushilfe)|abschlussarbeit|"
        r"masterarbeit|bachelorarbeit|master thesis|co-?op|summer analyst|summer associate)\b"
        r"(?!\s*(program|programme|recruit\w*|coordinator|manager|director|lead|supervisor|"
        r"instructor|trainer|teacher|ausbilder))"
    ), Level.entry, _TIER_INTERN, 0.9),
    (re.compile(
        r"(^stage\b(?!\s*(manager|hand|technician|crew|door))|\bstage\s+(de\s+fin|en|-|:|\d)|"
        r"[-(:|]\s*stage\b(?!\s*(manager|hand|technician|crew))|\bstage\s*$)"
    ), Level.entry, _TIER_INTERN, 0.85),
    # executives
    (re.compile(r"\bchief\b(?!\s+of\s+staff)"), Level.executive, _TIER_EXEC, 0.9),
    (re.compile(r"\b(vp|svp|evp|avp|vice[\s-]?president[ea]?|vizeprasident(in)?|vice[\s-]?presidente)\b"),
     Level.executive, _TIER_EXEC, 0.9),
    (re.compile(
        rf"\bhead\b(?!\s*{_HEAD_NOT_EXEC}\b)(?!\s*-?\s*(hunter|quarters|set|phones?|office|offices|count)\b)"
    ),
     Level.executive, _TIER_EXEC, 0.9),
    (re.compile(
        r"(?<!art )(?<!casting )(?<!funeral )(?<!music )(?<!photography )"
        r"\b(director|directora|directores|directeur|directrice|direktor(in)?|direttore|"
        r"sub-?director(a)?|sous-directeur|directeur adjoint)\b"
        r"(?!\s*(of\s+)?(photography|de arte|artistique))"
    ), Level.executive, _TIER_EXEC, 0.9),
    (re.compile(
        r"\b(leiter|leiterin|leitung|(abteilungs|bereichs|gesamt|standort|niederlassungs|geschafts|"
        r"werks|betriebs|fachbereichs|vertriebs|verkaufs|marketing|personal|finanz|entwicklungs|"
        r"produktions|einkaufs|logistik|forschungs|kommunikations|it-?)(leiter|leiterin|leitung)|"
        r"geschaftsfuhrer(in)?|geschaftsfuhrung)\b"
    ), Level.executive, _TIER_EXEC, 0.85),
    (re.compile(r"(?<!vice )(?<!vice-)\b(president|presidente)\b"), Level.executive, _TIER_EXEC, 0.85),
    (re.compile(r"\b(co-?founder|founder|fondateur|fundador|grunder|managing partner|general partner)\b"),
     Level.executive, _TIER_EXEC, 0.85),
    # modifiers
    (re.compile(r"\b(semi[\s-]?senior|semi[\s-]?sr|ssr)\b"), Level.mid, _TIER_WORD, 0.85),
    (re.compile(
        r"(?<!semi )(?<!semi-)\b(senior|sr|snr|seniorin)\b"
        r"(?!\s*(living|care|citizens?|home|homes|center|centre|community|services?|housing|residence|"
        r"residents?|adults?|day|nutrition|wellness|center)\b)"
    ), Level.senior, _TIER_WORD, 0.85),
    (re.compile(rf"\bstaff(?=\s+{_STAFF_CONTEXT}\b)"), Level.senior, _TIER_WORD, 0.85),
    (re.compile(r"(?<!assistant )(?<!vice )(?<!school )(?<!deputy )\bprincipal\b(?!\s+(of|school))"),
     Level.senior, _TIER_WORD, 0.85),
    (re.compile(
        r"\blead\b(?!\s*(gen|generation|generator|qualification|abatement|paint|development rep\w*|"
        r"nurturing|scoring|routing|management)\b)"
    ), Level.senior, _TIER_WORD, 0.8),
    (re.compile(r"\b(teamleiter(in)?|teamleitung|gruppenleiter(in)?|gruppenleitung|teamlead|chef d'equipe|"
                r"lider tecnico|lider de equipo|jefe de equipo|tech lead|team lead)\b"),
     Level.senior, _TIER_WORD, 0.8),
    (re.compile(r"\b(expert|experte|expertin|experto|experta|distinguished)\b"), Level.senior, _TIER_WORD, 0.8),
    (re.compile(r"\b(junior|jr|jnr)\b"), Level.entry, _TIER_WORD, 0.85),
    (re.compile(
        r"\b(entry[\s-]?level|early[\s-]career|einsteiger|berufseinsteiger(in)?|debutant(e)?|"
        r"sin experiencia|principiante|graduate|grad|new grad|recent graduate|absolvent(in)?|"
        r"jeune diplome(e)?|recien (titulado|graduado)|fresher)\b"
        r"(?!\s*(program|programme)?\s*(recruit\w*|coordinator|advisor|admissions|manager|director|school|"
        r"teaching|research assistant|assistant|student))"
    ), Level.entry, _TIER_WORD, 0.85),
    (re.compile(
        r"\b(mid|mid[\s-]?level|midlevel|mid[\s-]?career|intermediate|medior|confirme(e)?|intermedio)\b"
        r"(?!\s*[-/]?\s*(market|size|sized|west|western|atlantic|south|night|shift|day|year|town|city)\b)"
    ), Level.mid, _TIER_WORD, 0.8),
)  # fmt: skip

_ASSOCIATE_LEAD = re.compile(
    r"^associate\b(?!\s*(-\s*)?(director|vp|vice|partner|principal|professor|dean|general counsel|head|"
    r"chief|medical director|creative director|art director))"
)
_C_LEVEL = re.compile(
    r"\b(CEO|CTO|CFO|COO|CIO|CMO|CPO|CDO|CRO|CISO|CHRO|CSO|CCO|CAO|CNO|CAIO|CXO)\b"
)
# "(Senior) Data Engineer": the level is optional, the posting takes either.
_OPTIONAL_LEVEL = re.compile(
    r"^\s*\(\s*(senior|sr\.?|junior|jr\.?|lead|mid)(\s*/\s*(senior|sr\.?|junior|jr\.?|lead|mid))*\s*\)",
    re.IGNORECASE,
)
# "Executive Assistant to the CEO": the executive is someone else.
_SERVES_EXECUTIVE = re.compile(
    r"\b(to|for|of|supporting)\s+(the\s+|our\s+)?(ceo|cto|cfo|coo|cio|cmo|chief\s+\w+(\s+officer)?|vp|"
    r"vice president|president|(managing\s+)?directors?|founders?|executives?|head\s+of\s+\w+|"
    r"geschaftsfuhrung|vorstand|direction|direccion)\b",
    re.IGNORECASE,
)
# "Engineer II" is a rung of a ladder; "Tier III Support" is a support tier, not a level.
_NUMERAL = re.compile(
    r"(?<!tier )(?<!Tier )(?<!TIER )(?<![\w/.&'-])(I|II|III|IV|V)(?![\w/&'-])(?!\.\w)"
    r"(?!\s+(nurse|therapy|infusion|team|certified|technician|access|fluids?)\b)"
)
_ARABIC_RUNG = re.compile(
    r"\b(?:level|engineer|developer|analyst|scientist|specialist|associate|accountant|technician|"
    r"administrator|consultant|designer|programmer|architect)\s+([1-5])\b(?!\s*\+|\s*(years?|yrs|%))",
    re.IGNORECASE,
)
_NUMERAL_LEVEL = {
    "I": Level.entry,
    "II": Level.mid,
    "III": Level.senior,
    "IV": Level.senior,
    "V": Level.senior,
}
_RUNG_LEVEL = {
    "1": Level.entry,
    "2": Level.mid,
    "3": Level.senior,
    "4": Level.senior,
    "5": Level.senior,
}


def _title_hits(title: str, notes: list[str]) -> list[tuple[Level, int, float, str]]:
    """Every level word in the title with its tier, confidence and the words that matched."""
    original = _SERVES_EXECUTIVE.sub(" ", strip_gender_markers(title))
    optional = _OPTIONAL_LEVEL.search(original)
    if optional:
        notes.append(f"title marks an optional level {optional.group(0).strip()!r}: ignored")
        original = _OPTIONAL_LEVEL.sub(" ", original)
    text = squash(re.sub(r"[_|•·]+", " ", fold(original)).replace(".", " "))
    hits: list[tuple[Level, int, float, str]] = []
    for pattern, level, tier, confidence in _TITLE_RULES:
        for match in pattern.finditer(text):
            hits.append((level, tier, confidence, match.group(0).strip()))
    first = squash(re.sub(r"^[^a-z]+", "", text))
    if _ASSOCIATE_LEAD.search(first):
        hits.append((Level.entry, _TIER_WORD, 0.8, "associate"))
    for match in _C_LEVEL.finditer(original):
        hits.append((Level.executive, _TIER_EXEC, 0.9, match.group(0)))
    for match in _NUMERAL.finditer(original):
        if match.start() > 0:
            hits.append((_NUMERAL_LEVEL[match.group(1)], _TIER_NUMERAL, 0.7, match.group(1)))
    for match in _ARABIC_RUNG.finditer(original):
        hits.append((_RUNG_LEVEL[match.group(1)], _TIER_NUMERAL, 0.65, match.group(0)))
    return hits


def _title_finding(title: str, notes: list[str]) -> _Finding | None:
    hits = _title_hits(title, notes)
    if not hits:
        if re.search(r"\b(manager|managerin|responsable|gerente|jefe|jefa)\b", fold(title)):
            notes.append("title names a manager: ambiguous on this scale, no evidence")
        return None
    top = max(tier for _, tier, _, _ in hits)
    decisive = [hit for hit in hits if hit[1] == top]
    levels = {level for level, _, _, _ in decisive}
    words = ", ".join(sorted({repr(word) for _, _, _, word in decisive}))
    if len(levels) > 1:
        notes.append(f"title words {words} name different levels: no evidence from the title")
        return None
    (level,) = levels
    confidence = max(conf for _, _, conf, _ in decisive)
    return _Finding(level, confidence, f"title {words} -> {level.value}")


# --------------------------------------------------------------------- years of experience
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15,
    "ein": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10,
    "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10,
}  # fmt: skip
_NUM = r"\b(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b"
_RANGE = rf"{_NUM}(?:\s*\+)?(?:\s*(?:-|to|bis|a|y|or|o|ou|oder)\s*{_NUM})?\s*\+?"
_FLOOR = r"(?:at least|minimum(?: of)?|min\.?|a minimum of|mindestens|mind\.?|au moins|minimum de|al menos|minimo(?: de)?|more than|over|mehr als|plus de|mas de|>\s*)"
_YEARS_PATTERNS: tuple[re.Pattern[str], ...] = (
    # English: "5+ years of experience", "3-5 years' professional experience", "at least 2 years in"
    re.compile(rf"(?:{_FLOOR}\s*)?{_RANGE}\s*(?:\(\w+\)\s*)?(?:years?|yrs?)'?\s+(?:of\s+)?(?:[\w/+#.&-]+\s+){{0,6}}?(?:experience|exp)\b"),
    re.compile(rf"(?:{_FLOOR})\s*{_RANGE}\s*(?:years?|yrs?)\b"),
    re.compile(rf"\b{_NUM}\s*\+\s*(?:years?|yrs?)\b"),
    re.compile(rf"experience\s*(?:of|:|\()?\s*(?:{_FLOOR}\s*)?{_RANGE}\s*(?:years?|yrs?)\b"),
    # German: "mindestens 3 Jahre Berufserfahrung", "5-jährige Berufserfahrung", "Erfahrung von 3 Jahren"
    re.compile(rf"(?:{_FLOOR}\s*)?{_RANGE}\s*(?:-\s*)?(?:jahre?n?|jahrige[nrs]?)\s+(?:\w+\s+){{0,4}}?(?:berufs|praxis|projekt|fuhrungs)?erfahrung"),
    re.compile(rf"(?:berufs|praxis)?erfahrung\s*\(?\s*(?:von\s+)?(?:{_FLOOR}\s*)?{_RANGE}\s*jahren?\b"),
    # French: "au moins 5 ans d'expérience", "expérience de 3 ans minimum"
    re.compile(rf"(?:{_FLOOR}\s*)?{_RANGE}\s*ans?\s+(?:minimum\s+)?(?:d'|de\s+)(?:\w+\s+){{0,3}}?experience"),
    re.compile(rf"experience\s+(?:\w+\s+){{0,3}}?(?:d'au moins|de|d'|minimum(?: de)?)\s*(?:{_FLOOR}\s*)?{_RANGE}\s*ans?\b"),
    # Spanish: "3 años de experiencia", "experiencia mínima de 2 años"
    re.compile(rf"(?:{_FLOOR}\s*)?{_RANGE}\s*anos?\s+(?:de\s+)?(?:\w+\s+){{0,3}}?experiencia"),
    re.compile(rf"experiencia\s+(?:\w+\s+){{0,3}}?(?:de\s+)?(?:{_FLOOR}\s*)?{_RANGE}\s*anos?\b"),
)  # fmt: skip
_NO_EXPERIENCE = re.compile(
    r"\b(no (prior |previous )?experience (is )?(required|necessary|needed)|"
    r"keine (berufs)?erfahrung (erforderlich|notwendig|notig)|sans experience|"
    r"aucune experience (requise|n'est requise)|sin experiencia (previa )?(necesaria|requerida)|"
    r"no se requiere experiencia)\b"
)
# "We have 20 years of experience": the company's years, not the candidate's.
_COMPANY_BOAST = re.compile(
    r"\b(we have|we've|we bring|(our|the) (company|firm|team|group) (has|have|brings)|for over|"
    r"wir haben|seit uber|nous avons|depuis plus de|desde hace|con mas de)\b(?:\s+\S+){0,2}\s*$"
)
_AGE = re.compile(r"\s*(of age|old|alt|d'age|de edad)\b")
_LEADERSHIP = re.compile(
    r"\b(lead|leading|leadership|manage a team|managing a team|people management|mentor|"
    r"fuhrungserfahrung|personalverantwortung|management d'equipe|encadrement|liderazgo|"
    r"gestion de equipos)\b"
)


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token)


def _years_asked(description: str) -> int | None:
    """The largest minimum number of years the text asks for, None when it asks for none."""
    text = squash(fold(description))
    floors: list[int] = []
    for pattern in _YEARS_PATTERNS:
        for match in pattern.finditer(text):
            if _COMPANY_BOAST.search(text[max(0, match.start() - 40) : match.start()]):
                continue
            if _AGE.match(text, match.end()):
                continue
            low = _number(match.group(1))
            if low is not None and low <= 15:
                floors.append(low)
    if floors:
        return max(floors)
    if _NO_EXPERIENCE.search(text):
        return 0
    return None


def _years_finding(description: str | None) -> _Finding | None:
    if not description:
        return None
    years = _years_asked(description)
    if years is None:
        return None
    if years <= 1:
        level = Level.entry
    elif years <= 4:
        level = Level.mid
    else:
        level = Level.senior  # ten or more years is still not a title: never executive from years
    lead = (
        " with leadership duties" if years >= 10 and _LEADERSHIP.search(fold(description)) else ""
    )
    return _Finding(level, 0.6, f"description asks {years}+ years{lead} -> {level.value}")


# ------------------------------------------------------------------------------- combining
def classify_level(
    title: str, description: str | None = None, board_level: str | None = None
) -> LevelResult:
    """The level of a posting; board level beats title beats years, disagreements are recorded."""
    notes: list[str] = []
    sources = [
        ("board", _board_finding(board_level, notes)),
        ("title", _title_finding(title or "", notes)),
        ("years", _years_finding(description)),
    ]
    found = [(name, finding) for name, finding in sources if finding is not None]
    if not found:
        return LevelResult(None, 0.0, notes)
    winner_name, winner = found[0]
    confidence = winner.confidence
    evidence = [winner.note]
    for name, finding in found[1:]:
        evidence.append(finding.note)
        if finding.level is winner.level:
            confidence = min(0.99, confidence + 0.03)
        else:
            confidence -= 0.2 if name == "title" else 0.1
            evidence.append(
                f"conflict: {name} says {finding.level.value}, {winner_name} says "
                f"{winner.level.value}; {winner_name} wins"
            )
    return LevelResult(winner.level, round(max(confidence, 0.3), 2), evidence + notes)


@lru_cache(maxsize=16_384)
def level_from_title(title: str) -> Level | None:
    """`classify_level(title).level`, cached: a replay sees the same few thousand titles over and
    over, and enrich reads the level from the title alone."""
    return classify_level(title).level
