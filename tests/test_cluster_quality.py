"""Story quality: the demo web's events, templated reports, follow-ups, two-event stories."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from occasional.demo import run_news_web
from occasional.stories import bcubed, cluster_stories, find_copies
from occasional.stories.single_pass import ClusterOptions
from occasional.stories.split import Member, SplitRule, bisect, evidence, split_story
from occasional.types import Doc

T0 = datetime(2026, 5, 4, 17, tzinfo=UTC)

FLOORS = Path(__file__).parent / "fixtures" / "eval_floors.json"


def _floor(key: str) -> float:
    # Stored beside the ECB+ floors; measured on the demo web: P 0.978, R 1.000, F1 0.989.
    return float(json.loads(FLOORS.read_text(encoding="utf-8"))["clustering"][key])


def test_demo_web_stories_match_its_events() -> None:
    with run_news_web() as web:
        articles = web.articles
    docs = [a.as_doc() for a in articles]
    assignments = cluster_stories(docs, copies=find_copies(docs))
    stories = {a.id: a.story for a in assignments}
    precision, recall, f1 = bcubed(stories, {a.id: a.event for a in articles})
    assert precision >= _floor("demo_bcubed_precision"), f"P {precision:.3f} R {recall:.3f}"
    assert f1 >= _floor("demo_bcubed_f1"), f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"
    # Templated daily reports from one desk are two events, not one story.
    wraps = {stories[a.id] for a in articles if a.event.startswith("markets-wrap")}
    assert len(wraps) == len({a.event for a in articles if a.event.startswith("markets-wrap")})


def _wrap(doc_id: str, figures: list[str], when: datetime) -> Doc:
    a, b, c, d, e, f, g, h, i, j = figures
    text = (
        f"The Tallis-40 index closed {a} percent higher at {b} points, with gains in energy "
        f"stocks. Of the index's members, {c} rose, {d} fell and {e} were unchanged. The "
        f"broader Tallis All Shares index gained {f} percent to {g} points. The krona was "
        f"little changed at {h} against the euro, while bond yields rose {i} basis points "
        f"to {j} percent."
    )
    return Doc(doc_id, "Markets wrap: Tallis-40 closes the session", text, when)


def test_figure_dense_reports_with_other_figures_stay_apart() -> None:
    monday = _wrap(
        "mon", ["0.4", "8,214.6", "61", "36", "3", "0.3", "11,562.1", "1.0911", "2", "3.91"], T0
    )
    tuesday = _wrap(
        "tue",
        ["0.6", "8,189.3", "38", "59", "4", "0.5", "11,521.7", "1.0842", "1", "3.81"],
        T0 + timedelta(hours=24),
    )
    stories = {a.id: a.story for a in cluster_stories([monday, tuesday])}
    assert stories["mon"] != stories["tue"]
    # The veto is what keeps them apart: switched off, the shared words win.
    loose = ClusterOptions(min_figures=1000)
    merged = {a.id: a.story for a in cluster_stories([monday, tuesday], options=loose)}
    assert merged["mon"] == merged["tue"]


def _followup_docs() -> list[Doc]:
    first = Doc(
        "first",
        "Harbour crane collapses at Port Wendell, injuring four dockers",
        "A container crane collapsed at Port Wendell on Tuesday, injuring four dockers. "
        "The Wendell Harbour Authority closed the north quay while inspectors examined the "
        "crane's base. Operator Castell Logistics said the crane had passed checks in May.",
        T0,
    )
    again = Doc(
        "again",
        "Port Wendell crane fall: four dockers hurt as quay shut",
        "Four dockers were hurt when a crane fell at Port Wendell. The Wendell Harbour "
        "Authority shut the north quay; Castell Logistics runs the crane.",
        T0 + timedelta(hours=2),
    )
    analysis = Doc(
        "analysis",
        "Who checks the machines that lift the world's cargo?",
        "Castell Logistics and Wendell now face questions the Ofreg regulator and Minister "
        "Anya Kade asked years ago: how often anyone looks at ageing lifting gear, who pays "
        "for repairs, and whether contracts reward speed over safety.",
        T0 + timedelta(hours=6),
    )
    return [first, again, analysis]


# Stricter than the defaults, so only follow-up evidence can join the analysis piece.
_STRICT = {"threshold": 0.3, "rejoin_threshold": 0.2, "attach_threshold": 0.12, "gather_size": 0}


def test_dated_follow_up_naming_the_same_actors_joins_the_story() -> None:
    docs = _followup_docs()
    stories = {a.id: a.story for a in cluster_stories(docs)}
    assert stories["analysis"] == stories["first"] == stories["again"]
    by_names = {a.id: a.story for a in cluster_stories(docs, options=ClusterOptions(**_STRICT))}
    assert by_names["analysis"] == by_names["first"]
    no_names = ClusterOptions(**_STRICT, attach_names=1.1)
    apart = {a.id: a.story for a in cluster_stories(docs, options=no_names)}
    assert apart["analysis"] != apart["first"]


def test_undated_follow_up_gets_no_time_evidence() -> None:
    docs = [Doc(d.id, d.title, d.text, None) for d in _followup_docs()]
    stories = {a.id: a.story for a in cluster_stories(docs, options=ClusterOptions(**_STRICT))}
    assert stories["first"] == stories["again"]
    assert stories["analysis"] != stories["first"]


def _members(name: str, count: int, shared: str = "host oscars ceremony") -> list[Member]:
    """``count`` reports of one event: shared topic words, the event's name, a word of their own."""
    return [
        Member(Counter(f"{shared} {name} w{name}{i}".split()), frozenset({name}))
        for i in range(count)
    ]


def _idf(members: list[Member]) -> dict[str, float]:
    return {t: 1.0 for m in members for t in (*m.counts, *m.keys)}


def test_split_story_cuts_two_events_and_keeps_one_whole() -> None:
    jackman, ellen = _members("jackman", 5), _members("degeneres", 5)
    mixed = [m for pair in zip(jackman, ellen, strict=True) for m in pair]
    rule = SplitRule()
    assert split_story(mixed, _idf(mixed), rule) == [0, 1] * 5
    one = _members("jackman", 10)
    assert split_story(one, _idf(one), rule) == [0] * 10
    # A stray pair is no second event: each half needs min_part docs.
    few = jackman + ellen[:2]
    assert split_story(few, _idf(few), rule) == [0] * 7


def test_split_story_needs_evidence_on_both_sides() -> None:
    # Two groups that differ in words only: no name concentrated on one side.
    words = [
        Member(Counter(f"quake coast w{i % 2} x{i % 2}".split()), frozenset({"chile"}))
        for i in range(10)
    ]
    assert split_story(words, _idf(words), SplitRule()) == [0] * 10


def test_evidence_grows_with_how_unevenly_a_name_falls() -> None:
    jackson = [frozenset({"jackson", "chargers"})] * 6
    williams = [frozenset({"williams", "chargers"})] * 6
    strong = evidence(jackson, williams)
    # 6 of 6 mentions on one side of 12: C(6,6)/C(12,6) = 1/924.
    assert strong == pytest.approx(math.log10(924))
    mixed = [frozenset({"jackson", "chargers"})] * 3 + [frozenset({"williams", "chargers"})] * 3
    assert evidence(jackson, mixed) < strong
    assert evidence([frozenset({"a"})], [frozenset({"b"})]) == 0.0


def test_bisect_is_average_linkage_into_two_groups() -> None:
    sim = np.array(
        [
            [1.0, 0.9, 0.1, 0.0],
            [0.9, 1.0, 0.0, 0.1],
            [0.1, 0.0, 1.0, 0.8],
            [0.0, 0.1, 0.8, 1.0],
        ]
    )
    assert bisect(sim) == ([0, 1], [2, 3])
    assert bisect(np.ones((1, 1))) == ([0], [])
