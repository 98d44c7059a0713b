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
from occasional.stories.index import shared_pairs
from occasional.stories.shingles import ordered_shingles, shingle_hashes, token_hashes
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


def test_index_pairs_a_teaser_with_its_article_and_not_unrelated_docs() -> None:
    article = [w for p in _paragraphs(40, count=12) for w in p.split()]
    shingles = [shingle_hashes([_paragraphs(i)[0].split()]) for i in range(30)]
    shingles.append(shingle_hashes([article]))  # 30: a long article
    shingles.append(shingle_hashes([article[: len(article) // 3]]))  # 31: its first third
    shingles.append(np.zeros(0, dtype=np.uint32))  # 32: empty
    left, right = shared_pairs(shingles)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert (30, 31) in pairs
    assert all(32 not in pair for pair in pairs)
    assert len(pairs) < 5


def test_index_chains_a_phrase_shared_by_many_docs() -> None:
    stock = ["the", "company", "did", "not", "immediately", "respond", "to", "a", "request"]
    shingles = [shingle_hashes([_paragraphs(i)[0].split(), stock]) for i in range(300)]
    left, _ = shared_pairs(shingles)
    # Only neighbours are paired through a phrase in every doc: linear, not quadratic.
    assert len(left) <= 300


def test_ordered_shingles_keep_text_order_and_repeats() -> None:
    words = ["a", "b", "c", "d", "e", "a", "b", "c", "d", "e"]
    ordered = ordered_shingles(words, [len(words)])
    assert len(ordered) == 6 and ordered[0] == ordered[5]
    assert np.array_equal(np.unique(ordered), shingle_hashes([words]))


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


def test_teaser_carrying_the_first_third_is_a_copy_linked_or_not() -> None:
    paras = _paragraphs(20, count=9)
    article = _doc("a", paras, url="https://one.example/a")
    linked = _doc(
        "t1",
        [*paras[:3], "Read more"],
        hours=1,
        url="https://two.example/t",
        source_links=("https://one.example/a",),
    )
    bare = _doc("t2", paras[:3], hours=2, url="https://three.example/t")
    decisions = {d.id: d for d in find_copies([article, linked, bare])}
    assert decisions["t1"].copy_of == "a" and decisions["t2"].copy_of == "a"


def test_a_source_link_is_enough_with_modest_overlap() -> None:
    paras = _paragraphs(21, count=6)
    article = _doc("a", paras, url="https://one.example/a")
    # A third of its text is the article's first paragraph and a half; the rest its own.
    summary = [paras[0], paras[1][: len(paras[1]) // 2], *_paragraphs(22, count=4)]
    linked = _doc(
        "s", summary, hours=1, url="https://two.example/s", source_links=("https://one.example/a",)
    )
    unlinked = _doc("u", summary, hours=1, url="https://three.example/u")
    assert find_copies([article, linked])[1].copy_of == "a"
    assert find_copies([article, unlinked])[1].copy_of is None


def test_rewrite_with_changed_words_and_a_moved_paragraph_is_a_copy() -> None:
    paras = _paragraphs(23, count=6)
    swapped = [
        " ".join("changed" if i % 9 == 4 else w for i, w in enumerate(p.split())) for p in paras
    ]
    rewrite = ["LONDON (Reuters) - " + swapped[0], swapped[3], *swapped[1:3], *swapped[4:]]
    a = _doc("a", paras, url="https://one.example/a")
    b = _doc("b", rewrite, hours=1, url="https://two.example/b")
    assert find_copies([a, b])[1].copy_of == "a"


def test_sharing_one_paragraph_does_not_make_a_copy() -> None:
    donor = _paragraphs(24, count=5)
    own = _paragraphs(25, count=5)
    a = _doc("a", donor, url="https://one.example/a")
    b = _doc("b", [*own[:2], donor[2], *own[2:]], hours=1, url="https://two.example/b")
    c = _doc("c", [donor[0], *_paragraphs(26, count=2)], hours=2, url="https://three.example/c")
    assert all(d.copy_of is None for d in find_copies([a, b, c]))


def test_wire_site_is_the_original_and_a_credit_elsewhere_never_is() -> None:
    paras = _paragraphs(27)
    credited = ["PARIS (AFP) - " + paras[0], *paras[1:]]
    wire = _doc("wire", credited, hours=2, url="https://www.afp.com/en/news/1")
    early_copy = _doc("portal", credited, hours=1, url="https://portal.example/1")
    groups = copy_groups([wire, early_copy])
    assert (groups.original_of("portal"), groups.original_reason("portal")) == (
        "wire",
        "wire-credit",
    )
    uncredited = _doc("outlet", paras, url="https://outlet.example/1")
    later = _doc("reprint", credited, hours=3, url="https://biz.example/1")
    groups = copy_groups([later, uncredited])
    assert (groups.original_of("reprint"), groups.original_reason("reprint")) == (
        "outlet",
        "earliest",
    )


@pytest.mark.parametrize(
    "bad_time",
    [None, datetime(1970, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)],
    ids=["missing", "zero-date", "future"],
)
def test_unbelievable_times_never_make_the_original(bad_time: datetime | None) -> None:
    paras = _paragraphs(28)
    original = _doc("orig", paras, hours=5, url="https://one.example/a")
    copy = Doc(
        id="copy",
        title="",
        text="\n\n".join(paras),
        published=bad_time,
        url="https://two.example/b",
    )
    groups = copy_groups([copy, original], now=T0 + timedelta(days=30))
    assert groups.original_of("copy") == "orig"
    assert groups.original_reason("copy") == "earliest"


def test_press_wire_credits_are_read() -> None:
    assert wire_agency("NEW YORK--(BUSINESS WIRE)--Acme today said") == "businesswire"
    assert wire_agency("BOSTON, March 2, 2026 /PRNewswire/ -- Acme said") == "prnewswire"
    assert wire_agency("Text.\n\nReporting by Ann Lee; Editing by Bo Chan") == "reuters"
    assert wire_agency("Text.\n\nCopyright 2026 The Associated Press. All rights") == "ap"


def test_without_times_the_fullest_text_is_the_original_not_its_excerpt() -> None:
    paras = _paragraphs(29, count=9)
    excerpt = Doc(id="a-excerpt", title="", text="\n\n".join(paras[:4]))
    article = Doc(id="b-article", title="", text="\n\n".join(paras))
    groups = copy_groups([excerpt, article])
    assert groups.original_of("a-excerpt") == "b-article"
    assert groups.original_reason("a-excerpt") == "fullest"
