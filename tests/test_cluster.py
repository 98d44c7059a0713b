"""Story clustering: events, stable ids, earlier runs, copies, overrides, stories."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from occasional.exceptions import InputError
from occasional.stories import scoring
from occasional.stories.build import build_stories
from occasional.stories.cluster import StoryOverride, cluster_stories, story_id
from occasional.stories.single_pass import Clusterer, ClusterOptions, features
from occasional.types import CopyDecision, Doc, StoryAssignment

T0 = datetime(2026, 3, 10, 8, tzinfo=UTC)

EVENTS = {
    "quake": [
        (
            "Magnitude 5.8 earthquake shakes Valmora province",
            "A strong earthquake struck Valmora province near San Telmo before dawn, damaging "
            "old buildings.",
        ),
        (
            "San Telmo residents sleep outdoors after Valmora quake",
            "Hundreds in San Telmo spent the night outside after the 5.8 earthquake cracked "
            "church towers.",
        ),
        (
            "Valmora earthquake: seven hurt in San Telmo",
            "Mayor Lucia Ferrante said seven people in San Telmo were treated after the quake.",
        ),
    ],
    "recall": [
        (
            "Voltra recalls 48,000 e-bike batteries",
            "Voltra is recalling 48,000 battery packs after reports of packs overheating while "
            "charging.",
        ),
        (
            "E-bike maker Voltra issues battery recall",
            "Owners of Voltra City and Trail bikes should stop charging the VB7 battery packs, "
            "the maker said.",
        ),
        (
            "Voltra battery fires prompt recall of 48,000 packs",
            "Voltra chief Lena Brandt said a faulty batch of cells caused the overheating "
            "battery packs.",
        ),
    ],
    "coach": [
        (
            "Rivermouth Rovers appoint Elena Markovic as coach",
            "Rivermouth Rovers named academy chief Elena Markovic head coach on a three-year "
            "contract.",
        ),
        (
            "Markovic becomes first woman to coach Rivermouth",
            "Elena Markovic replaces Gary Fenwick at Rivermouth Rovers after nine games without "
            "a win.",
        ),
    ],
}


def _event_docs(order_seed: int | None = None) -> tuple[list[Doc], dict[str, str]]:
    docs, gold = [], {}
    for e, (event, items) in enumerate(EVENTS.items()):
        for i, (title, text) in enumerate(items):
            doc_id = f"{event}-{i}"
            published = T0 + timedelta(hours=e + i * 2)
            docs.append(Doc(doc_id, title, text, published, source=f"outlet{i}"))
            gold[doc_id] = event
    if order_seed is not None:
        random.Random(order_seed).shuffle(docs)
    return docs, gold


def _stories(assignments: list[StoryAssignment]) -> dict[str, str]:
    return {a.id: a.story for a in assignments}


def test_events_become_stories() -> None:
    docs, gold = _event_docs()
    stories = _stories(cluster_stories(docs))
    for a in gold:
        for b in gold:
            assert (stories[a] == stories[b]) == (gold[a] == gold[b]), (a, b)


def test_one_assignment_per_doc_in_input_order() -> None:
    docs, _ = _event_docs(order_seed=1)
    assert [a.id for a in cluster_stories(docs)] == [d.id for d in docs]


def test_ids_derive_from_the_seed_doc_and_ignore_input_order() -> None:
    docs, _ = _event_docs()
    expected = _stories(cluster_stories(docs))
    assert expected["quake-0"] == story_id("quake-0")
    assert expected["recall-2"] == story_id("recall-0")
    for seed in range(3):
        shuffled, _ = _event_docs(order_seed=seed)
        assert _stories(cluster_stories(shuffled)) == expected


def test_previous_assignments_keep_story_ids() -> None:
    docs, _ = _event_docs()
    first = _stories(cluster_stories(docs[:4]))
    renamed = {doc_id: "s-old-" + story for doc_id, story in first.items()}
    second = _stories(cluster_stories(docs, previous=renamed))
    for doc_id, story in renamed.items():
        assert second[doc_id] == story
    assert second["recall-2"] == second["recall-0"]


def test_copies_join_their_originals_story() -> None:
    docs, _ = _event_docs()
    odd = Doc("copy", "Unrelated words entirely", "Nothing in common here at all.", T0)
    copies = [CopyDecision("copy", "coach-0", "near-duplicate", "g1")]
    stories = _stories(cluster_stories([*docs, odd], copies=copies))
    assert stories["copy"] == stories["coach-0"]


def test_split_and_merge_overrides() -> None:
    docs, _ = _event_docs()
    split = _stories(cluster_stories(docs, overrides=[StoryOverride("split", "quake-1")]))
    assert split["quake-1"] not in {split["quake-0"], split["quake-2"]}
    assert split["quake-0"] == split["quake-2"]
    merged = _stories(
        cluster_stories(docs, overrides=[StoryOverride("merge", "coach-0", "recall-1")])
    )
    assert merged["recall-0"] == merged["coach-1"] == story_id("coach-0")
    again = _stories(
        cluster_stories(docs, previous=split, overrides=[StoryOverride("split", "quake-1")])
    )
    assert again == split


def test_unknown_override_kind_is_an_input_error() -> None:
    docs, _ = _event_docs()
    with pytest.raises(InputError, match="unknown story override"):
        cluster_stories(docs, overrides=[StoryOverride("explode", "quake-0")])


def test_time_window_and_decay_keep_old_events_apart() -> None:
    title, text = EVENTS["recall"][0]
    old = Doc("old", title, text, T0)
    new = Doc("new", title, text, T0 + timedelta(days=30))
    stories = _stories(cluster_stories([old, new]))
    assert stories["old"] != stories["new"]
    near = Doc("near", title, text, T0 + timedelta(hours=5))
    assert len(set(_stories(cluster_stories([old, near])).values())) == 1


def test_candidates_come_from_the_index_not_all_stories() -> None:
    clusterer = Clusterer(ClusterOptions(max_candidates=3))
    for i in range(50):
        clusterer.add(features(f"Topic{i} alpha{i} beta{i}", f"gamma{i} delta{i}", None))
    probe = features("Topic7 alpha7", "gamma7", None)
    vocab = set(probe.terms) | probe.keys
    clusterer.terms.count(vocab)  # counted, as add() counts a doc before looking it up
    assert clusterer.terms.candidates(clusterer.terms.lookup(vocab)) == [7]


def test_undated_docs_cluster_and_sort_after_dated_ones() -> None:
    docs = [Doc(f"u{i}", t, x) for i, (t, x) in enumerate(EVENTS["recall"])]
    assert len(set(_stories(cluster_stories(docs)).values())) == 1


def test_build_stories_summarises_each_story() -> None:
    docs, _ = _event_docs(order_seed=2)
    docs.append(Doc("bare", "", "Volcano on Islaverde erupts, ash closes airport " * 3, None))
    stories = {s.article_ids[0]: s for s in build_stories(docs, cluster_stories(docs))}
    quake = stories["quake-0"]
    assert quake.label == EVENTS["quake"][0][0]
    assert quake.article_ids == ("quake-0", "quake-1", "quake-2")
    assert quake.first_seen == T0 and quake.last_seen == T0 + timedelta(hours=4)
    assert quake.sources == ("outlet0", "outlet1", "outlet2") and quake.first_source == "outlet0"
    assert stories["bare"].label.startswith("Volcano on Islaverde") and stories[
        "bare"
    ].label.endswith("…")
    assert stories["bare"].first_seen is None and stories["bare"].sources == ()
    assert list(stories)[-1] == "bare"


def test_build_stories_uses_url_host_when_no_source() -> None:
    doc = Doc("a", "T", "x", T0, url="https://www.paper.example/a")
    (story,) = build_stories([doc], [StoryAssignment("a", "s1"), StoryAssignment("ghost", "s1")])
    assert story.sources == ("paper.example",) and story.article_ids == ("a",)


JACKSON = [
    "Chargers receiver Vincent Jackson arrested on suspicion of drunk driving before Pittsburgh",
    "San Diego Chargers wide receiver Vincent Jackson was arrested Tuesday on suspicion of DUI",
    "Jackson arrested: Chargers receiver held on suspicion of drunken driving before Pittsburgh",
    "Police arrested Chargers receiver Vincent Jackson early Tuesday on suspicion of DUI",
    "Chargers say Jackson will play at Pittsburgh despite his DUI arrest on Tuesday",
    "Vincent Jackson of the Chargers faces DUI charge after Tuesday arrest",
]
WILLIAMS = [
    "Chargers tackle Jamal Williams arrested on suspicion of DUI after speeding on Route 94",
    "Chargers defensive tackle Jamal Williams was arrested on suspicion of drunk driving on Sunday",
    "Williams, the Chargers' second DUI arrest in a month, was pulled over in his Bentley",
    "Highway Patrol arrested Chargers lineman Jamal Williams on State Route 94 on suspicion of DUI",
    "City attorney weighs DUI charges against Chargers tackle Jamal Williams",
    "Jamal Williams of the Chargers arrested for DUI after Route 94 stop in his Bentley",
]


def _arrests(player: str, texts: list[str]) -> list[Doc]:
    """Undated reports of one player's arrest: two such events share most of their words."""
    return [Doc(f"{player}-{i}", "", text, None) for i, text in enumerate(texts)]


# In a window this small an event's own names are in more than a tenth of
# the docs; look every word up so that the pass sees the stories at all.
SMALL_WINDOW = ClusterOptions(rare_fraction=1.0)


def test_two_similar_events_are_cut_apart() -> None:
    docs = _arrests("jackson", JACKSON) + _arrests("williams", WILLIAMS)
    joined = ClusterOptions(rare_fraction=1.0, split_agreement=0)
    merged = _stories(cluster_stories(docs, options=joined))
    assert len(set(merged.values())) == 1  # the pass alone takes them for one event
    stories = _stories(cluster_stories(docs, options=SMALL_WINDOW))
    jackson = {stories[d.id] for d in docs if d.id.startswith("jackson")}
    williams = {stories[d.id] for d in docs if d.id.startswith("williams")}
    assert len(jackson) == len(williams) == 1
    assert jackson != williams


def test_a_second_event_leaves_a_story_an_earlier_run_made() -> None:
    first_run = _arrests("jackson", JACKSON)
    earlier = _stories(cluster_stories(first_run, options=SMALL_WINDOW))
    assert len(set(earlier.values())) == 1
    docs = first_run + _arrests("williams", WILLIAMS)
    stories = _stories(cluster_stories(docs, previous=earlier, options=SMALL_WINDOW))
    assert all(stories[d.id] == earlier[d.id] for d in first_run)
    williams = {stories[d.id] for d in docs if d.id.startswith("williams")}
    assert len(williams) == 1
    assert williams.isdisjoint(earlier.values())


def test_many_reports_repeating_one_text_form_one_story() -> None:
    # Every word is in every doc, so none is rare: the least common still find the story.
    text = "Exactly the same report about the Alder Street fire and its 42 families."
    docs = [Doc(f"r{i}", "Alder Street fire", text, T0 + timedelta(minutes=i)) for i in range(30)]
    assert len({a.story for a in cluster_stories(docs)}) == 1


def _overlapping_reports(seed: int) -> list[tuple[str, str]]:
    """Twelve events of four reports drawing on one small shared vocabulary, shuffled."""
    rnd = random.Random(seed)
    common = [f"topic{i}" for i in range(30)]
    docs = []
    for e in range(12):
        names = [f"Name{e}x{k}" for k in range(3)]
        words = rnd.sample(common, 6)
        for _ in range(4):
            picked = rnd.sample(words, 4) + rnd.sample(names, 2) + rnd.sample(common, 3)
            docs.append((f"{names[0]} {picked[0]}", " ".join(picked)))
    rnd.shuffle(docs)
    return docs


def _moved_by_sweep(**options: float) -> tuple[int, int]:
    """How many docs the sweep (no folding, no cuts) moves, and how many of them had settled.

    Summed over a dozen streams: the pass places most docs well, so a sweep
    moves only a few in each.
    """
    moved = settled_moved = 0
    for seed in range(12):
        clusterer = Clusterer(ClusterOptions(gather_size=0, split_agreement=0, **options))
        for title, text in _overlapping_reports(seed):
            clusterer.add(features(title, text, None))
        added = list(clusterer.labels)
        settled = list(clusterer.settled)
        clusterer.refine()
        for was, now, fixed in zip(added, clusterer.labels, settled, strict=True):
            moved += was != now
            settled_moved += was != now and fixed
    return moved, settled_moved


def test_the_sweep_leaves_docs_that_joined_strongly_where_they_are() -> None:
    reconsider_all, _ = _moved_by_sweep(settle_score=1.1)  # no score is that high
    assert reconsider_all >= 3
    assert _moved_by_sweep(settle_score=0.0) == (0, 0)  # every doc counts as settled
    moved, settled_moved = _moved_by_sweep()  # the default: weak joins only
    assert 0 < moved <= reconsider_all and settled_moved == 0


def test_clustering_pauses_the_garbage_collector_and_restores_it() -> None:
    import gc

    import numpy as np

    seen: list[bool] = []

    def embed(texts: object) -> np.ndarray:
        seen.append(gc.isenabled())  # called in the middle of the pass
        return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)  # type: ignore[arg-type]

    docs, _ = _event_docs()
    assert gc.isenabled()
    cluster_stories(docs, embed=embed)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        cluster_stories(docs)
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_time_counts_from_the_nearest_end_of_a_storys_span() -> None:
    # A story reported over six days: a doc from its third day is inside its
    # span, as close to it as an undated doc, however late its last report.
    clusterer = Clusterer()
    title, text = EVENTS["quake"][0]
    story = clusterer.add(features(title, text, T0))
    clusterer.add(features(*EVENTS["quake"][1], T0 + timedelta(days=6)), force=story)
    inside = clusterer.terms.probe(features(*EVENTS["quake"][2], T0 + timedelta(days=3)))
    undated = clusterer.terms.probe(features(*EVENTS["quake"][2], None))
    after = clusterer.terms.probe(features(*EVENTS["quake"][2], T0 + timedelta(days=8)))
    scores = [
        scoring.score(clusterer.options, p, clusterer.stories[story])
        for p in (inside, undated, after)
    ]
    assert scores[0] == pytest.approx(scores[1]) and scores[0] > 0.15
    assert 0.0 < scores[2] < scores[0] / 2  # two days after its last report


def test_a_word_only_the_doc_has_does_not_hide_its_story() -> None:
    # A title-only entry: "close" is in no other doc, "harbour" and "bridge"
    # in several; it still finds (and joins) the bridge story.
    reports = [
        (
            "Harbour bridge closed after cracks found in its main span",
            "Engineers closed the Harbour bridge after inspectors found cracks in its main span, "
            "the transport department said. Traffic was diverted to the tunnel.",
        ),
        (
            "City shuts Harbour bridge over cracked span; traffic diverted",
            "The Harbour bridge was shut when inspectors discovered cracks in the main span. "
            "The transport department sent traffic to the tunnel and added ferries.",
        ),
        (
            "Council approves budget with cuts to library hours",
            "The council approved next year's budget, with shorter library hours and a freeze on "
            "parks spending.",
        ),
    ]
    docs = [Doc(f"r{i}", t, x, T0 + timedelta(hours=i)) for i, (t, x) in enumerate(reports)]
    docs.append(Doc("title-only", "Harbour bridge cracks close it", "", None))
    stories = _stories(cluster_stories(docs))
    assert stories["title-only"] == stories["r0"] == stories["r1"] != stories["r2"]


def test_a_shared_figure_alone_is_no_evidence_of_one_event() -> None:
    clusterer = Clusterer()
    story = clusterer.add(
        features(
            "Quillpay says hackers stole data of 4.1 million customers",
            "Payments app Quillpay said hackers stole details of 4.1 million customers, "
            "wiping $1.4 million off its value.",
            T0,
        )
    )
    keys = clusterer.stories[story].keys

    def overlap(title: str, text: str) -> float:
        probe = clusterer.terms.probe(features(title, text, None))
        return scoring.overlap(clusterer.options, probe, keys, 1)

    # Only "1.4" is shared: unrelated reports share round figures by chance.
    assert overlap("Council weighs closing libraries", "Carrow Valley may save $1.4 million.") == 0
    # Beside a shared name, the figure counts.
    with_name = overlap("Quillpay loses $1.4 million", "Carrow Valley lender Quillpay fell.")
    assert with_name > overlap("Quillpay loses money", "Carrow Valley lender Quillpay fell.")


def test_a_small_story_folds_into_a_bigger_one_of_its_event() -> None:
    # The pass left one event's five reports in stories of two and three (as
    # a small window can); folding joins them, though neither is big.
    reports = EVENTS["quake"] + EVENTS["quake"][:2]
    clusterer = Clusterer(ClusterOptions(refine_rounds=0, split_agreement=0))
    two, three = clusterer.new_story(), clusterer.new_story()
    for i, (title, text) in enumerate(reports):
        clusterer.add(features(title, text, T0 + timedelta(hours=i)), force=two if i < 2 else three)
    clusterer.forced = [False] * len(reports)  # as if the pass had put them there
    clusterer.refine()
    assert set(clusterer.labels) == {three}
