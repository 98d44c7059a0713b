"""Copy detection: exact and near copies, originals and their reasons, determinism."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.stories.copies import copy_groups, find_copies
from occasional.stories.fingerprint import wire_agency
from occasional.stories.minhash import (
    NUM_PERM,
    candidate_pairs,
    shingle_hashes,
    signatures,
    token_hashes,
)
from occasional.types import Doc

CORPUS = Path(__file__).parent / "fixtures" / "copies" / "corpus.json"
T0 = datetime(2026, 3, 10, 8, tzinfo=UTC)


def _paragraphs(seed: int, count: int = 5) -> list[str]:
    rnd = random.Random(seed)
    words = [f"w{seed}x{i}" for i in range(400)]
    return [" ".join(rnd.choice(words) for _ in range(30)) for _ in range(count)]


def _doc(doc_id: str, paras: list[str], hours: float = 0, **kw: object) -> Doc:
    published = T0 + timedelta(hours=hours)
    return Doc(id=doc_id, title=doc_id, text="\n\n".join(paras), published=published, **kw)  # type: ignore[arg-type]


def test_one_decision_per_doc_in_input_order() -> None:
    docs = [_doc(f"d{i}", _paragraphs(i)) for i in range(5)]
    decisions = find_copies(docs)
    assert [d.id for d in decisions] == [d.id for d in docs]
    assert all(d.copy_of is None and d.reason is None and d.group is None for d in decisions)


def test_same_url_after_canonicalisation_is_a_copy() -> None:
    a = _doc("a", _paragraphs(1), url="https://www.site.example/x?utm_source=rss")
    b = _doc("b", _paragraphs(2), hours=1, url="http://site.example/x/")
    by_id = {d.id: d for d in find_copies([a, b])}
    assert by_id["b"].copy_of == "a" and by_id["b"].reason == "same-url"
    assert by_id["a"].copy_of is None and by_id["a"].reason == "earliest"
    assert by_id["a"].group == by_id["b"].group is not None


def test_same_text_with_other_boilerplate_is_a_copy() -> None:
    paras = _paragraphs(3)
    a = _doc("a", paras, url="https://one.example/a")
    b = _doc("b", ["Posted 10 March", *paras, "Source link"], hours=2, url="https://two.example/b")
    decision = find_copies([a, b])[1]
    assert (decision.copy_of, decision.reason) == ("a", "same-text")


def test_trimmed_reordered_edited_copy_is_near_duplicate() -> None:
    paras = _paragraphs(4, count=5)
    edited = [p.replace(p.split()[3], "changed", 1) for p in paras[:3]]
    a = _doc("a", paras, url="https://one.example/a")
    b = _doc("b", [edited[2], edited[0], edited[1]], hours=1, url="https://two.example/b")
    decision = find_copies([a, b])[1]
    assert (decision.copy_of, decision.reason) == ("a", "near-duplicate")


def test_text_carrying_little_of_another_is_not_a_copy() -> None:
    paras = _paragraphs(5, count=5)
    a = _doc("a", paras, url="https://one.example/a")
    b = _doc("b", [paras[0], *_paragraphs(6, count=4)], url="https://two.example/b")
    assert all(d.copy_of is None for d in find_copies([a, b]))


def test_provenance_beats_time_and_is_the_reason() -> None:
    paras = _paragraphs(7)
    copy = _doc(
        "copy", paras, url="https://agg.example/1", source_links=("https://orig.example/a",)
    )
    orig = _doc("orig", paras, hours=3, url="https://orig.example/a")
    groups = copy_groups([copy, orig])
    assert groups.original_of("copy") == "orig"
    assert groups.original_reason("copy") == "source-link"
    assert groups.original_url("copy") == "https://orig.example/a"
    assert groups.original_of("orig") == "orig"


def test_preference_and_tie_break_equal_times() -> None:
    paras = _paragraphs(8)
    a = _doc("a", paras, url="https://zeta.example/x")
    b = _doc("b", paras, url="https://www.alpha.example/y")
    assert copy_groups([a, b], preference=["alpha.example"]).original_of("a") == "b"
    assert copy_groups([a, b], preference=["alpha.example"]).original_reason("a") == "preference"
    assert copy_groups([a, b]).original_of("b") == "a"
    assert copy_groups([a, b]).original_reason("b") == "tie"


def test_lookups_for_lone_and_unknown_docs_are_none() -> None:
    groups = copy_groups([_doc("a", _paragraphs(9))])
    assert groups.original_of("a") is None
    assert groups.original_url("nope") is None
    assert groups.original_reason("a") is None


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("LONDON (Reuters) - The bank held rates.", "reuters"),
        ("(Metro Wire) — A strike was called off.", "metrowire"),
        ("AP — Herons nest again.", "ap"),
        ("PARIS, AFP - Talks resumed.", "afp"),
        ("The talks resumed on Monday.\n\n— AFP", "afp"),
        ("Nobody credits anyone here (really) - no.", None),
        ("A plain article about AP courses.", None),
    ],
)
def test_wire_credits_are_read(text: str, agency: str | None) -> None:
    assert wire_agency(text) == agency


def test_decisions_do_not_depend_on_input_order() -> None:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    docs = [_from_fixture(d) for d in data["docs"]]
    expected = sorted(find_copies(docs), key=lambda d: d.id)
    shuffled = docs[:]
    random.Random(3).shuffle(shuffled)
    assert sorted(find_copies(shuffled), key=lambda d: d.id) == expected


def _from_fixture(d: dict[str, object]) -> Doc:
    published = d["published"]
    return Doc(
        id=str(d["id"]),
        title=str(d["title"]),
        text=str(d["text"]),
        published=datetime.fromisoformat(published) if isinstance(published, str) else None,
        url=d["url"],  # type: ignore[arg-type]
        source=d["source"],  # type: ignore[arg-type]
        source_links=tuple(d["source_links"]),  # type: ignore[arg-type]
        canonical_url=d.get("canonical_url"),  # type: ignore[arg-type]
    )


def test_minhash_estimates_jaccard() -> None:
    base = [f"tok{i}" for i in range(400)]
    a = shingle_hashes([base])
    b = shingle_hashes([base[:300] + [f"other{i}" for i in range(100)]])
    exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    sigs = signatures([a, b])
    estimate = float(np.mean(sigs[0] == sigs[1]))
    assert sigs.shape == (2, NUM_PERM)
    assert abs(estimate - exact) < 0.15


def test_lsh_pairs_similar_and_not_unrelated_docs() -> None:
    shingles = [shingle_hashes([_paragraphs(i)[0].split()]) for i in range(30)]
    shingles.append(shingles[4].copy())
    shingles.append(np.zeros(0, dtype=np.uint32))
    pairs = candidate_pairs(signatures(shingles))
    assert (4, 30) in pairs
    assert all(31 not in pair for pair in pairs)
    assert len(pairs) < 10


def test_a_token_hashes_the_same_wherever_it_stands() -> None:
    hashed = token_hashes("ab ba café ab x ab")
    again = token_hashes("café ab")
    assert hashed[0] == hashed[3] == hashed[5] == again[1]
    assert hashed[2] == again[0]
    assert len(hashed) == 6 and len(set(hashed[:3].tolist())) == 3  # anagrams differ
    assert token_hashes("").shape == (1,)  # one empty token, as "".split(" ") gives


def test_token_hashes_do_not_collide_over_a_large_vocabulary() -> None:
    words = [f"w{i}" for i in range(200_000)] + [str(i) for i in range(200_000)]
    assert len(np.unique(token_hashes(" ".join(words)))) == len(words)


def test_shingles_do_not_cross_paragraphs() -> None:
    words = [f"t{i}" for i in range(10)]
    joined = shingle_hashes([words])
    split = shingle_hashes([words[:5], words[5:]])
    assert len(joined) == 6 and len(split) == 2


def test_huge_bucket_of_identical_texts_stays_fast_and_grouped() -> None:
    paras = _paragraphs(11)
    docs = [_doc(f"d{i:03}", paras, hours=i) for i in range(300)]
    decisions = find_copies(docs)
    assert {d.copy_of for d in decisions[1:]} == {"d000"}


_texts = st.text(alphabet=st.sampled_from("ab cd\n\n(AP) —Reuters1"), max_size=200)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_texts, st.one_of(st.none(), st.text(max_size=30))), max_size=8))
def test_never_raises_on_odd_docs(items: list[tuple[str, str | None]]) -> None:
    docs = [Doc(id=str(i), title="", text=t, url=u) for i, (t, u) in enumerate(items)]
    decisions = find_copies(docs)
    assert [d.id for d in decisions] == [d.id for d in docs]
    originals = {d.copy_of for d in decisions if d.copy_of}
    assert all(next(x for x in decisions if x.id == o).copy_of is None for o in originals)
