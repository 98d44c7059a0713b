"""Properties of build_digest over generated stories (hypothesis)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from occasional.digest import (
    Interests,
    Memory,
    Mute,
    Profile,
    StoryView,
    build_digest,
    card_fingerprint,
)
from occasional.types import Article, Digest, Story
from test_digest_fixtures import SimpleAnalyzer, make_view

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
WORDS = ["harbour", "volcano", "election", "rail", "budget", "storm", "summit", "vaccine"]
OUTLETS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def article_specs(draw: st.DrawFn) -> tuple[list[str], str, int, bool]:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
    return words, draw(st.sampled_from(OUTLETS)), draw(st.integers(0, 48 * 60)), draw(st.booleans())


@st.composite
def story_views(draw: st.DrawFn) -> list[StoryView]:
    count = draw(st.integers(1, 12))
    views = []
    for index in range(count):
        specs = draw(st.lists(article_specs(), min_size=1, max_size=4))
        articles: list[Article] = []
        for number, (words, outlet, minutes, copy) in enumerate(specs):
            title = " ".join(word.capitalize() if i == 0 else word for i, word in enumerate(words))
            ident = f"s{index}-a{number}"
            articles.append(
                Article(
                    id=ident,
                    source_id=outlet,
                    url=f"https://{outlet}.example/{ident}",
                    title=f"{title} news",
                    text=f"{title} today. “We expect {minutes} more,” said Ann Lee. "
                    f"About {number + 3} people came.",
                    source_title=outlet.title(),
                    published=NOW - timedelta(minutes=minutes),
                    copy_of=articles[0].id if copy and articles else None,
                    story=f"s{index}",
                )
            )
        views.append(make_view(Story(id=f"s{index}", label="", article_ids=()), articles))
    return views


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    mutes = [
        Mute("topics", w) for w in draw(st.lists(st.sampled_from(WORDS), max_size=2, unique=True))
    ]
    mutes += [
        Mute("sources", o)
        for o in draw(st.lists(st.sampled_from(OUTLETS), max_size=2, unique=True))
    ]
    return Profile(
        name="p",
        follows=Interests(
            topics=tuple(draw(st.lists(st.sampled_from(WORDS), max_size=3, unique=True)))
        ),
        mutes=tuple(mutes),
        budget=draw(st.integers(1, 5)),
        min_score=draw(st.floats(0.0, 0.4)),
        top_stories=draw(st.booleans()),
    )


def build(profile: Profile, views: list[StoryView], memory: Memory | None = None) -> Digest:
    return build_digest(
        profile, views, now=NOW, memory=memory or Memory(), analyzer=SimpleAnalyzer()
    )


def shown(digest: Digest) -> list:  # type: ignore[type-arg]
    return [*digest.items, *digest.top]


@SETTINGS
@given(profiles(), story_views())
def test_the_budget_is_never_exceeded_and_nothing_shows_twice(
    profile: Profile, views: list[StoryView]
) -> None:
    digest = build(profile, views)
    assert len(digest.items) <= profile.budget
    assert len(digest.top) <= 3
    assert len({item.id for item in shown(digest)}) == len(shown(digest))
    assert (digest.quiet is None) == bool(digest.items)
    assert all(item.score >= profile.min_score for item in digest.items)


@SETTINGS
@given(profiles(), story_views())
def test_no_muted_story_or_outlet_is_ever_shown(profile: Profile, views: list[StoryView]) -> None:
    muted_words = {m.value for m in profile.mutes if m.kind == "topics"}
    muted_outlets = {m.value.title() for m in profile.mutes if m.kind == "sources"}
    for item in shown(build(profile, views)):
        assert not muted_outlets & {s.source for s in item.sources}
        titles = " ".join(s.title.lower() for s in item.sources)
        assert not any(word in titles.split() for word in muted_words)


@SETTINGS
@given(profiles(), story_views())
def test_nothing_repeats_when_nothing_changed(profile: Profile, views: list[StoryView]) -> None:
    first = build(profile, views)
    memory = Memory({item.id: card_fingerprint(item) for item in shown(first)})
    second = build(profile, views, memory)
    assert {i.id for i in shown(first)}.isdisjoint(i.id for i in shown(second))
    assert all(item.status == "new" for item in shown(second))


@SETTINGS
@given(profiles(), story_views(), st.randoms(use_true_random=False))
def test_the_digest_does_not_depend_on_input_order(
    profile: Profile, views: list[StoryView], rnd: random.Random
) -> None:
    shuffled = list(views)
    rnd.shuffle(shuffled)
    assert build(profile, views) == build(profile, shuffled)
