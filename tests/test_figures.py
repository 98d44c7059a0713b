"""find_figures: numbers with their unit and what they count, and what is left out."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.analysis import find_figures
from occasional.types import Figure


def _one(text: str) -> Figure:
    (figure,) = find_figures(text)
    assert text[figure.start : figure.end] == figure.text
    return figure


def test_count_of_people_in_a_place() -> None:
    figure = _one("Around 54,000 US military personnel in Japan are stationed there.")
    assert (figure.value, figure.unit) == (54000, None)
    assert figure.counts == "US military personnel in Japan"
    assert figure.text == "54,000 US military personnel in Japan"


@pytest.mark.parametrize(
    ("text", "value", "unit", "counts"),
    [
        ("Spending will rise to 2 percent of GDP by 2027.", 2, "percent", "of GDP"),
        ("Spending will rise to 2 per cent of GDP.", 2, "percent", "of GDP"),
        ("The startup raised $1.2 billion on Monday.", 1.2e9, "USD", "raised by the startup"),
        ("The club paid €300m for him.", 3e8, "EUR", None),
        ("Fees are £18.", 18, "GBP", "Fees"),
        ("The prize is C$25,000 this year.", 25000, "CAD", "the prize"),
        ("Inflation hit 3.5% in March.", 3.5, "percent", "Inflation"),
        ("Some 12 million people were affected.", 12e6, None, "people"),
        ("The river rose to 6.2 metres overnight.", 6.2, "m", "the river"),
        (
            "They built 12 kilometres of protected cycle lanes.",
            12,
            "km",
            "of protected cycle lanes",
        ),
        ("Warming must stay below 1.5C this century.", 1.5, "°C", "Warming"),
        (
            "It sold 400,000 units of the original headset.",
            4e5,
            None,
            "units of the original headset",
        ),
    ],
)
def test_values_units_and_counts(text: str, value: float, unit: str | None, counts: str) -> None:
    figure = _one(text)
    assert math.isclose(figure.value, value)
    assert figure.unit == unit
    assert figure.counts == counts


def test_range_is_one_figure_at_its_low_end() -> None:
    figure = _one("Between 3,000 and 4,000 homes were flooded.")
    assert figure.value == 3000
    assert figure.text == "Between 3,000 and 4,000 homes"
    assert _one("Prices rose 3-5% last year.").value == 3


def test_fraction_words() -> None:
    figure = _one("Two-thirds of voters backed the plan.")
    assert math.isclose(figure.value, 2 / 3)
    assert figure.counts == "of voters"


@pytest.mark.parametrize(
    "text",
    [
        "The bridge opened in 1911 and closed in 2024.",
        "The final is on 25 May in the capital.",
        "It is due on May 25 at the latest.",
        "Doors open at 4:30 and close at 10pm.",
        "He scored in the 89th minute.",
        "See page 12 for details.",
        "Call 0800 123 4567 or +44 20 7946 0958 now.",
        "Quote reference 0412 when you call.",
        "United beat City 2-1 and the council voted 7–4.",
        "The 27-year-old won again.",
    ],
)
def test_years_dates_times_ordinals_pages_phones_scores_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-%$€£abm of people\n")), max_size=80))
def test_figures_are_always_verbatim(text: str) -> None:
    for figure in find_figures(text):
        assert text[figure.start : figure.end] == figure.text
        assert figure.value >= 0


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Shares in Quillpay fell 7.2 percent in early trading.", "fall in Quillpay"),
        ("Quillpay's share price fell by 7.2 percent on Monday.", "fall in Quillpay's share price"),
        ("Annual inflation has fallen to 2.4 percent.", "Annual inflation"),
        (
            "The drug slowed clinical decline by 27 percent in the trial.",
            "slowing of clinical decline",
        ),
        (
            "Economists put the cost of a full shutdown at $2.1 billion a day.",
            "the cost of a full shutdown",
        ),
        ("Its share of the vote rose to 63 percent.", "the share of the vote"),
        ("The stock closed down 7.2 percent, its worst day.", "fall in the stock"),
        (
            "Consumer prices rose 2.4 percent, and consumer groups worried.",
            "rise in consumer prices",
        ),
        (
            "A fund for the families had raised more than $160,000.",
            "raised by a fund for the families",
        ),
        ("He faces a $250,000 fine and a ban.", None),
        ("Beijing agreed to buy $20 billion in American farm products.", None),
    ],
)
def test_what_a_figure_measures_comes_from_its_sentence(text: str, shown: str | None) -> None:
    figure = _one(text)
    if shown is None:  # what it counts follows it, and is part of its text
        assert figure.counts and figure.counts in figure.text
    else:
        assert figure.counts == shown


@pytest.mark.parametrize(
    "text",
    [
        "Bianchi curled the free kick over the wall from 25 yards.",  # a measure, what of?
        "Provisional readings above 40C were also recorded elsewhere.",  # a threshold
        "It was close to $2,000 at the time.",  # "it": nothing to name
        "My people had $20 billion done, he said.",
        "The rate was cut to 4.25 percent from 4.5 percent.",  # 4.5: a level left behind
        "The team won by 3 points on Sunday.",  # by how much, but of what?
        "Pollution reached 50 times the level deemed safe.",
    ],
)
def test_a_figure_whose_sentence_does_not_say_what_it_measures_has_no_label(text: str) -> None:
    assert all(f.counts is None for f in find_figures(text) if f.start > 0)
    assert not [
        f for f in find_figures(text) if f.text in {"25 yards", "40C", "$160,000"} and f.counts
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Veltrimab slowed decline by 27 percent over 18 months.",
        "The report called for work within 12 months of the inspection.",
        "The bridge was inspected 10 years ago by the council.",
        "Apple plans a new laptop in the first half of 2020, sources said.",
        "Locksley found group 2 innate lymphoid cells in the gut.",
        "It will launch on an SLS Block 1B rocket.",
        "The 5500M chipset runs hot, and so does the 802.11ax radio.",
        "The game runs at 30fps on a 4K screen.",
        "24 Ty Dillon 613 0 0 1\n25 Daniel Hemric 530 0 1 1",
        "5 Tips to Enjoy Game Day Parties:",
    ],
)
def test_time_frames_names_models_and_tables_are_not_figures(text: str) -> None:
    assert [f.text for f in find_figures(text) if f.text != "27 percent"] == []
