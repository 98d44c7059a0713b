"""find_quotes: which quoted passages are quotes, and who said them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.analysis import find_quotes


def _pairs(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in find_quotes(text)]


def test_speaker_after_with_curly_quotes_and_split_quote() -> None:
    text = "“We will rebuild,” said Maria Lopez, the mayor. “And we will do it fast.”"
    assert _pairs(text) == [
        ("We will rebuild", "Maria Lopez"),
        ("And we will do it fast.", "Maria Lopez"),
    ]


def test_speaker_before_with_colon_and_title_stripped() -> None:
    text = 'Prime Minister Fumio Kishida told reporters: "This is a turning point."'
    assert _pairs(text) == [("This is a turning point.", "Fumio Kishida")]


def test_surname_and_honorific_resolve_to_full_first_mention() -> None:
    text = (
        "Chancellor Rachel Hughes presented the budget.\n"
        "“It is a plan, not a gamble,” Ms Hughes said.\n"
        "“We have checked every number,” Hughes added."
    )
    assert [s for _, s in _pairs(text)] == ["Rachel Hughes", "Rachel Hughes"]


def test_pronoun_resolves_to_the_last_person_who_spoke() -> None:
    text = (
        "Her manager, Chris Daley, said Lila Monroe had been ill for weeks. "
        "“She didn’t want to let anyone down,” he said."
    )
    assert _pairs(text) == [("She didn’t want to let anyone down", "Chris Daley")]


def test_role_resolves_to_the_named_holder() -> None:
    text = (
        "Health Minister Sofia Andersson ordered a recall. Pharmacist Ahmed Karim agreed.\n"
        "“The risk is low, but we do not take chances,” the minister said."
    )
    assert _pairs(text) == [("The risk is low, but we do not take chances", "Sofia Andersson")]


def test_a_document_is_the_speaker_as_the_article_writes_it() -> None:
    text = (
        "The Ministry of Health on Friday ordered a recall of a children's syrup.\n"
        "The statement read: “Parents should return the affected bottles to the pharmacy.”"
    )
    assert _pairs(text) == [
        ("Parents should return the affected bottles to the pharmacy.", "The statement")
    ]


def test_the_bank_resolves_to_the_bank_named_before() -> None:
    text = (
        "The European Central Bank held rates on Thursday.\n“Inflation is falling,” the bank said."
    )
    assert _pairs(text) == [("Inflation is falling", "European Central Bank")]


def test_attributed_partial_quote_counts_even_when_short() -> None:
    text = "Opposition leader Simon Grant called the affair “the tip of the iceberg.”"
    assert _pairs(text) == [("the tip of the iceberg.", "Simon Grant")]
    assert _pairs("Analyst Bo Lind said the firm had looked at “dozens” of rivals.") == [
        ("dozens", "Bo Lind")
    ]


def test_scare_quotes_and_terms_are_not_quotes() -> None:
    text = (
        "Critics questioned the talk of “extended deterrence” in the region. "
        'The so-called "Magnificent Seven" fell, as did "quantitative tightening" bets. '
        "Pupils know that “2+2” makes four. Experts doubt the so-called “lithium killer” claims."
    )
    assert find_quotes(text) == []


def test_titles_of_works_are_not_quotes_even_near_a_speech_verb() -> None:
    text = (
        "Cole, who last year directed “The Glass Menagerie” at the same theatre, said she "
        'was ready. The exhibition, titled "Open Pages: 150 Years of Reading", runs on.'
    )
    assert find_quotes(text) == []


def test_quote_spanning_paragraphs_continues_to_its_closing_mark() -> None:
    text = (
        "Spokesperson Lena Fischer said crews worked all night.\n\n"
        "“The next twelve hours are critical.\n\n"
        "“We ask everyone to follow the instructions,” Fischer said."
    )
    (quote,) = find_quotes(text)
    assert quote.speaker == "Lena Fischer"
    assert quote.text.startswith("The next twelve hours")
    assert quote.text.endswith("follow the instructions")
    assert text[quote.start : quote.end] == quote.text


def test_guillemets_and_german_marks() -> None:
    text = (
        "«We lost a vote, not the argument,» union leader Pierre Dubois said.\n"
        "„Wir müssen handeln, bevor es zu spät ist“, chief executive Klaus Brenner said."
    )
    assert _pairs(text) == [
        ("We lost a vote, not the argument", "Pierre Dubois"),
        ("Wir müssen handeln, bevor es zu spät ist", "Klaus Brenner"),
    ]


def test_single_quotes_and_apostrophes() -> None:
    text = (
        "Greenpeace campaigner Tom Ashworth said: 'Governments keep promising and the "
        "farmers' patience is running out.' It's Iceland's turn."
    )
    (quote,) = find_quotes(text)
    assert quote.speaker == "Tom Ashworth"
    assert quote.text.startswith("Governments keep promising")


def test_nested_quote_stays_inside_its_quote() -> None:
    text = "He told reporters: “When the chancellor says ‘trust me’, check your wallet.”"
    assert [q.text for q in find_quotes(text)] == [
        "When the chancellor says ‘trust me’, check your wallet."
    ]


def test_unattributed_long_quote_continues_the_previous_speaker() -> None:
    text = (
        "“We are fighting on three fronts,” fire chief Roberto Alvarez said.\n"
        "He said crews had arrived overnight. “We will not stop until it is out.”"
    )
    assert [s for _, s in _pairs(text)] == ["Roberto Alvarez", "Roberto Alvarez"]


def test_a_description_with_no_name_is_the_speaker() -> None:
    text = "“This will take years to repair and nobody knows who will pay,” a witness said."
    assert _pairs(text) == [
        ("This will take years to repair and nobody knows who will pay", "a witness")
    ]
    text = "“We are reviewing the footage,” a spokeswoman for the company said."
    assert _pairs(text) == [("We are reviewing the footage", "a spokeswoman for the company")]


def test_no_cue_verb_and_no_one_named_means_no_speaker() -> None:
    assert _pairs("Nothing more. “This will take years to repair and nobody knows.”") == [
        ("This will take years to repair and nobody knows.", None)
    ]


def test_the_subject_of_the_verb_wins_over_the_nearest_name() -> None:
    text = (
        "Senator Ruth Alvarez praised the plan on Monday. "
        "“Markets will not like this at all,” Goldman strategist Peter Lund said."
    )
    assert _pairs(text) == [("Markets will not like this at all", "Peter Lund")]
    (quote,) = find_quotes(text)
    assert quote.role == "Goldman strategist"


def test_apposition_gives_the_role_and_name_boundaries_hold() -> None:
    text = (
        "“It’s complicated,” said Sen. Maria Cantwell of Washington, who is open to reform.\n"
        "“We have to be ready,” Huma Abedin, a longtime Clinton aide, said."
    )
    pairs = _pairs(text)
    assert pairs == [("It’s complicated", "Maria Cantwell"), ("We have to be ready", "Huma Abedin")]
    assert find_quotes(text)[1].role == "a longtime Clinton aide"


def test_a_pronoun_skips_a_person_of_the_other_gender() -> None:
    text = (
        "Hillary Clinton attacked Donald Trump on Monday.\n"
        "“He is not fit to be president,” she said."
    )
    assert _pairs(text) == [("He is not fit to be president", "Hillary Clinton")]


def test_a_later_mr_expands_to_the_full_name() -> None:
    text = "Donald J. Trump spoke in Ohio.\n“We will win,” Mr. Trump said."
    assert _pairs(text) == [("We will win", "Donald J. Trump")]


def test_dates_are_not_speakers() -> None:
    text = "Last November the plan was “a disaster in the making,” according to critics."
    assert [s for _, s in _pairs(text)] == ["critics"]
    text = "Last November said nothing. “It was a disaster in the making,” he wrote."
    assert "Last November" not in [s for _, s in _pairs(text)]


def test_participle_gives_the_quote_to_the_sentence_subject() -> None:
    text = "Speaking in Salem, New Hampshire, Trump went after Bush, calling him “a total stiff.”"
    assert _pairs(text) == [("a total stiff.", "Trump")]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab C.,:;!?\"“”„«»‘’'\n said He")), max_size=120))
def test_quotes_are_always_verbatim(text: str) -> None:
    for quote in find_quotes(text):
        assert text[quote.start : quote.end] == quote.text
        assert quote.text


def test_according_to_attributes_the_quote() -> None:
    text = "“Systems will be back by Tuesday morning,” according to Mark Jensen, the COO."
    assert _pairs(text) == [("Systems will be back by Tuesday morning", "Mark Jensen")]
