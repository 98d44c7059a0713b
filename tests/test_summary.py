"""summarize and summarize_articles: verbatim, lead-aware, not redundant."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.analysis import summarize, summarize_articles

ARTICLES = Path(__file__).parent / "fixtures" / "quotes"

FLOOD_A = (
    "Heavy rain flooded the lower valley on Saturday, forcing thousands of residents to leave.\n"
    "The River Adler rose to a record level of 6.2 metres at the Neustadt gauge.\n"
    "Emergency crews evacuated around 3,000 people from homes near the river.\n"
    "A local bakery handed out free bread to volunteers filling sandbags."
)
FLOOD_B = (
    "Thousands of residents left their homes on Saturday after heavy rain flooded the valley.\n"
    "Around 3,000 people were evacuated by emergency crews from homes near the river.\n"
    "Forecasters expect the rain to ease by Monday, but the dykes remain under strain.\n"
    "Insurers said the damage could run into hundreds of millions of euros."
)


def test_summary_sentences_are_verbatim_and_in_text_order() -> None:
    text = (ARTICLES / "09.txt").read_text("utf-8")
    summary = summarize(text, n=3)
    assert len(summary) == 3
    for sentence in summary:
        assert text[sentence.start : sentence.end] == sentence.text
    assert [s.start for s in summary] == sorted(s.start for s in summary)


def test_summary_skips_the_headline_and_keeps_the_lead() -> None:
    text = (ARTICLES / "03.txt").read_text("utf-8")
    headline = text.splitlines()[0]
    summary = summarize(text, n=2)
    assert headline not in [s.text for s in summary]
    assert summary[0].text.startswith("The European Central Bank left its main interest rate")


def test_summary_of_short_text_returns_what_there_is() -> None:
    assert summarize("", n=3) == []
    text = "The council approved the new cycle lanes on Monday night."
    assert [s.text for s in summarize(text, n=3)] == [text]


def test_story_summary_drops_the_sentence_two_outlets_both_wrote() -> None:
    summary = summarize_articles([("a", FLOOD_A), ("b", FLOOD_B)], n=4)
    texts = [s.text for s in summary]
    assert 3 <= len(summary) <= 4
    evacuated = [t for t in texts if "3,000 people" in t or "around 3,000" in t.lower()]
    assert len(evacuated) <= 1
    leaving = [t for t in texts if "left" in t or "leave" in t]
    assert len(leaving) <= 1
    for sentence in summary:
        source = FLOOD_A if sentence.article == "a" else FLOOD_B
        assert sentence.text in source


def test_story_summary_draws_on_more_than_one_article() -> None:
    summary = summarize_articles([("a", FLOOD_A), ("b", FLOOD_B)], n=4)
    assert {s.article for s in summary} == {"a", "b"}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(FLOOD_A.splitlines() + FLOOD_B.splitlines()), max_size=8))
def test_summaries_are_verbatim(lines: list[str]) -> None:
    text = "\n".join(lines)
    for sentence in summarize(text, n=3):
        assert text[sentence.start : sentence.end] == sentence.text
    for item in summarize_articles([("x", text)], n=3):
        assert item.text in text
