"""The matcher a load runs: its compact candidate index gives back exactly the features it was
given, a card without description is linked only when one posting fits, and stored signatures
of another hashing scheme are not compared."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from jobingest.dedupe import SIGNATURE_SIZE, Features, compare, features
from jobingest.models import Location, PayPeriod, Posting, Salary, SalaryOrigin
from jobingest.warehouse.identity import (
    CandidateIndex,
    DedupePolicy,
    Matcher,
    pack_signature,
    unpack_signature,
)

TEXT = " ".join(
    f"{word}{i % 37}" for i, word in enumerate(("design", "ledger", "payout", "review") * 40)
)


def _posting(city: str | None, country: str = "DE", **changes: object) -> Posting:
    place = Location(city=city, country=country, raw=f"{city or ''} {country}".strip())
    values: dict[str, object] = {
        "source": "greenhouse", "board": "northwind", "source_id": "1",
        "company": "Northwind GmbH", "title": "Data Engineer", "role": "Data Engineer",
        "locations": [place], "description_text": TEXT,
    }  # fmt: skip
    values.update(changes)
    return Posting.model_validate(values)


def test_the_index_gives_back_the_features_it_holds_past_its_first_capacity() -> None:
    index = CandidateIndex(capacity=2)
    band = Salary(min=1.0, max=2.0, currency="EUR", period=PayPeriod.year,
                  origin=SalaryOrigin.structured)  # fmt: skip
    held = [
        features(_posting("Berlin")),
        features(_posting("Hamburg", description_text=None, salary=band)),
        features(_posting(None, title="Data Analyst", role="Data Analyst")),
    ]
    closed = datetime(2026, 9, 1, tzinfo=UTC)
    for number, item in enumerate(held):
        index.add(
            item, "greenhouse", f"board{number}", closed if number else None, posting_id=number
        )
    assert len(index) == 3
    assert [index.features(row) for row in range(3)] == held
    assert list(index.rows(held[0].block_key)) == [0, 1]
    third = index.candidate(2)
    assert (third.board, third.closed_at, third.posting_id) == ("board2", closed, 2)
    assert index.candidate(0).closed_at is None


def test_the_index_holds_a_posting_in_little_more_than_its_signature() -> None:
    index = CandidateIndex()
    item = features(_posting("Berlin"))
    for number in range(5000):
        index.add(item, "greenhouse", "northwind", None, posting_id=number)
    per_posting = index.nbytes() / len(index)
    assert per_posting < SIGNATURE_SIZE * 8 * 1.2 * 2  # arrays double as they grow


def test_a_card_without_description_is_linked_only_when_one_open_posting_fits() -> None:
    card = features(_posting(None, description_text=None, source="linkedin"))
    one = Matcher(DedupePolicy())
    one.index.add(features(_posting("Berlin")), "greenhouse", "northwind", None, posting_id=7)
    assert one.decide(0, card, "linkedin", "search").kind == "duplicate"
    two = Matcher(DedupePolicy())
    for posting_id, city in ((7, "Berlin"), (8, "Hamburg")):
        two.index.add(
            features(_posting(city)), "greenhouse", "northwind", None, posting_id=posting_id
        )
    assert two.decide(0, card, "linkedin", "search").kind == "new"
    # A description settles it even when two postings are open.
    copy = features(_posting("Berlin", source="linkedin"))
    link = two.decide(1, copy, "linkedin", "search")
    assert (link.kind, link.target) == ("duplicate", 7)


def test_a_held_card_that_fits_several_postings_takes_no_new_listing() -> None:
    other_text = " ".join(f"other{i} words{i % 7}" for i in range(120))
    card = features(_posting("Berlin", description_text=None, source="linkedin"))
    arriving = features(_posting("Berlin", description_text=other_text, source_id="9"))
    alone = Matcher(DedupePolicy())
    alone.index.add(card, "linkedin", "search", None, posting_id=1)
    assert alone.decide(0, arriving, "lever", "northwind").kind == "duplicate"
    crowded = Matcher(DedupePolicy())
    crowded.index.add(card, "linkedin", "search", None, posting_id=1)
    crowded.index.add(features(_posting("Berlin")), "greenhouse", "northwind", None, posting_id=2)
    assert crowded.decide(0, arriving, "lever", "northwind").kind == "new"


def test_a_card_that_took_a_full_posting_compares_with_its_text_afterwards() -> None:
    other_text = " ".join(f"other{i} words{i % 7}" for i in range(120))
    matcher = Matcher(DedupePolicy())
    matcher.index.add(
        features(_posting("Berlin", description_text=None)), "linkedin", "search", None,
        posting_id=1,
    )  # fmt: skip
    first = matcher.decide(0, features(_posting("Berlin")), "greenhouse", "northwind")
    assert (first.kind, first.target) == ("duplicate", 1)
    # Another opening with the same title in the same city, and its own text: a new job.
    second = matcher.decide(
        1, features(_posting("Berlin", description_text=other_text)), "lever", "x"
    )
    assert second.kind == "new"
    assert matcher.decide(2, features(_posting("Berlin")), "ashby", "y").target == 1


def test_a_batch_finds_its_own_earlier_listings() -> None:
    matcher = Matcher(DedupePolicy())
    first = matcher.decide(0, features(_posting("Berlin")), "greenhouse", "northwind")
    second = matcher.decide(1, features(_posting("Berlin")), "lever", "northwind")
    assert first.kind == "new"
    assert (second.kind, second.target) == ("duplicate", ("batch", 0))


def test_signatures_of_another_hashing_scheme_are_not_compared() -> None:
    item: Features = features(_posting("Berlin"))
    assert item.signature is not None
    assert unpack_signature(pack_signature(item.signature)) == item.signature
    unmarked = b"".join(h.to_bytes(8, "big") for h in item.signature[:64])
    assert unpack_signature(unmarked) is None
    assert unpack_signature(None) is None


def test_screening_groups_decides_as_comparing_every_candidate_would() -> None:
    """The golden postings, loaded in file order: the grouped matcher and a plain loop over
    every earlier new posting pick the same targets."""
    golden = Path(__file__).parent / "golden" / "duplicates.jsonl"
    postings = [
        Posting.model_validate(json.loads(line)[side])
        for line in golden.read_text(encoding="utf-8").splitlines()
        for side in ("a", "b")
    ]
    matcher = Matcher(DedupePolicy())
    held: list[tuple[int, Features]] = []
    for index, posting in enumerate(postings):
        item = features(posting)
        link = matcher.decide(index, item, posting.source, posting.board)
        verdicts = [(row, compare(item, other)) for row, other in held]
        same = [(row, v) for row, v in verdicts if v.same]
        best = min(same, key=lambda rv: (-rv[1].score, rv[0]), default=None)
        held_card = best is not None and dict(held)[best[0]].signature is None
        card_fits_others = held_card and any(
            row != best[0] and compare(dict(held)[best[0]], other).same for row, other in held
        )
        if best is not None and (best[1].from_text or (len(same) == 1 and not card_fits_others)):
            assert (link.kind, link.target) == ("duplicate", ("batch", best[0])), index
            position = [row for row, _ in held].index(best[0])
            if held[position][1].signature is None and item.signature is not None:
                held[position] = (best[0], replace(held[position][1], signature=item.signature,
                                                   shingles=item.shingles))  # fmt: skip
        else:
            assert link.kind == "new", index
            if item.block_key is not None:
                held.append((index, item))
    assert sum(1 for _ in matcher.index.rows(None)) == 0
    assert len(matcher.index) == len(held) < len(postings)
