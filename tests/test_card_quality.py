"""What a story card shows: whole quotes, figures with what they count, summaries a reader follows.

Each test here failed before the card rules it pins (issue 10's demo digest showed
"meeting by meeting.", "9 p", "3 CLARION study" and a blog's "I have read …").
"""

from __future__ import annotations

from occasional.analysis import find_figures, summarize, summarize_articles
from occasional.digest.cards import card_quotes
from occasional.digest.model import default_analyzer


def _figures(text: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.counts) for f in find_figures(text)]


def test_a_time_of_day_is_never_a_figure() -> None:
    text = "Whitcombe said at a briefing shortly before 9 p.m. She added that one person died."
    assert _figures(text) == []
    assert _figures("The count ends at 11 pm. Results follow at 7 a.m. tomorrow.") == []


def test_a_number_inside_a_name_or_a_list_is_not_a_figure() -> None:
    assert _figures("The approval rests on the Phase 3 CLARION study, a global trial.") == []
    assert _figures("Steps:\n1. Preheat the oven.\n2) Mix the flour.") == []


def test_a_figure_with_a_unit_carries_what_it_measures() -> None:
    text = "The central bank raised its key rate to 4.25% on Thursday."
    assert _figures(text) == [("4.25%", "the key rate")]
    text = "The weather station at Dunmore airfield recorded 41.2C at 3:20 p.m. on Monday."
    assert _figures(text) == [("41.2C", "the temperature at Dunmore airfield")]


def test_card_quotes_are_whole_clauses_and_never_repeat() -> None:
    text = (
        "“We will take it meeting by meeting,” Governor Ana Ruiz said. "
        "Asked about rates, she said the bank would decide “meeting by meeting.” "
        "Police were “making enquiries.” "
        "“Prices are still rising faster than wages, and that hurts,” Ruiz said.\n"
        "“Prices are still rising faster than wages,” she repeated."
    )
    shown = [q.text for q, _ in card_quotes(default_analyzer(), [("a1", text)], 5)]
    assert shown == [
        "We will take it meeting by meeting",
        "Prices are still rising faster than wages, and that hurts",
    ]


def test_summary_leaves_out_a_blogs_first_person() -> None:
    text = (
        "I have read the council report on the new flood barrier three times now.\n"
        "The council approved the new flood barrier on Tuesday after a long debate.\n"
        "The flood barrier will protect about 4,000 homes along the lower river valley.\n"
        "Work on the council's flood barrier starts in the spring and takes two years."
    )
    assert not any(s.text.startswith("I have read") for s in summarize(text, 3))


def test_summary_never_opens_on_a_pronoun_it_cannot_resolve() -> None:
    first = (
        "She promised the valley voters a new bridge before the election on Sunday.\n"
        "Voters in the valley will elect a new mayor on Sunday after a bitter campaign "
        "over the bridge.\n"
        "Turnout in the last valley election was the lowest the valley had seen in decades.\n"
        "The result of the valley election is expected late on Sunday night, officials said."
    )
    chosen = summarize_articles([("a1", first)], n=2)
    assert not any(s.text.startswith("She promised") for s in chosen)


def test_what_a_figure_counts_never_runs_into_the_next_line() -> None:
    assert _figures("Buses now come every 30\nNumber 9 bus returns to the valley") == []


def test_a_card_shows_only_figures_that_say_what_they_count() -> None:
    from occasional.digest.cards import _figures as card_figures

    text = (
        "With all 412 precincts reporting, Osei took 52.4 percent of the vote. "
        "Minor candidates shared the remaining 3.5 percent."
    )
    shown = card_figures(default_analyzer(), [("a1", text)], 5)
    assert "52.4 percent of the vote" in [f.text for f in shown]
    assert "3.5 percent" not in [f.text for f in shown]
    assert all(f.counts for f in shown)


def test_a_figure_after_a_possessive_or_a_change_counts_the_right_thing() -> None:
    assert _figures("Osei took 52.4 percent of the vote to Kerr's 44.1 percent.")[-1] == (
        "44.1 percent",
        "Kerr's share",
    )
    text = (
        "The bank cut its benchmark interest rate by a quarter of a percentage point "
        "to 4.25 percent on Thursday."
    )
    assert _figures(text) == [
        ("a quarter of a percentage point", "cut in the benchmark interest rate"),
        ("4.25 percent", "the benchmark interest rate"),
    ]


def test_card_quotes_leave_out_long_lower_case_pieces() -> None:
    text = (
        "Kerr wished Osei “every success in a job that will test her as it tested me.” "
        "“Tonight Westmark chose to turn the page,” Osei said."
    )
    shown = [q.text for q, _ in card_quotes(default_analyzer(), [("a1", text)], 5)]
    assert shown == ["Tonight Westmark chose to turn the page"]


def test_summary_never_opens_a_main_clause_on_a_pronoun_it_cannot_resolve() -> None:
    text = (
        "Over eleven days, they used a stolen password to download customer records.\n"
        "For 77 minutes at Kingsgate last night, this looked like Stanmore's final.\n"
        "Regulators in three countries have opened inquiries into the payments company.\n"
        "Shares in the firm fell sharply when trading opened on Monday morning."
    )
    chosen = [s.text for s in summarize_articles([("a1", text)], n=4)]
    assert len(chosen) == 2
    assert not any(s.startswith(("Over eleven days", "For 77 minutes")) for s in chosen)


def test_a_pronoun_may_open_a_summary_sentence_when_the_one_before_is_chosen() -> None:
    text = (
        "Hackers stole the customer details of millions of Quillpay payment customers.\n"
        "Over eleven days, they downloaded the customer details of Quillpay customers."
    )
    chosen = [s.text for s in summarize_articles([("a1", text)], n=2)]
    assert chosen[0].startswith("Hackers") and len(chosen) == 2


def test_summary_leaves_out_a_fans_first_person_plural() -> None:
    text = (
        "We waited 41 years for a Redhill cup final win and it was worth it.\n"
        "Redhill won the cup final against Stanmore after extra time on Saturday.\n"
        "Redhill last won the cup final 41 years ago, before most fans were born.\n"
        "“We never stopped believing in the cup,” said the Redhill manager afterwards."
    )
    chosen = [s.text for s in summarize(text, 3)]
    assert not any(s.startswith("We waited") for s in chosen)
    assert any(s.startswith("“We never") for s in chosen)  # a quote's "we" is the speaker's


def test_card_quotes_give_each_speaker_a_turn_before_anyone_speaks_twice() -> None:
    text = (
        "“This is an exceptional event by any historical standard,” said Kwame Asante. "
        "“But it is not exceptional any more in the climate we are creating.” "
        "“We are seeing dehydration and heat exhaustion in our wards,” said Leila Haddad."
    )
    shown = [(q.speaker, q.text[:12]) for q, _ in card_quotes(default_analyzer(), [("a", text)], 2)]
    assert [speaker for speaker, _ in shown] == ["Kwame Asante", "Leila Haddad"]
