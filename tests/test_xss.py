"""XSS: every vector of an OWASP-style filter-evasion list, in every field a digest shows, in
every output we make (HTML, e-mail, Atom, Markdown, JSON), is neutralised.

The vectors (tests/fixtures/xss/vectors.json) go into headlines, reasons, summaries, quotes,
speakers, figures, source titles and outlets, and into every link. Each output is then parsed
the way its reader would parse it (an HTML parser, an XML parser, a CommonMark renderer with
raw HTML allowed and no link filter of its own, a JSON parser), and what came out is checked:
only our own tags and attributes, no event handler, no script-capable URL, no style that can
run or fetch anything.
"""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from markdown_it import MarkdownIt

from occasional.deliver import build_message, compose
from occasional.render import ATOM_NS, RenderOptions, render
from occasional.render.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from occasional.types import (
    Digest,
    DigestItem,
    DigestSource,
    Entity,
    Figure,
    Quote,
    SummarySentence,
)
from test_render_fixtures import NOW, sample_digest

pytestmark = pytest.mark.faults

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "xss" / "vectors.json").read_text())
VECTORS: list[str] = FIXTURE["vectors"]
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "jav\tascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    'https://ok.example/"onmouseover="alert(1)',
    "https://ok.example/'><svg/onload=alert(1)>",
    "https://ok.example/<script>alert(1)</script>",
    "https://ok.example/)](javascript:alert(1))",
    "https://ok.example/>\n[x](javascript:alert(1))",
    *VECTORS,
]
FEEDBACK = RenderOptions(
    feedback_signer=lambda story, action: f"https://news.example/feedback?s={story}&a={action}"
)
# What our own document shell adds around the sanitised body.
SHELL_TAGS = {"html", "head", "meta", "title", "body"}
SHELL_ATTRIBUTES = {"lang", "charset", "name", "content", "style"}
ADDED = {"rel"}  # nh3 adds rel="noopener noreferrer" to links
SAFE_SCHEMES = ("http:", "https:", "mailto:")
BAD_STYLE = re.compile(r"expression|javascript|vbscript|url\s*\(|@import|behavio|binding", re.I)


def hostile_item(number: int, text: str, url: str) -> DigestItem:
    return DigestItem(
        id=f"st-{number}",
        headline=text,
        reasons=(text, "you follow " + text),
        summary=(SummarySentence(text, f"a{number}", url), SummarySentence(text, "b", None)),
        quotes=((Quote(text, text, 0, len(text)), f"a{number}"), (Quote(text, None, 0, 1), "b")),
        figures=(Figure(text, 1.0, text, text),),
        entities=(Entity(text, "PERSON"),),
        sources=(
            DigestSource(url, text, text, True, NOW),
            DigestSource("https://ok.example/a", text, text, False, None),
        ),
        status="new",
        first_seen=NOW,
        last_seen=NOW,
    )


def hostile_digest(number: int, text: str, url: str) -> Digest:
    base = sample_digest()
    return Digest(
        profile="alice",
        generated=NOW,
        items=(hostile_item(number, text, url), *base.items),
        top=(hostile_item(number + 10_000, text, url),),
        id="d-xss",
    )


def cases() -> list[tuple[int, str, str]]:
    """Each vector as text, paired in turn with a hostile URL (and each URL at least once)."""
    count = max(len(VECTORS), len(HOSTILE_URLS))
    return [
        (n, VECTORS[n % len(VECTORS)], HOSTILE_URLS[n % len(HOSTILE_URLS)]) for n in range(count)
    ]


def check_url(url: str | None, where: str) -> None:
    if url is None:
        return
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    assert cleaned.startswith(SAFE_SCHEMES), f"{where}: link {url!r}"


def check_html(document: str, where: str, *, shell: bool = True) -> None:
    """Parse ``document`` as a browser would and check that only our vocabulary is in it."""
    root = (
        lxml.html.document_fromstring(document)
        if shell
        else lxml.html.fragment_fromstring(document, create_parent="div")
    )
    tags = set(ALLOWED_TAGS) | (SHELL_TAGS if shell else {"div"})
    for element in root.iter():
        if not isinstance(element.tag, str):  # a comment or processing instruction
            raise AssertionError(f"{where}: {element!r} survived")
        assert element.tag.lower() in tags, f"{where}: <{element.tag}> survived"
        allowed = ALLOWED_ATTRIBUTES.get("*", set()) | ALLOWED_ATTRIBUTES.get(element.tag, set())
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: {name}= survived"
            assert name in allowed | ADDED | (SHELL_ATTRIBUTES if shell else set()), (
                f"{where}: {name}="
            )
            if name == "href":
                check_url(value, where)
            if name == "style":
                assert not BAD_STYLE.search(value), f"{where}: style {value!r}"
            if element.tag == "meta":
                assert name != "http-equiv", f"{where}: meta http-equiv"


def check_markdown(text: str, where: str) -> None:
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # our escaping is under test, not markdown-it's filter
    html = md.render(text)
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    structural = {"div", "h1", "h2", "h3", "p", "em", "strong", "a", "ul", "li", "blockquote"}
    for element in fragment.iter():
        assert isinstance(element.tag, str), f"{where}: raw HTML comment passed"
        assert element.tag in structural, f"{where}: <{element.tag}> from the Markdown"
        for name, value in element.attrib.items():
            assert name == "href", f"{where}: {name}= in the Markdown"
            check_url(value, where)


def check_json(text: str, where: str) -> None:
    assert not re.search(r"[<>&\u2028\u2029]", text), f"{where}: raw < > & in JSON"
    data = json.loads(text)
    for story in (*data["stories"], *data["top"]):
        for link in (*story["summary"], *story["sources"]):
            check_url(link["url"], where)


@pytest.mark.parametrize(("number", "text", "url"), cases())
def test_every_vector_is_neutralised_in_every_output(number: int, text: str, url: str) -> None:
    digest = hostile_digest(number, text, url)
    where = f"vector {number}: {text[:40]!r} / {url[:40]!r}"
    check_html(render(digest, "html", FEEDBACK), f"html {where}")
    check_markdown(render(digest, "markdown", FEEDBACK), f"markdown {where}")
    check_json(render(digest, "json", FEEDBACK), f"json {where}")

    feed = lxml.etree.fromstring(render(digest, "atom", FEEDBACK).encode("utf-8"))
    for link in feed.iter(f"{{{ATOM_NS}}}link"):
        check_url(link.get("href"), f"atom link {where}")
    for content in feed.iter(f"{{{ATOM_NS}}}content"):
        check_html(content.text or "", f"atom content {where}", shell=False)
    for tag in ("title", "summary"):
        for node in feed.iter(f"{{{ATOM_NS}}}{tag}"):
            assert node.get("type") == "text" and len(node) == 0, f"atom {tag} {where}"

    outgoing = compose(digest, options=FEEDBACK)
    mail = build_message(
        digest,
        outgoing.rendering("html").body,  # type: ignore[union-attr]
        outgoing.rendering("text").body,  # type: ignore[union-attr]
        "digest@news.example",
        ["reader@news.example"],
        outgoing.subject,
    )
    message = message_from_bytes(mail.as_bytes(), policy=policy.default)
    assert set(message.keys()) == {
        "From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted",
        "MIME-Version", "Content-Type",
    }  # fmt: skip
    html_part = message.get_body(("html",))
    assert html_part is not None
    check_html(html_part.get_content(), f"e-mail {where}")


def test_the_vectors_are_shown_as_text_not_dropped() -> None:
    digest = hostile_digest(1, "<script>alert('XSS')</script> and more", "javascript:alert(1)")
    page = lxml.html.document_fromstring(render(digest, "html", RenderOptions()))
    assert "<script>alert('XSS')</script> and more" in page.text_content()
    data = json.loads(render(digest, "json", RenderOptions()))
    assert data["stories"][0]["headline"] == "<script>alert('XSS')</script> and more"
    assert data["stories"][0]["sources"][0]["url"] is None


def test_the_fixture_holds_the_list() -> None:
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS)
