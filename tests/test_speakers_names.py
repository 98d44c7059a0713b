"""Who a speaker is: names read right, and pronouns resolved to the right earlier person.

Each test pins a general rule (issue 10): a headline's capitals make no
person, a title with a full stop or a party word is no part of a name,
"the X Y" is a title, a word cut in half is no honorific, "I" and "you"
stand for no one, and a sentence that starts inside a quote is no narrator's.
The sentences are made up for these tests.
"""

from __future__ import annotations

from occasional.analysis import analyze, find_quotes
from occasional.analysis.names import scan_names


def _speakers(text: str) -> list[str | None]:
    return [q.speaker for q in find_quotes(text)]


def _people(text: str) -> list[str]:
    return [m.name for m in scan_names(text).mentions if m.label == "PERSON"]


def test_a_title_case_headline_names_no_person() -> None:
    text = "Mayor Fires Back at Critics Over Harbour Plan.\n\nNora Lindqvist spoke on Monday."
    assert _people(text) == ["Nora Lindqvist"]


def test_a_capitalised_function_word_cuts_a_run() -> None:
    text = "Critics gave a Sharp Response To Lindqvist, who spoke for an hour on the plan."
    assert "Sharp Response To Lindqvist" not in _people(text)


def test_a_title_before_a_full_stop_is_no_name() -> None:
    text = "Former Ohio Gov. Jan Brewerton said the plan was “dead on arrival.”"
    assert _speakers(text) == ["Jan Brewerton"]


def test_a_party_word_is_a_role_not_part_of_the_name() -> None:
    text = "Republican Dana Whitfield said the bill was “a gift to lobbyists.”"
    assert _speakers(text) == ["Dana Whitfield"]
    assert _people("The Republican National Committee met.") == []


def test_a_name_after_the_is_a_title_and_an_outlet_is_no_person() -> None:
    text = (
        "She wrote for the Harbour Informer that the port was closing, and the Metro Wire agreed."
    )
    labels = {e.text: e.label for e in analyze(text, speakers="rules").entities}
    assert labels.get("Harbour Informer") != "PERSON"
    assert labels.get("Metro Wire") != "PERSON"


def test_a_possessive_pronoun_source_resolves() -> None:
    text = "Oskar Brandt spoke in Leeds. His poll numbers rose after his call for “a total freeze.”"
    assert _speakers(text) == ["Oskar Brandt"]


def test_a_sentence_inside_a_quote_is_no_source() -> None:
    text = (
        "Voters asked Senator Greta Holm about the port.\n\n"
        "“What a question. Wow. I tell you, that is a great idea,” she replied."
    )
    assert _speakers(text) == ["Greta Holm"]


def test_a_word_ending_in_an_honorific_does_not_gender_a_name() -> None:
    # "asking" ends in "king": Greta Holm is not thereby a man.
    text = (
        "Groups are asking Greta Holm to step back.\n\n"
        "On Tuesday, Holm answered them. “We will not retreat,” she said."
    )
    assert _speakers(text) == ["Greta Holm"]


def test_the_writer_is_no_antecedent() -> None:
    text = (
        "I told Paul Vance later that month that his remark had spread.\n\n"
        "“I have ruined your reputation, huh?” he responded."
    )
    assert _speakers(text) == ["Paul Vance"]


def test_a_lone_first_name_is_a_person() -> None:
    text = (
        "The woman was a 52-year-old resident named Sheila.\n\n"
        "“It just came out of my mouth,” she said."
    )
    assert _speakers(text) == ["Sheila"]


def test_a_surname_written_first_resolves_to_the_full_name() -> None:
    text = (
        "The U.N. chief, Ban Ki-moon, opened the talks.\n\n"
        "It was a triumph for Ban.\n\n"
        "“I am grateful to all the parties,” he said."
    )
    assert _speakers(text) == ["Ban Ki-moon"]


def test_the_subject_named_in_full_beats_an_object_of_known_gender() -> None:
    text = (
        "Mayor Marty Walsh backed her. Walsh had close ties to Vice President Joe Biden. "
        "But on Sunday he gave Clinton his endorsement.\n\n"
        "“We need someone who is battle tested,” he said."
    )
    assert _speakers(text) == ["Marty Walsh"]


def test_a_name_inside_anothers_role_is_not_the_subject() -> None:
    # "Harbour Rangers" reads as a person by its capitals; here it only says whose manager she is.
    text = (
        "Harbour Rangers won the final on Sunday.\n\n"
        "Harbour Rangers manager Tessa Moorcroft, who joined in May, became the first coach"
        " to win it.\n\n"
        "“These players never give up on anything,” she said."
    )
    assert _speakers(text) == ["Tessa Moorcroft"]


def test_a_name_after_a_described_source_is_the_speaker() -> None:
    text = "“You cannot treat what you cannot diagnose,” said its chief executive, Wendy Marlowe."
    quote = find_quotes(text)[0]
    assert (quote.speaker, quote.role) == ("Wendy Marlowe", "its chief executive")


def test_a_list_after_a_named_source_keeps_the_first_name() -> None:
    text = "“We start on Monday,” said Ada Brennick, a spokeswoman for the council."
    quote = find_quotes(text)[0]
    assert (quote.speaker, quote.role) == ("Ada Brennick", "a spokeswoman for the council")
