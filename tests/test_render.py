"""Renderers: registry, HTML e-mail, text, Markdown, JSON, Atom; hostile text stays inert."""

from __future__ import annotations

import dataclasses
import json
import re
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt

from occasional.digest import digest_to_json
from occasional.exceptions import RenderError
from occasional.render import (
    ATOM_NS,
    FeedbackSigner,
    Renderer,
    RenderOptions,
    get_renderer,
    register_renderer,
    render,
    renderer_names,
)
from occasional.render.text import WIDTH
from occasional.render.view import safe_url
from test_render_fixtures import HOSTILE, NOW, hostile_digest, quiet_digest, sample_digest

SIGNER = FeedbackSigner(b"render-test-secret-0123456789", "https://news.example.org")
OPTIONS = RenderOptions(
    feedback_signer=SIGNER.linker("alice", now=NOW), archive_url="https://a.example/"
)
A = f"{{{ATOM_NS}}}"


def html_tree(text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(text)


def hrefs(tree: lxml.html.HtmlElement) -> list[str]:
    return [a.get("href") for a in tree.iter("a") if a.get("href") is not None]


# --- registry ----------------------------------------------------------------


def test_registry_lists_the_five_formats_and_names_them_on_error() -> None:
    assert renderer_names() == ("atom", "html", "json", "markdown", "text")
    with pytest.raises(RenderError) as caught:
        get_renderer("pdf")
    assert str(caught.value) == (
        "unknown format 'pdf'; choose one of: atom, html, json, markdown, text"
    )


def test_registering_a_taken_name_is_refused() -> None:
    with pytest.raises(RenderError, match="already registered"):
        register_renderer(get_renderer("text"))


def test_every_renderer_declares_media_type_and_extension() -> None:
    seen = {name: (get_renderer(name).media_type, get_renderer(name).extension)
            for name in renderer_names()}  # fmt: skip
    assert seen["html"] == ("text/html", "html")
    assert seen["atom"] == ("application/atom+xml", "atom")
    assert len({ext for _, ext in seen.values()}) == len(seen)


# --- HTML e-mail ---------------------------------------------------------------


def test_html_card_holds_every_part() -> None:
    page = render(sample_digest(), "html", OPTIONS)
    tree = html_tree(page)
    text = tree.text_content()
    for expected in ("Sakurajima erupts, ash reaches Kagoshima", "Central bank holds rates",
                     "you follow volcano", "We have never seen ash this thick",
                     "Mayor Aiko Tanaka", "4,000 residents — residents evacuated",
                     "first reported by", "Also big today", "Less like this",
                     "Mute Daily Wire"):  # fmt: skip
        assert expected in text
    assert re.search(r">\s*new\s*<", page) and re.search(r">\s*updated\s*<", page)
    links = hrefs(tree)
    assert "https://wire.example/volcano" in links and "https://gazette.example/ash" in links
    assert sum("/feedback?" in link for link in links) == 4 * 3


def test_html_is_self_contained_and_inlined() -> None:
    page = render(sample_digest(), "html", OPTIONS)
    tree = html_tree(page)
    assert not list(tree.iter("script", "style", "link", "img", "iframe", "object"))
    assert "url(" not in page and "@import" not in page
    assert all(urlsplit(h).scheme in {"http", "https", "mailto"} for h in hrefs(tree))
    assert tree.find(".//table").get("role") == "presentation"
    assert tree.find(".//h2").get("style")  # styles are inlined, not in a stylesheet
    assert not [e for e in tree.iter() if e.get("class")]


def test_html_without_signer_has_no_feedback_links() -> None:
    tree = html_tree(render(sample_digest(), "html", RenderOptions()))
    assert not [h for h in hrefs(tree) if "feedback" in h]
    assert "Less like this" not in tree.text_content()


def test_hostile_text_is_shown_not_run_in_html() -> None:
    page = render(hostile_digest(), "html", OPTIONS)
    tree = html_tree(page)
    assert not list(tree.iter("script", "img", "svg", "i", "b"))
    assert not [k for e in tree.iter() for k in e.attrib if k.startswith("on")]
    assert all(urlsplit(h).scheme in {"http", "https"} for h in hrefs(tree))
    assert tree.find(".//h2").text_content() == HOSTILE  # escaped, so still readable
    assert "[click](javascript:alert(1))" in tree.text_content()


def test_quiet_day_renders_the_quiet_line() -> None:
    line = quiet_digest().quiet or ""
    for name in ("html", "text", "markdown"):
        out = render(quiet_digest(), name, OPTIONS)
        assert "41 articles in 17 stories checked" in out.replace("\\", ""), name
    tree = html_tree(render(quiet_digest(), "html", OPTIONS))
    assert line in tree.text_content() and not list(tree.iter("h2"))


# --- text ----------------------------------------------------------------------


def test_text_wraps_at_72_without_breaking_urls() -> None:
    out = render(sample_digest(), "text", OPTIONS)
    for line in out.splitlines():
        assert len(line) <= WIDTH or len(line.split()) == 1, line
    assert "“We have never seen ash this thick” — Mayor Aiko Tanaka" in out
    assert "first reported by Daily Wire: Volcano erupts" in out
    urls = re.findall(r"<(https?://[^>]+)>", out)
    assert "https://wire.example/volcano" in urls
    assert any("action=mute-source" in url for url in urls)


def test_text_drops_control_characters() -> None:
    item = dataclasses.replace(sample_digest().items[0], headline="Bell\x07 and \x1b[31mred")
    digest = dataclasses.replace(sample_digest(), items=(item,))
    out = render(digest, "text")
    assert "\x07" not in out and "\x1b" not in out and "Bell and [31mred" in out


# --- Markdown ------------------------------------------------------------------


def test_markdown_links_sources_and_escapes_hostile_text() -> None:
    out = render(sample_digest(), "markdown", OPTIONS)
    assert "## [Sakurajima erupts, ash reaches Kagoshima](<https://wire.example/volcano>)" in out
    assert "**first reported by** Daily Wire" in out
    html = MarkdownIt("commonmark").render(render(hostile_digest(), "markdown", OPTIONS))
    tree = html_tree(f"<html><body>{html}</body></html>")
    assert not list(tree.iter("script", "img", "svg", "b", "i"))
    assert "javascript:" not in " ".join(hrefs(tree))
    assert HOSTILE in tree.find(".//h2").text_content()


def test_markdown_line_starts_cannot_become_blocks() -> None:
    item = dataclasses.replace(
        sample_digest().items[1],
        summary=tuple(
            dataclasses.replace(sample_digest().items[1].summary[0], text=t)
            for t in ("# not a heading", "1. not a list", "- nor this")
        ),
    )
    out = render(dataclasses.replace(sample_digest(), items=(item,), top=()), "markdown")
    tree = html_tree(f"<html><body>{MarkdownIt('commonmark').render(out)}</body></html>")
    assert not list(tree.iter("ol")) and len(list(tree.iter("h2"))) == 1
    assert "# not a heading" in tree.text_content()


# --- JSON ----------------------------------------------------------------------


def test_json_is_the_contract_shape() -> None:
    data = json.loads(render(sample_digest(), "json", OPTIONS))
    assert data == json.loads(json.dumps(digest_to_json(sample_digest())))
    story = data["stories"][0]
    assert {"id", "headline", "reasons", "summary", "quotes", "figures", "sources"} <= set(story)
    assert story["quotes"][0] == {
        "text": "We have never seen ash this thick", "speaker": "Mayor Aiko Tanaka", "article": "a1"
    }  # fmt: skip
    assert {"profile", "generated", "stories", "quiet", "top"} <= set(data)


# --- Atom ----------------------------------------------------------------------


def atom(digest_text: str) -> etree._Element:
    return etree.fromstring(digest_text.encode("utf-8"))


def test_atom_has_required_elements_and_stable_ids() -> None:
    first = render(sample_digest(), "atom", OPTIONS)
    feed = atom(first)
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{A}{name}") is not None
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 3
    for entry in entries:
        for name in ("id", "title", "updated", "content"):
            assert entry.find(f"{A}{name}") is not None
    ids = [e.findtext(f"{A}id") for e in entries]
    assert ids[0] == "urn:occasional:story:st-volcano"
    assert entries[0].findtext(f"{A}updated") == "2026-03-14T06:30:00Z"  # last_seen
    changed = dataclasses.replace(sample_digest().items[0], headline="Eruption eases")
    again = render(dataclasses.replace(sample_digest(), items=(changed,)), "atom", OPTIONS)
    assert atom(again).find(f"{A}entry").findtext(f"{A}id") == ids[0]


def test_atom_parses_cleanly_with_feedparser() -> None:
    parsed = feedparser.parse(render(sample_digest(), "atom", OPTIONS))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.id for e in parsed.entries][:2] == [
        "urn:occasional:story:st-volcano", "urn:occasional:story:st-rates"
    ]  # fmt: skip
    assert "Mayor Aiko Tanaka" in parsed.entries[0].content[0].value


def test_atom_content_is_sanitised_html() -> None:
    feed = atom(render(hostile_digest(), "atom", OPTIONS))
    entry = feed.find(f"{A}entry")
    content = entry.find(f"{A}content")
    assert content.get("type") == "html"
    inner = html_tree(f"<html><body>{content.text}</body></html>")
    assert not list(inner.iter("script", "img", "svg"))
    assert entry.findtext(f"{A}title") == HOSTILE  # type="text": shown literally
    assert not feedparser.parse(render(hostile_digest(), "atom", OPTIONS)).bozo


def test_atom_drops_characters_xml_cannot_carry() -> None:
    item = dataclasses.replace(sample_digest().items[0], headline="Null\x00 and \x0bvtab")
    feed = atom(render(dataclasses.replace(sample_digest(), items=(item,)), "atom"))
    assert feed.find(f"{A}entry").findtext(f"{A}title") == "Null and vtab"


def test_quiet_atom_is_valid_with_no_entries() -> None:
    feed = atom(render(quiet_digest(), "atom"))
    assert feed.findall(f"{A}entry") == []
    assert "Nothing new above your bar" in (feed.findtext(f"{A}subtitle") or "")


# --- links ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.example/a?b=1", "https://x.example/a?b=1"),
        ("mailto:me@x.example", "mailto:me@x.example"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("https://x.example/a b", None),
        ('https://x.example/"><b>', "https://x.example/%22%3E%3Cb%3E"),
        ("https://x.example/ä", "https://x.example/%C3%A4"),
    ],
)
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_a_signer_makes_links_for_the_digests_profile_and_time() -> None:
    with_signer = render(sample_digest(), "html", RenderOptions(feedback_signer=SIGNER))
    with_linker = render(sample_digest(), "html", OPTIONS)
    links = [h for h in hrefs(html_tree(with_signer)) if "/feedback?" in h]
    assert links == [h for h in hrefs(html_tree(with_linker)) if "/feedback?" in h]
    assert all("profile=alice" in h for h in links)


# --- the Renderer contract, on any text ----------------------------------------


@pytest.mark.parametrize("name", renderer_names())
def test_every_renderer_honours_the_protocol(name: str) -> None:
    renderer = get_renderer(name)
    assert isinstance(renderer, Renderer)
    for digest in (sample_digest(), quiet_digest(), hostile_digest()):
        out = renderer.render(digest, options=OPTIONS)
        assert isinstance(out, str) and out.endswith("\n")
        assert out.strip()
        assert out == renderer.render(digest, options=OPTIONS)  # pure: same in, same out


@settings(max_examples=40, deadline=None)
@given(headline=st.text(min_size=1, max_size=80), speaker=st.text(max_size=20))
def test_any_text_stays_inert(headline: str, speaker: str) -> None:
    base = sample_digest().items[0]
    item = dataclasses.replace(
        base,
        headline=headline,
        quotes=((dataclasses.replace(base.quotes[0][0], speaker=speaker), "a1"),),
    )
    digest = dataclasses.replace(sample_digest(), items=(item,))
    tree = html_tree(render(digest, "html"))
    assert not list(tree.iter("script", "img", "svg", "iframe"))
    assert not [k for e in tree.iter() for k in e.attrib if k.startswith("on")]
    assert not feedparser.parse(render(digest, "atom")).bozo
    md = MarkdownIt("commonmark").render(render(digest, "markdown"))
    assert "<script" not in md and "<img" not in md
