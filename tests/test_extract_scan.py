"""The fast scans (extract/scan.py, extract/close.py) give exactly what the plain regex and
difflib calls give: same spans, same groups, same best match, on the fixtures' real-shaped text
and on text written to trip them (capitals, tabs, "ſ"/"ı"/"İ", amounts at every offset)."""

from __future__ import annotations

import difflib
import json
import random
import re
from datetime import date
from re import _parser as re_parser

import pytest

from jobingest.extract import employment, location, salary_words
from jobingest.extract.close import CloseMatcher
from jobingest.extract.role import _index
from jobingest.extract.salary_text import _FOLD, _fold
from jobingest.extract.scan import WordPattern, lowered, match_from, money_starts
from jobingest.extract.skills import extract_skills
from jobingest.parse import parse_payload
from jobingest.sources import REGISTRY
from jobingest.sources.base import RecordContext
from tests.conftest import FIXTURES

GOLDEN = FIXTURES.parent / "golden"

TRICKY = [
    "SALARY: USD 120,000 - 150,000 PER YEAR. Base Pay $45/hr; OTE $200k; On-Target Earnings",
    "Gehalt: 65.000 € bis 80.000 € brutto/Jahr, VERGÜTUNG nach Tarif, Rémunération 45-55 k€",
    "Job Type: Full-time\tEmployment type - CONTRACT. This is a Part-Time role. In Vollzeit, "
    "À temps plein, CDI, jornada completa, contrato indefinido",
    "This role is HYBRID, 3 days a week in the office. Fully remote. 100 % Homeoffice. "
    "Must work on-site. Not a remote position. Work from anywhere.",
    "Statiſtics and ſalary: ıncome $90k, İstanbul office, machıne learnıng, compenſation",
    "USD $  95,000 / sfr. 120'000.– / Rs. 12,00,000 / zł 9 000 / kr.45 000 / ₹12 LPA",
    "1.5 2,5 3'000 4’000 .5 ,6 12-15k 100-130K 401(k) 2024 50% 3 years 5000 employees",
]


def _fixture_texts() -> list[str]:
    texts: list[str] = []
    for kind_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        if kind_dir.name not in REGISTRY or kind_dir.name == "aijobs_salaries":
            continue
        for path in sorted(kind_dir.iterdir()):
            if path.name == "README.md":
                continue
            ctx = RecordContext(source=kind_dir.name, board="b", fetched_on=date(2026, 1, 1))
            try:
                parsed = parse_payload(
                    REGISTRY[kind_dir.name], path.read_bytes(), url=path.as_uri(), ctx=ctx
                )
            except Exception:
                continue
            for posting in parsed.postings:
                texts += [posting.title, posting.description_text or ""]
    for line in (GOLDEN / "salary.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            texts.append(json.loads(line)["input"]["text"])
    return [t for t in texts if t]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    base = _fixture_texts() + TRICKY
    variants = [t.upper() for t in base] + [t.title() for t in base]
    variants += [t.replace(" ", "\t", 3) for t in base]
    return base + variants + [line for t in base for line in t.splitlines()]


def _spans(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


def _word_patterns() -> list[WordPattern]:
    found = [salary_words.PAY_WORD_SCAN, salary_words.SOFT_PAY_SCAN]
    found += list(employment._STATEMENTS)
    found += [pattern for _, pattern in location._DESCRIPTION_WORKPLACE]
    return found


def test_word_patterns_find_what_finditer_finds(texts: list[str]) -> None:
    checked = 0
    for pattern in _word_patterns():
        for text in texts:
            expected = _spans(pattern.pattern.finditer(text))
            assert _spans(pattern.finditer(text, lowered(text))) == expected, (pattern, text)
            checked += len(expected)
    assert checked > 200  # the texts do exercise the patterns


def test_amounts_are_found_as_finditer_finds_them(texts: list[str]) -> None:
    rng = random.Random(7)
    pieces = ["$", "USD", "usd ", "€", " ", "  ", "1", "23", "4,500", ".", ",", "'", "k", "K",
              "Rs.", "sfr.", "kr", "zł", "-", "to", "a", "\n", "%", "000", "’", "9"]  # fmt: skip
    noise = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    width = salary_words.AMOUNT_PREFIX_WIDTH
    for text in texts + noise:
        expected = _spans(salary_words.AMOUNT.finditer(text))
        found = match_from(salary_words.AMOUNT, text, money_starts(text, width))
        assert _spans(found) == expected, text


def test_the_amount_prefix_width_is_the_longest_prefix() -> None:
    _, longest = re_parser.parse(salary_words._PRE).getwidth()
    assert longest + 2 == salary_words.AMOUNT_PREFIX_WIDTH  # and up to two spaces


def test_lowering_matches_as_ignorecase_does_outside_the_unsafe_letters() -> None:
    # Case pairs of Latin letters all lie in the Basic Multilingual Plane.
    every = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    by_lowering: dict[str, set[str]] = {}
    for char in every:
        by_lowering.setdefault(char.lower(), set()).add(char)
    for letter in "abcdefghijklmnopqrstuvwxyzäöüéàóíłçñß":
        ignorecase = set(re.findall(re.escape(letter), every, re.IGNORECASE))
        assert ignorecase ^ by_lowering[letter] <= {"\u0130", "\u0131", "\u017f"}, letter


def test_text_with_unsafe_letters_is_scanned_the_plain_way() -> None:
    for text in ("ſalary", "ıncome", "İstanbul"):
        assert lowered(text) is None
    assert lowered("Gehalt ÄÖÜ") == "gehalt äöü"


def test_close_matcher_agrees_with_difflib() -> None:
    strings = sorted(_index().joined)
    matcher = CloseMatcher(strings)
    rng = random.Random(3)
    words = [s for s in strings if len(s) >= 12]
    probes = ["seniro data scientst", "softwre engineer", "", "x", "ünïcode analyst"]
    for word in rng.sample(words, 60):
        chars = list(word)
        for _ in range(rng.randint(0, 3)):
            chars[rng.randrange(len(chars))] = rng.choice("abcdefghijklmnopqrstuvwxyz ")
        probes.append("".join(chars))
    for probe in probes:
        for cutoff in (0.88, 0.93):
            expected = difflib.get_close_matches(probe, strings, n=1, cutoff=cutoff)
            assert matcher.best(probe, cutoff) == (expected[0] if expected else None), probe


def test_a_dotless_i_does_not_break_skill_extraction() -> None:
    # IGNORECASE matches "ı" for "i"; such a spelling used to raise KeyError for the whole posting
    skills = extract_skills("Machıne learnıng with Python and machine learning")
    assert skills == ["Python", "Machine Learning"]


def test_folding_changes_the_same_characters_translate_did() -> None:
    text = "".join(_FOLD) + "Salary\u00a0$100k\u2013$120k\tper year\r\n" + "".join(_FOLD)
    assert _fold(text) == text.translate(str.maketrans(_FOLD))
    assert len(_fold(text)) == len(text)
