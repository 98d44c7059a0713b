"""build_digest end to end on fixture stories: cards, budget, bar, memory, mutes, JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from occasional.digest import (
    Analyzer,
    Interests,
    LeadAnalyzer,
    Memory,
    Mute,
    Profile,
    StoryView,
    build_digest,
    card_fingerprint,
    default_analyzer,
    digest_to_json,
)
from occasional.types import Digest, SummarySentence
from test_digest_fixtures import (
    SimpleAnalyzer,
    fixture_now,
    load_views,
    new_article,
    view_by_id,
    with_article,
)

NOW = fixture_now()
JAPAN_FAN = Profile(name="alice", follows=Interests(topics=("Japan", "volcano")))


def build(profile: Profile, views: Sequence[StoryView] | None = None, **kwargs: object) -> Digest:
    kwargs.setdefault("memory", Memory())
    kwargs.setdefault("analyzer", SimpleAnalyzer())
    return build_digest(profile, load_views() if views is None else views, now=NOW, **kwargs)  # type: ignore[arg-type]


def ids(digest: Digest) -> list[str]:
    return [item.id for item in digest.items]


def remember(*digests: Digest) -> Memory:
    return Memory({item.id: card_fingerprint(item) for d in digests for item in (*d.items, *d.top)})


def test_a_card_links_everything_to_its_articles() -> None:
    digest = build(JAPAN_FAN)
    japan = digest.items[0]
    articles = {a.id: a for a in view_by_id(load_views(), "s-japan").articles}
    assert japan.id == "s-japan"
    assert japan.headline == articles["a1"].title  # no label: the original's title
    assert 3 <= len(japan.summary) <= 5
    for sentence in japan.summary:
        assert sentence.text in articles[sentence.article].text
        assert sentence.url == articles[sentence.article].url
    for quote, article_id in japan.quotes:
        assert quote.text in articles[article_id].text
    assert japan.quotes[0][0].speaker == "Defence Minister Gen Nakatani"
    assert 54000.0 in {f.value for f in japan.figures}
    originals = {s.url: s.original for s in japan.sources}
    assert originals[articles["a1"].url] and not originals[articles["a2"].url]
    assert len(japan.sources) == len(articles)
    assert (japan.first_seen, japan.last_seen) == (
        articles["a1"].published,
        articles["a5"].published,
    )


def test_a_labelled_story_keeps_its_label() -> None:
    volcano = next(i for i in build(JAPAN_FAN).items if i.id == "s-volcano")
    assert volcano.headline == "Volcano erupts near Grindavík"


def test_budget_and_bar_hold() -> None:
    assert len(build(dataclasses.replace(JAPAN_FAN, budget=2)).items) == 2
    strict = build(dataclasses.replace(JAPAN_FAN, min_score=0.5))
    assert strict.items and all(item.score >= 0.5 for item in strict.items)


def test_a_quiet_day_says_so_in_one_honest_line() -> None:
    views = load_views()
    digest = build(dataclasses.replace(JAPAN_FAN, min_score=0.99), views)
    articles = sum(len(v.articles) for v in views)
    assert digest.items == ()
    checked = f"{articles} articles in {len(views)} stories checked"
    assert digest.quiet == f"Nothing new above your bar today — {checked}."
    assert build(JAPAN_FAN, [views[0]]).quiet is None
    one = build(dataclasses.replace(JAPAN_FAN, min_score=0.99), [view_by_id(views, "s-transfer")])
    assert one.quiet == "Nothing new above your bar today — 1 article in 1 story checked."


def test_no_more_than_two_stories_on_one_followed_topic() -> None:
    digest = build(Profile(name="p", follows=Interests(topics=("Japan",)), min_score=0.0))
    japan_stories = {"s-japan", "s-tokyo-rail", "s-osaka-expo"}
    assert len(japan_stories & set(ids(digest))) == 2
    assert len(digest.items) > 2  # the third Japan story's slot went to something else


def test_nothing_repeats_unless_it_changed_enough() -> None:
    views = load_views()
    first = build(JAPAN_FAN, views)
    second = build(JAPAN_FAN, views, memory=remember(first))
    assert set(ids(first)).isdisjoint(ids(second))  # only stories held back by diversity
    memory = remember(first, second)
    assert build(JAPAN_FAN, views, memory=memory).items == ()

    japan = view_by_id(views, "s-japan")
    one_more = with_article(japan, new_article(japan, "x1", "river-times", "Marines leave.", NOW))
    changed = [one_more if v.story.id == "s-japan" else v for v in views]
    assert "s-japan" not in ids(
        build(JAPAN_FAN, changed, memory=memory)
    )  # one outlet is not enough

    two_more = with_article(one_more, new_article(japan, "x2", "lake-news", "Marines go.", NOW))
    changed = [two_more if v.story.id == "s-japan" else v for v in views]
    again = build(JAPAN_FAN, changed, memory=memory)
    assert ids(again) == ["s-japan"]
    assert again.items[0].status == "updated"
    assert again.items[0].reasons[-1] == "Updated: 2 new sources"


def test_a_new_quote_brings_a_story_back() -> None:
    views = load_views()
    first = build(JAPAN_FAN, views)
    memory = remember(first, build(JAPAN_FAN, views, memory=remember(first)))
    volcano = view_by_id(views, "s-volcano")
    text = "“We are watching the dykes closely,” said mayor Fannar Jónasson. Roads stay closed."
    changed = [
        with_article(volcano, new_article(volcano, "v9", "metro-wire", text, NOW))
        if v is volcano
        else v
        for v in views
    ]
    again = build(JAPAN_FAN, changed, memory=memory)
    assert ids(again) == ["s-volcano"]
    assert again.items[0].reasons[-1] == "Updated: 1 new quote"


def test_new_stories_say_they_are_new_once_there_was_a_digest() -> None:
    views = load_views()
    assert all("New since your last digest" not in i.reasons for i in build(JAPAN_FAN, views).items)
    memory = remember(build(dataclasses.replace(JAPAN_FAN, budget=1), views))
    later = build(JAPAN_FAN, views, memory=memory)
    assert later.items and all(i.reasons[-1] == "New since your last digest" for i in later.items)


def test_mutes_remove_stories_until_they_expire() -> None:
    everyone = Profile(name="p", min_score=0.0, budget=20)
    assert "s-cricket" in ids(build(everyone))
    muted = dataclasses.replace(everyone, mutes=(Mute("topics", "Ashes", until=date(2026, 12, 1)),))
    assert "s-cricket" not in ids(build(muted))
    expired = dataclasses.replace(everyone, mutes=(Mute("topics", "Ashes", until=NOW.date()),))
    assert "s-cricket" in ids(build(expired))
    by_tag = dataclasses.replace(everyone, mutes=(Mute("tags", "sport"),))
    assert {"s-cricket", "s-transfer"}.isdisjoint(ids(build(by_tag)))


def test_a_muted_outlet_vanishes_from_cards_and_lone_stories() -> None:
    profile = Profile(
        name="p", min_score=0.0, budget=20, mutes=(Mute("sources", "metrowire.example"),)
    )
    digest = build(profile)
    assert all(s.source != "Metro Wire" for item in digest.items for s in item.sources)
    japan = next(i for i in digest.items if i.id == "s-japan")
    assert {s.source for s in japan.sources} == {
        "Daily Echo",
        "City Herald",
        "Harbour Post",
        "Pacific Ledger",
    }
    sports = dataclasses.replace(profile, mutes=(Mute("sources", "sports-daily"),))
    assert "s-transfer" not in ids(build(sports))


def test_languages_filter_stories() -> None:
    german = build(Profile(name="p", languages=("de",), min_score=0.0))
    assert ids(german) == ["s-climate"]


def test_top_stories_ignore_follows_and_do_not_repeat_items() -> None:
    profile = dataclasses.replace(
        JAPAN_FAN, follows=Interests(topics=("Ashes",)), top_stories=True, budget=1
    )
    digest = build(profile)
    assert ids(digest) == ["s-cricket"]
    top_ids = [item.id for item in digest.top]
    assert top_ids and "s-cricket" not in top_ids and "s-japan" in top_ids
    assert all(item.top for item in digest.top)
    assert all(len({s.source for s in i.sources if s.original}) >= 3 for i in digest.top)


def test_text_is_analysed_only_for_the_chosen_stories() -> None:
    analyzer = SimpleAnalyzer()
    digest = build(dataclasses.replace(JAPAN_FAN, budget=2), analyzer=analyzer)
    assert analyzer.calls == len(digest.items) == 2


class _Replacing:
    def __init__(self, answer: Sequence[SummarySentence] | None) -> None:
        self.answer = answer
        self.seen: list[int] = []

    def summarize(
        self, view: StoryView, extractive: Sequence[SummarySentence]
    ) -> Sequence[SummarySentence] | None:
        self.seen.append(len(extractive))
        return self.answer


def test_a_summarizer_may_replace_the_summary_or_keep_it() -> None:
    one = view_by_id(load_views(), "s-volcano")
    written = [SummarySentence(text="Lava again near Grindavík.", article="b1")]
    digest = build(JAPAN_FAN, [one], summarizer=_Replacing(written))
    assert [s.text for s in digest.items[0].summary] == ["Lava again near Grindavík."]
    assert digest.items[0].summary[0].url == one.articles[0].url
    keeping = _Replacing(None)
    kept = build(JAPAN_FAN, [one], summarizer=keeping)
    assert len(kept.items[0].summary) == keeping.seen[0] > 1


def test_json_follows_the_cli_contract() -> None:
    digest = build(Profile(name="alice", follows=Interests(topics=("Ashes",)), top_stories=True))
    data = json.loads(json.dumps(digest_to_json(digest)))
    assert data["profile"] == "alice"
    assert data["generated"] == NOW.isoformat()
    assert data["quiet"] is None and data["top"]
    story = data["stories"][0]
    contract = {"id", "headline", "reasons", "summary", "quotes", "figures", "sources"}
    assert contract <= set(story)
    assert {"text", "article"} <= set(story["summary"][0])
    assert set(story["quotes"][0]) == {"text", "speaker", "article"}
    assert {"url", "title", "source", "original"} <= set(story["sources"][0])
    assert set(story["figures"][0]) == {"text", "value", "unit", "counts"}
    assert story["status"] == "new" and story["entities"]


def test_the_default_analyzer_is_an_analyzer_and_the_lead_fallback_works() -> None:
    assert isinstance(default_analyzer(), Analyzer)
    lead = LeadAnalyzer().summarize_articles(
        [("a", ""), ("b", "One thing. Two things! Three?")], n=2
    )
    assert [(s.text, s.article) for s in lead] == [("One thing.", "b"), ("Two things!", "b")]
    digest = build(JAPAN_FAN, analyzer=LeadAnalyzer())
    assert digest.items[0].summary and digest.items[0].quotes == ()


def test_old_stories_fade_below_the_bar() -> None:
    stale = [
        dataclasses.replace(
            v,
            story=dataclasses.replace(v.story, first_seen=None, last_seen=None),
            articles=tuple(
                dataclasses.replace(a, published=a.published - timedelta(days=10))
                for a in v.articles
            ),
        )
        for v in load_views()
    ]
    fresh, old = build(Profile(name="p")), build(Profile(name="p"), stale)
    assert fresh.items and old.items == ()


def test_cards_with_the_real_analyzer_stay_verbatim() -> None:
    pytest.importorskip("occasional.analysis")
    digest = build_digest(JAPAN_FAN, load_views(), now=NOW, memory=Memory())
    articles = {a.id: a for v in load_views() for a in v.articles}
    japan = digest.items[0]
    assert japan.summary and japan.quotes
    assert all(s.text in articles[s.article].text for s in japan.summary)
    assert all(q.text in articles[article].text for q, article in japan.quotes)


def test_a_fingerprint_from_elsewhere_never_brings_a_story_back() -> None:
    memory = Memory({"s-japan": "opaque-fingerprint"})
    assert "s-japan" not in ids(build(JAPAN_FAN, memory=memory))
    assert "s-japan" in ids(build(JAPAN_FAN))


def test_the_summarizer_is_asked_only_about_cards_that_will_be_shown() -> None:
    views = load_views()
    first = build(JAPAN_FAN, views)
    memory = remember(first, build(JAPAN_FAN, views, memory=remember(first)))
    counting = _Replacing(None)
    assert build(JAPAN_FAN, views, memory=memory, summarizer=counting).items == ()
    assert counting.seen == []
    build(JAPAN_FAN, views, summarizer=counting)
    assert len(counting.seen) == len(first.items)


def test_a_muted_feed_url_mutes_its_outlet() -> None:
    profile = Profile(
        name="p", min_score=0.0, budget=20,
        mutes=(Mute("sources", "https://www.sportsdaily.example/"),),
    )  # fmt: skip
    assert "s-transfer" not in ids(build(profile))


def test_the_garbage_collector_is_left_as_it_was() -> None:
    import gc

    assert gc.isenabled()
    build(JAPAN_FAN)
    assert gc.isenabled()
    gc.disable()
    try:
        build(JAPAN_FAN)
        assert not gc.isenabled()
    finally:
        gc.enable()
