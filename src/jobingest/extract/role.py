"""Job titles to a canonical role, family and O*NET-SOC code from taxonomy/roles.yaml.

Titles carry a lot besides the role: level words, numerals, team names after commas, locations,
requisition ids, gender markers and feminine endings in four languages. They are stripped first;
then an exact alias match is tried, then a token match (every token of an alias present in the
title, contiguous runs preferred), then a close string match. Anything weaker is no role: a wrong
role is worse than none, so "Barista" stays None rather than becoming the nearest thing we know.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from jobingest.extract.close import CloseMatcher
from jobingest.extract.fold import fold, squash, strip_gender_markers, words
from jobingest.taxonomy import load


@dataclass(frozen=True)
class RoleMatch:
    role: str | None
    family: str | None
    soc_code: str | None
    confidence: float


NO_ROLE = RoleMatch(None, None, None, 0.0)
MIN_CONFIDENCE = 0.6
_FUZZY_CUTOFF = 0.93
_FUZZY_MIN_LENGTH = 12
_TOKEN_FUZZY_CUTOFF = 0.88

_STOPWORDS = words(
    "of the and for in at to a an with on de del des du la le les l d el los las en y et und fur im "
    "der die das den dem zur zum bereich au aux para por al as"
)
# Seniority, contract and place words: they qualify a role and never name one.
_QUALIFIERS = words(
    "senior sr snr junior jr jnr mid midlevel medior intermediate principal staff entry "
    "i ii iii iv v vi intern interns internship trainee werkstudent werkstudentin praktikant "
    "praktikantin praktikum pflichtpraktikum stagiaire stage alternant alternante alternance apprenti "
    "apprentie apprentice apprenticeship becario becaria practicas practicante pasante graduate grad "
    "confirme confirmee experimente experimentee semi ssr remote hybrid onsite fulltime parttime "
    "full part time contract temporary temp freelance vollzeit teilzeit cdi cdd m w f h x gn all "
    "genders us usa uk eu emea apac latam working student"
)
# Words that name what someone is ("manager", "Entwickler", "analista"). A one-word alias at the
# start of a title counts only when no such word follows it: "Softwareentwickler Java" is a
# software engineer, "CSR Manager" is a manager of something, not a customer service rep.
_HEAD_NOUNS = words(
    "manager managers engineer engineers developer developers analyst analysts scientist specialist "
    "designer consultant director officer representative rep coordinator assistant administrator "
    "architect lead head associate executive technician nurse accountant advisor adviser agent "
    "partner owner writer editor clerk operator programmer tester recruiter counsel attorney lawyer "
    "teacher trainer researcher strategist planner buyer controller auditor supervisor therapist "
    "physician pharmacist president chief vp principal expert ingenieur ingenieurin ingeniero ingeniera "
    "ingenieur entwickler entwicklerin berater beraterin leiter leiterin referent referentin "
    "sachbearbeiter mitarbeiter mitarbeiterin gerente jefe jefa responsable charge chargee chef cheffe "
    "directeur directrice directora analista desarrollador desarrolladora tecnico tecnica especialista "
    "consultor consultora asesor asesora coordinador coordinadora asistente auxiliar conseiller "
    "conseillere developpeur developpeuse ingenieure analyste gestionnaire assistante"
)
# Words marking an internship, apprenticeship or working-student post.
_TRAINEE_WORDS = words(
    "intern interns internship trainee werkstudent werkstudentin praktikant praktikantin praktikum "
    "pflichtpraktikum stagiaire stage alternant alternante alternance apprenti apprentie apprentice "
    "apprenticeship becario becaria practicas practicante pasante working student co op azubi "
    "ausbildung"
)
_COMPOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bfront[\s-]?end\b", "frontend"),
        (r"\bback[\s-]?end\b", "backend"),
        (r"\bfull[\s-]?stack\b", "fullstack"),
        (r"\bdev[\s-]?ops\b", "devops"),
        (r"\bdev[\s-]?sec[\s-]?ops\b", "devsecops"),
        (r"\bml[\s-]?ops\b", "mlops"),
        (r"\bllm[\s-]?ops\b", "llmops"),
        (r"\bdata[\s-]?ops\b", "dataops"),
        (r"\bpre[\s-]?sales?\b", "presales"),
        (r"\bco[\s-]?founder\b", "cofounder"),
        (r"\be[\s-]?commerce\b", "ecommerce"),
        (r"\bdata[\s-]?base\b", "database"),
        (r"\bdata[\s-]?cent(?:er|re)s?\b", "datacenter"),
        (r"\bc\+\+", "cpp"),
        (r"\bc#", "csharp"),
        (r"\basp\.net\b", "dotnet"),
        (r"\.net\b", " dotnet"),
        (r"\bnode\.?js\b", "nodejs"),
        (r"\breact\.?js\b", "reactjs"),
        (r"\bvue\.?js\b", "vuejs"),
        (r"\bfp\s?&\s?a\b", "fpa"),
        (r"\bpa-c\b", "pac"),
        (r"\b([a-z])\s?&\s?([a-z])\b", r"\1\2"),
        (r"&", " and "),
        (r"\bsr\.", "sr "),
        (r"\bjr\.", "jr "),
    )
)
_FEMININE = re.compile(
    r"(?<=[a-z])\s?[(/\u00b7.]\s?-?(?:e|es|euse|se|rice|trice|ere|ne|le|ve|a|as|o|os|in|innen)\)?(?![a-z])"
)
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\]]*\]|\{[^}]*\}")
_UNCLOSED = re.compile(r"[(\[{].*$")
_COMMA_SPLIT = re.compile(r"[,;]")
_SEGMENT_SPLIT = re.compile(
    r"\s+[-/@|]\s+|\s*\|+\s*|[:\u2022]|\s+\bat\b\s+|\s+-\s*$|^\s*-\s+|\s+\u00b7\s+"
)
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class _Role:
    name: str
    family: str
    soc_code: str


@dataclass(frozen=True)
class _Alias:
    tokens: tuple[str, ...]
    role: _Role


@dataclass(frozen=True)
class _Index:
    version: str
    roles: tuple[_Role, ...]
    exact: dict[tuple[str, ...], _Alias]
    by_token: dict[str, tuple[_Alias, ...]]
    # Each alias once, under the token of it that fewest aliases share, and where it stands
    # in roles.yaml: `_token_hit` looks up only these short lists.
    by_rarest: dict[str, tuple[_Alias, ...]]
    position: dict[tuple[str, ...], int]
    vocabulary: tuple[str, ...]
    joined: dict[str, _Alias]
    not_roles: tuple[tuple[str, ...], ...]
    fields: dict[tuple[str, ...], _Alias]


def _clean(text: str) -> str:
    """Folded text with compounds unified and feminine endings removed, punctuation kept."""
    text = fold(strip_gender_markers(text))
    text = _FEMININE.sub("", text)
    for pattern, replacement in _COMPOUNDS:
        text = pattern.sub(replacement, text)
    return text


def _is_id(token: str) -> bool:
    return token.isdigit() or (any(ch.isdigit() for ch in token) and len(token) >= 5)


def _tokenize(text: str) -> tuple[str, ...]:
    tokens = _TOKEN.findall(text.replace("/", " ").replace("'", " "))
    return tuple(t for t in tokens if t not in _STOPWORDS and not _is_id(t))


def _strip_qualifiers(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in tokens if t not in _QUALIFIERS)


@cache
def _index() -> _Index:
    data = load("roles.yaml")
    roles: list[_Role] = []
    exact: dict[tuple[str, ...], _Alias] = {}
    by_token: dict[str, list[_Alias]] = {}
    for entry in data["roles"]:
        role = _Role(str(entry["role"]), str(entry["family"]), str(entry["soc_code"]))
        roles.append(role)
        for text in [role.name, *entry.get("aliases", [])]:
            tokens = _tokenize(_clean(str(text)))
            if not tokens:
                continue
            alias = _Alias(tokens, role)
            known = exact.get(tokens)
            if known is not None and known.role != role:
                raise ValueError(f"alias {text!r} names both {known.role.name} and {role.name}")
            if known is None:
                exact[tokens] = alias
                for token in set(tokens):
                    by_token.setdefault(token, []).append(alias)
    not_roles = tuple(_tokenize(_clean(str(p))) for p in data.get("not_roles", []))
    by_name = {role.name: role for role in roles}
    fields: dict[tuple[str, ...], _Alias] = {}
    for field, name in dict(data.get("fields", {})).items():
        if name not in by_name:
            raise ValueError(f"field {field!r} names unknown role {name!r}")
        tokens = _tokenize(_clean(str(field)))
        fields[tokens] = _Alias(tokens, by_name[name])
    by_rarest: dict[str, list[_Alias]] = {}
    for alias in exact.values():
        rarest = min(alias.tokens, key=lambda token: (len(by_token[token]), token))
        by_rarest.setdefault(rarest, []).append(alias)
    return _Index(
        version=str(data["version"]),
        roles=tuple(roles),
        exact=exact,
        by_token={token: tuple(aliases) for token, aliases in by_token.items()},
        by_rarest={token: tuple(aliases) for token, aliases in by_rarest.items()},
        position={tokens: position for position, tokens in enumerate(exact)},
        vocabulary=tuple(sorted(by_token)),
        joined={" ".join(tokens): alias for tokens, alias in exact.items()},
        not_roles=not_roles,
        fields=fields,
    )


def taxonomy_version() -> str:
    """The version of roles.yaml in use, to store beside normalised roles."""
    return _index().version


def role_families() -> dict[str, str]:
    """Every canonical role and its family."""
    return {role.name: role.family for role in _index().roles}


@lru_cache(maxsize=8192)
def _correct(token: str) -> str:
    """A misspelt or inflected token to the vocabulary word it is closest to ("commerical")."""
    if len(token) < 6 or token in _index().by_token:
        return token
    return _vocabulary_matcher().best(token, _TOKEN_FUZZY_CUTOFF) or token


@cache
def _vocabulary_matcher() -> CloseMatcher:
    return CloseMatcher(list(_index().vocabulary))


@cache
def _alias_matcher() -> CloseMatcher:
    return CloseMatcher(list(_index().joined))


# --------------------------------------------------------------------------- candidates
def _segments(title: str) -> list[list[str]]:
    """The title's parts: comma-separated groups, each split further at dashes, bars and colons."""
    text = _clean(title)
    without = _UNCLOSED.sub(" ", _BRACKETS.sub(" ", _BRACKETS.sub(" ", text)))
    if not _TOKEN.search(without):
        without = re.sub(r"[()\[\]{}]", " ", text)
    groups: list[list[str]] = []
    for group in _COMMA_SPLIT.split(without):
        segments: list[str] = []
        for part in _SEGMENT_SPLIT.split(group):
            segments.extend(_split_slash(squash(part)))
        segments = [segment for segment in segments if _TOKEN.search(segment)]
        if segments:
            groups.append(segments)
    return groups


def _split_slash(part: str) -> list[str]:
    """ "Solutions Architect/Project Manager" is two titles; "UX/UI Designer" is one."""
    if "/" not in part:
        return [part]
    sides = [squash(side) for side in part.split("/")]
    if len(sides) == 2 and all(len(_strip_qualifiers(_tokenize(side))) >= 2 for side in sides):
        return sides
    return [part.replace("/", " ")]


def _candidates(title: str) -> list[tuple[str, ...]]:
    """Token tuples to try, most complete first: the whole title, each segment, reordered pairs."""
    groups = _segments(title)
    if not groups:
        return []
    token_groups = [[_tokenize(segment) for segment in group] for group in groups]
    flat = [tokens for group in token_groups for tokens in group]
    found: list[tuple[str, ...]] = [tuple(t for seg in flat for t in seg)]
    found.extend(flat)
    head = flat[0]
    if len(_strip_qualifiers(head)) <= 2:
        # "Director, Software Engineering" -> "Software Engineering Director"
        found.extend(group[0] + head for group in token_groups[1:])
    unique: list[tuple[str, ...]] = []
    for position, tokens in enumerate(found):
        short = len(tokens) == 1 and len(tokens[0]) <= 3
        if tokens and tokens not in unique and not (short and position > 1):
            unique.append(tokens)
    return unique


# ------------------------------------------------------------------------------ matching
@dataclass(frozen=True)
class _Hit:
    key: tuple[float, ...]
    alias: _Alias
    confidence: float


def _contiguous(needle: tuple[str, ...], haystack: tuple[str, ...]) -> int:
    """Start of needle as a contiguous run in haystack, or -1."""
    width = len(needle)
    for start in range(len(haystack) - width + 1):
        if haystack[start : start + width] == needle:
            return start
    return -1


def _contains_any(tokens: tuple[str, ...], phrases: Iterable[tuple[str, ...]]) -> bool:
    return any(phrase and _contiguous(phrase, tokens) >= 0 for phrase in phrases)


def _exact_hit(raw: tuple[str, ...], stripped: tuple[str, ...], order: int) -> _Hit | None:
    index = _index()
    for tokens, confidence in ((raw, 1.0), (stripped, 0.95)):
        alias = index.exact.get(tokens)
        if alias is not None:
            # a lone generic word after the first segment ("Food Scientist - Developer") is no
            # stronger than what the first segment says
            kind = 3.0 if len(alias.tokens) > 1 or order <= 1 else 2.0
            return _Hit((kind, len(alias.tokens), 1.0, 0.0, -order), alias, confidence)
    return None


def _token_hit(tokens: tuple[str, ...], order: int) -> _Hit | None:
    index = _index()
    present = set(tokens)
    fitting = [
        alias
        for token in present
        for alias in index.by_rarest.get(token, ())
        if present.issuperset(alias.tokens)
    ]
    # By the alias's first token in the title, then by roles.yaml: not set order (which follows
    # each process's string hash seed), so a tie between aliases goes the same way in every run.
    first = {token: rank for rank, token in enumerate(dict.fromkeys(tokens))}
    fitting.sort(key=lambda a: (min(first[t] for t in a.tokens), index.position[a.tokens]))
    best: _Hit | None = None
    for alias in fitting:
        hit = _score(alias, tokens, order)
        if hit is not None and (best is None or hit.key > best.key):
            best = hit
    return best


def _score(alias: _Alias, tokens: tuple[str, ...], order: int) -> _Hit | None:
    start = _contiguous(alias.tokens, tokens)
    coverage = len(alias.tokens) / len(tokens)
    head_last = tokens[-1] in alias.tokens
    if len(alias.tokens) == 1:
        # a one-word alias must be the title's head noun: last ("Litigation Attorney") or first
        # with nothing known after it ("Infirmier de nuit"), never a modifier ("CSR Manager")
        first_ok = start == 0 and not any(t in _HEAD_NOUNS for t in tokens[1:])
        if not (head_last or first_ok):
            return None
    elif start < 0 and not (head_last or tokens[0] in alias.tokens):
        return None
    if start >= 0 or coverage == 1.0:
        # contiguous, or every word of the title in another order ("Projektleiter IT")
        confidence = 0.6 + 0.35 * coverage
        key = (2.0, len(alias.tokens), float(head_last), coverage, -order)
    else:
        confidence = 0.5 + 0.3 * coverage
        key = (1.0, len(alias.tokens), float(head_last), coverage, -order)
    return _Hit(key, alias, confidence)


def _fuzzy_hit(stripped: tuple[str, ...], order: int) -> _Hit | None:
    index = _index()
    text = " ".join(stripped)
    close = _alias_matcher().best(text, _FUZZY_CUTOFF)
    if close is None:
        return None
    ratio = difflib.SequenceMatcher(None, text, close).ratio()
    alias = index.joined[close]
    return _Hit((0.0, len(alias.tokens), ratio, 0.0, -order), alias, 0.75 * ratio)


def _field_hit(raw: tuple[str, ...], stripped: tuple[str, ...], order: int) -> _Hit | None:
    """ "Data Science Intern", "Werkstudent Softwareentwicklung": the role of the field."""
    if not _TRAINEE_WORDS.intersection(raw):
        return None
    best: _Hit | None = None
    for tokens, alias in _index().fields.items():
        if _contiguous(tokens, stripped) >= 0:
            hit = _Hit((1.5, len(tokens), 0.0, 0.0, -order), alias, 0.8)
            if best is None or hit.key > best.key:
                best = hit
    return best


def _best_hit(candidates: list[tuple[str, ...]]) -> _Hit | None:
    index = _index()
    best: _Hit | None = None
    for order, raw in enumerate(candidates):
        stripped = tuple(_correct(t) for t in _strip_qualifiers(raw))
        if not stripped or _contains_any(stripped, index.not_roles):
            continue
        hit = (
            _exact_hit(raw, stripped, order)
            or _token_hit(stripped, order)
            or _field_hit(raw, stripped, order)
        )
        if (
            hit is not None
            and hit.confidence >= MIN_CONFIDENCE
            and (best is None or hit.key > best.key)
        ):
            best = hit
    if best is not None:
        return best
    for order, raw in enumerate(candidates):
        stripped = _strip_qualifiers(raw)
        hit = _fuzzy_hit(stripped, order) if len(" ".join(stripped)) >= _FUZZY_MIN_LENGTH else None
        if (
            hit is not None
            and hit.confidence >= MIN_CONFIDENCE
            and (best is None or hit.key > best.key)
        ):
            best = hit
    return best


@lru_cache(maxsize=16_384)
def normalize_title(title: str) -> RoleMatch:
    """The canonical role a job title names, or a RoleMatch with role None when none fits well.

    Cached: a replay sees the same few thousand titles over and over."""
    if not title or not title.strip():
        return NO_ROLE
    hit = _best_hit(_candidates(title[:300]))
    if hit is None:
        return NO_ROLE
    role = hit.alias.role
    return RoleMatch(role.name, role.family, role.soc_code, round(min(hit.confidence, 1.0), 2))
