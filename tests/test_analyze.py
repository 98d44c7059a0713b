"""analyze, split_sentences and find_entities: the stage as a whole."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.analysis import (
    analysis_to_json,
    analyze,
    find_entities,
    split_sentences,
)
from occasional.exceptions import ConfigError

ARTICLES = Path(__file__).parent / "fixtures" / "quotes"


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_sentences_survive_abbreviations_initials_and_decimals() -> None:
    text = (
        "Mr. Smith met Dr. J. K. Rowling on Jan. 5 at No. 10 Downing Street. "
        "Growth was 3.5 per cent in the U.S. The talks ended at 4 p.m. sharp."
    )
    assert _texts(text) == [
        "Mr. Smith met Dr. J. K. Rowling on Jan. 5 at No. 10 Downing Street.",
        "Growth was 3.5 per cent in the U.S.",
        "The talks ended at 4 p.m. sharp.",
    ]


def test_sentences_end_after_closing_quotes_ellipses_and_paragraphs() -> None:
    text = 'He said it was "over." Then he left... Nobody knew why.\n\nA new paragraph'
    assert _texts(text) == [
        'He said it was "over."',
        "Then he left...",
        "Nobody knew why.",
        "A new paragraph",
    ]
    assert _texts("“Why?” she asked. “Because.”") == ["“Why?” she asked.", "“Because.”"]


def test_sentence_offsets_index_the_text() -> None:
    text = (ARTICLES / "05.txt").read_text("utf-8")
    for span in split_sentences(text):
        assert text[span.start : span.end] == span.text


def test_entities_labels_full_names_and_no_sentence_openers() -> None:
    text = (
        "TOKYO — Prime Minister Fumio Kishida met officials from the European Central Bank "
        "in Tokyo on Tuesday. Kishida later flew to Germany. Critics were unimpressed."
    )
    entities = {(e.text, e.label) for e in find_entities(text)}
    assert ("Fumio Kishida", "PERSON") in entities
    assert ("European Central Bank", "ORG") in entities
    assert ("Tokyo", "GPE") in entities
    assert ("Germany", "GPE") in entities
    names = [e.text for e in find_entities(text)]
    assert "Kishida" not in names
    assert "Critics" not in names
    assert "TOKYO" not in names
    assert len(names) == len(set(names))


def test_unknown_entity_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown entity backend"):
        find_entities("Anything", backend="nope")


@pytest.mark.skipif(importlib.util.find_spec("spacy") is None, reason="spaCy is not installed")
def test_spacy_backend_when_installed() -> None:
    try:
        entities = find_entities("Angela Merkel visited Paris.", backend="spacy")
    except ConfigError:
        pytest.skip("spaCy is installed but its English model is not")
    assert any(e.label == "PERSON" for e in entities)


def test_spacy_backend_missing_says_how_to_install() -> None:
    if importlib.util.find_spec("spacy") is not None:
        pytest.skip("spaCy is installed")
    with pytest.raises(ConfigError, match="occasional\\[nlp\\]"):
        find_entities("Angela Merkel visited Paris.", backend="spacy")


def test_analyze_combines_every_part_and_serialises_to_the_cli_shape() -> None:
    text = (ARTICLES / "01.txt").read_text("utf-8")
    result = analyze(text)
    assert len(result.summary) == 3
    assert any(q.speaker == "Lloyd Austin" for q in result.quotes)
    assert any(f.value == 54000 for f in result.figures)
    assert any(e.text == "Fumio Kishida" for e in result.entities)
    data = json.loads(json.dumps(analysis_to_json(result)))
    assert set(data) == {"summary", "quotes", "figures", "entities"}
    for quote in data["quotes"]:
        assert text[quote["start"] : quote["end"]] == quote["text"]
    for sentence in data["summary"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    assert set(data["figures"][0]) == {"text", "value", "unit", "counts"}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_analyze_never_raises_and_stays_verbatim(text: str) -> None:
    result = analyze(text)
    for span in (*result.summary, *result.quotes, *result.figures):
        assert text[span.start : span.end] == span.text


def test_analyze_passes_other_entity_backends_through() -> None:
    with pytest.raises(ConfigError, match="unknown entity backend"):
        analyze("Maria Lopez spoke.", entity_backend="nope")


def test_entities_titles_nationalities_and_descriptors() -> None:
    text = (
        "Flixa added “Some Like It Hot” to its catalogue. South Korean chipmaker "
        "Hanjin Semiconductor said Hanjin would grow. Results appeared in the journal "
        "Nature Astronomy."
    )
    entities = {e.text: e.label for e in find_entities(text)}
    assert entities["Some Like It Hot"] == "MISC"
    assert "Like It Hot" not in entities
    assert entities["South Korean"] == "MISC"
    assert entities["Hanjin Semiconductor"] == "ORG"
    assert "Hanjin" not in entities
    assert entities["Nature Astronomy"] == "ORG"


def test_huge_text_is_read_only_up_to_the_cap() -> None:
    from occasional.analysis import MAX_CHARS

    quote = "“We will rebuild every home in this valley,” Mayor Ana Ruiz said.\n"
    text = quote * (MAX_CHARS // len(quote) + 50)
    started = time.perf_counter()
    result = analyze(text)
    assert time.perf_counter() - started < 10
    assert result.quotes
    assert all(q.end <= MAX_CHARS for q in result.quotes)
    assert all(text[q.start : q.end] == q.text for q in result.quotes)
