"""Extraction: golden page pairs, the registry, parsing, metadata and cleanup."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.exceptions import ConfigError, ExtractionError
from occasional.extract import (
    DEFAULT_EXTRACTOR,
    Extractor,
    extract_page,
    extractor_names,
    get_extractor,
    register_extractor,
)
from occasional.extract.cleanup import strip_wrapper_lines, tidy_text
from occasional.extract.dates import parse_date
from occasional.extract.language import guess_language, normalise_language
from occasional.extract.parse import MAX_HTML_BYTES, parse_html
from occasional.types import ExtractedPage

PAGES = Path(__file__).parent / "fixtures" / "pages"
GOLDEN = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))
ARTICLE = (
    "<html><head><title>t</title></head><body><article><h1>Heading</h1>"
    + "".join(
        f"<p>Paragraph {i} of a plain article about the harbour strike, long enough to count "
        f"as running text for any extractor that looks at it closely.</p>"
        for i in range(6)
    )
    + "</article></body></html>"
)


def _expected(name: str) -> dict[str, object]:
    return json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))


def _as_json(page: ExtractedPage) -> dict[str, object]:
    data = dataclasses.asdict(page)
    for key in ("published", "updated"):
        data[key] = data[key].isoformat() if data[key] else None
    data["authors"] = list(page.authors)
    data["source_links"] = list(page.source_links)
    return data


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_page(name: str) -> None:
    expected = _expected(name)
    html = (PAGES / f"{name}.html").read_bytes()
    url = str(expected.pop("url"))
    if expected.get("error") == "ExtractionError":
        with pytest.raises(ExtractionError, match="no article text"):
            extract_page(html, url)
        return
    assert _as_json(extract_page(html, url)) == expected


@pytest.mark.parametrize("extractor", ["auto", "trafilatura", "readability"])
def test_every_extractor_finds_the_body_and_drops_boilerplate(extractor: str) -> None:
    html = (PAGES / "news.html").read_bytes()
    page = extract_page(html, "https://www.coastalherald.example/n.html", extractor=extractor)
    assert "first full stoppage at the harbour in nineteen years" in page.text
    assert "pre-Christmas season" in page.text
    for boilerplate in ("Solidarity with the dockers", "Record quarterly", "cookies", "Sign up"):
        assert boilerplate.lower() not in page.text.lower()
    # readability keeps an inline ad inside the body; trafilatura drops it.
    assert ("Save 40%" in page.text) == (extractor == "readability")


@pytest.mark.parametrize("extractor", ["auto", "trafilatura", "readability"])
def test_every_extractor_strips_aggregator_wrapper(extractor: str) -> None:
    html = (PAGES / "aggregator.html").read_bytes()
    page = extract_page(html, "http://127.0.0.1:8107/a/", extractor=extractor)
    assert page.text.startswith("Container traffic at Port Alden")
    assert page.text.endswith("anchored offshore by midday.")
    assert page.source_links == ("http://127.0.0.1:8101/news/2024/11/02/harbour-strike.html",)


def test_registry_defaults_and_errors() -> None:
    assert DEFAULT_EXTRACTOR == "trafilatura"
    assert get_extractor().name == "trafilatura"
    assert {"auto", "trafilatura", "readability"} <= set(extractor_names())
    assert isinstance(get_extractor("auto"), Extractor)
    with pytest.raises(ConfigError, match=r"unknown extractor 'nope'.*auto"):
        get_extractor("nope")
    with pytest.raises(ConfigError, match="already registered"):
        register_extractor(get_extractor("readability"))


def test_registered_plugin_is_used_by_extract_page() -> None:
    class Upper:
        name = "test-upper"

        def extract(self, html: str | bytes, url: str | None = None) -> ExtractedPage:
            text = html.decode() if isinstance(html, bytes) else html
            return ExtractedPage(text=text.upper())

    register_extractor(Upper(), replace=True)
    assert extract_page("abc", extractor="test-upper").text == "ABC"


@pytest.mark.parametrize("html", ["", "   ", b""])
def test_empty_page_is_an_extraction_error(html: str | bytes) -> None:
    with pytest.raises(ExtractionError, match="empty"):
        extract_page(html)


def test_oversized_page_is_refused_before_parsing() -> None:
    with pytest.raises(ExtractionError, match="extraction limit"):
        parse_html(b"<p>" + b"x" * MAX_HTML_BYTES)


def test_bytes_are_decoded_as_the_page_declares() -> None:
    body = ARTICLE.replace("Heading", "Caf\u00e9 cr\u00e8me").replace(
        "<title>", '<meta charset="iso-8859-1"><title>'
    )
    page = extract_page(body.encode("cp1252"), "https://example.org/a")
    assert "Café crème" in page.text


def test_xml_declaration_in_a_str_is_accepted() -> None:
    page = extract_page('<?xml version="1.0" encoding="iso-8859-1"?>' + ARTICLE)
    assert "Paragraph 5 of a plain article" in page.text


def test_language_is_guessed_when_undeclared() -> None:
    page = extract_page(ARTICLE)
    assert page.language == "en"
    assert page.published is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-11-02T06:30:00+01:00", datetime(2024, 11, 2, 5, 30, tzinfo=UTC)),
        ("2024-11-02T06:30:00.123Z", datetime(2024, 11, 2, 6, 30, 0, 123000, tzinfo=UTC)),
        ("2024-11-02T06:30:00+0100", datetime(2024, 11, 2, 5, 30, tzinfo=UTC)),
        ("2024-11-02", datetime(2024, 11, 2, tzinfo=UTC)),
        ("Sat, 02 Nov 2024 06:30:00 GMT", datetime(2024, 11, 2, 6, 30, tzinfo=UTC)),
        ("1970-01-01", None),
        ("yesterday", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_parse_date_rejects_the_future() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_date("2024-03-01T00:00:00Z", now) is None
    assert parse_date("2023-12-31T00:00:00Z", now) is not None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("en-GB", "en"), ("pt_BR", "pt"), ("DE", "de"), ("", None), ("x!", None)],
)
def test_normalise_language(value: str, expected: str | None) -> None:
    assert normalise_language(value) == expected


def test_guess_language_tells_common_languages_apart() -> None:
    assert (
        guess_language("Der Hafen ist seit Samstag geschlossen und die Arbeiter sind nicht da")
        == "de"
    )
    assert (
        guess_language("Le port est fermé depuis samedi et les dockers sont dans la rue pour")
        == "fr"
    )
    assert guess_language("1234 5678") is None


def test_strip_wrapper_lines_removes_aggregator_header_and_source_line() -> None:
    text = "Sat. Nov 2nd, 2024\nMorning Digest - a story for you\nBody one.\nBody two.\nSource link"
    assert strip_wrapper_lines(text, "Morning Digest") == "Body one.\nBody two."


def test_strip_wrapper_lines_keeps_real_sentences() -> None:
    text = "Morning Digest readers asked us about the strike.\nBody.\nSource: Reuters"
    assert strip_wrapper_lines(text, "Morning Digest") == text
    assert strip_wrapper_lines("November 2, 2024\nBody.") == "Body."
    assert strip_wrapper_lines("Only line") == "Only line"


def test_tidy_text_drops_repeated_headline_and_promo_lines() -> None:
    text = (
        "Port strike enters its third day\n"
        "Dockers stayed out on Monday.\n"
        "READ MORE: Port pay talks resume\n"
        "Tags are cheap, the union said, but wages are not.\n"
        "Like this story? Share it with a friend!\n"
        "12 comments"
    )
    tidy = tidy_text(text, title="Port strike enters its third day | The Herald")
    assert (
        tidy == "Dockers stayed out on Monday.\nTags are cheap, the union said, but wages are not."
    )


def test_tidy_text_keeps_a_first_line_that_only_resembles_the_title() -> None:
    text = "Live\nThe port reopened at noon."
    assert tidy_text(text, title="Live: port strike updates") == text


def test_jsonld_article_is_found_in_arrays_and_typed_fallbacks() -> None:
    from occasional.extract.jsonld import find_article, names_of, url_of

    blocks = [
        "not json",
        '[{"@type": "BreadcrumbList"}, {"@type": ["Thing", "http://schema.org/BlogPosting"],'
        ' "headline": "H", "author": ["Ann Lee", {"name": "Bo Chan"}, 7]}]',
    ]
    article = find_article(blocks)
    assert article is not None and article["headline"] == "H"
    assert names_of(article["author"]) == ["Ann Lee", "Bo Chan"]
    assert find_article(['{"@type": "WebPage", "headline": "Page"}']) == {
        "@type": "WebPage",
        "headline": "Page",
    }
    assert find_article(['{"@type": "WebSite"}']) is None
    assert url_of([{"contentUrl": "https://i.example/a.jpg"}]) == "https://i.example/a.jpg"
    assert url_of(42) is None and url_of([]) is None


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        st.lists(
            st.sampled_from(["<p>", "</p>", "<a href='//x.example/'>", "Source", "<div>"])
        ).map("".join),
    )
)
def test_extract_page_raises_only_extraction_error(html: str | bytes) -> None:
    try:
        page = extract_page(html, "https://example.org/a")
    except ExtractionError:
        return
    assert page.text.strip()


@pytest.mark.parametrize("html", ["<META", "\x01", "<p>\x01\x7f</p>", "<html></html>"])
@pytest.mark.parametrize("extractor", ["auto", "readability"])
def test_degenerate_pages_raise_extraction_error(html: str, extractor: str) -> None:
    with pytest.raises(ExtractionError):
        extract_page(html, extractor=extractor)


def test_control_characters_never_reach_the_text() -> None:
    page = extract_page(ARTICLE.replace("Paragraph 3", "Para\x01graph\x0b 3"))
    assert "Paragraph 3 of a plain article" in page.text
    assert not any(ord(char) < 32 and char != "\n" for char in page.text)


def test_deeply_nested_and_entity_laden_pages_are_safe() -> None:
    nested = "<div>" * 5000 + "<p>deep text</p>" + "</div>" * 5000
    with contextlib.suppress(ExtractionError):
        extract_page(nested)
    laughs = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><body><p>&b;&b;&b;&b;</p></body></html>"
    )
    root = parse_html(laughs)
    assert "aaaaaaaaaa" not in root.text_content()


def test_extraction_from_several_threads_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    html = (PAGES / "news.html").read_bytes()
    expected = extract_page(html, "https://www.coastalherald.example/a.html")
    with ThreadPoolExecutor(max_workers=4) as pool:
        pages = list(
            pool.map(
                lambda _: extract_page(html, "https://www.coastalherald.example/a.html"), range(8)
            )
        )
    assert all(page == expected for page in pages)
