"""Every page of the web app, in process (httpx's ASGI transport), over a polled home."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from occasional.core import Engine
from webclient import PASSWORD, Client, script_problems

PAGES = [
    "/",
    "/archive",
    "/stories",
    "/stories?q=bridge",
    "/starred",
    "/sources",
    "/profiles",
    "/profiles/default",
    "/feedback/list",
]


def _copied_story(engine: Engine) -> tuple[str, str, str]:
    """A story holding a copy and its original: (story id, original id, copy id)."""
    for story in engine.stories():
        members = list(engine.storage.iter_articles(ids=list(story.article_ids)))
        ids = {a.id for a in members}
        for article in members:
            if article.copy_of in ids:
                return story.id, article.copy_of or "", article.id
    raise AssertionError("the sample web has aggregator copies")


def test_nothing_answers_without_a_login(client: Client) -> None:
    for path in PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")
    assert client.post("/sources", {"url": "https://example.org/"}).status_code == 401
    assert client.get("/reader/api/0/subscription/list").status_code == 401
    assert client.get("/static/htmx.min.js").status_code == 200
    health = client.get("/health")  # answers without a login; 503 here: no poll loop runs
    assert health.status_code == 503 and health.json()["poll"]["running"] is False
    assert client.get("/login").status_code == 200


def test_login_sets_a_safe_cookie_and_logout_ends_it(client: Client) -> None:
    response = client.login()
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_cookie_is_secure_behind_https(web_engine: Engine) -> None:
    secure = Client(web_engine, base_url="https://news.example.org")
    try:
        cookie = secure.login().headers["set-cookie"].lower()
        assert "secure" in cookie
    finally:
        secure.close()


def test_wrong_password_is_refused_and_attempts_are_limited(client: Client) -> None:
    for _ in range(5):
        response = client.login(password="not the password")
        assert response.status_code == 401
        assert "wrong user name or password" in response.text.lower()
    blocked = client.login()  # even the right password waits now
    assert blocked.status_code == 429 and "Too many failed logins" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0


def test_login_limit_expires(web_engine: Engine) -> None:
    now = [web_engine.clock()]
    web_engine.clock = lambda: now[0]
    browser = Client(web_engine)
    try:
        for _ in range(5):
            browser.login(password="nope nope nope")
        assert browser.login().status_code == 429
        now[0] += timedelta(minutes=16)
        assert browser.login().status_code == 303
    finally:
        browser.close()


def test_login_form_needs_its_token_and_next_stays_on_site(client: Client) -> None:
    client.get("/login")
    forged = client.request(
        "POST", "/login", data={"name": "alice", "password": PASSWORD, "csrf": "forged"}
    )
    assert forged.status_code == 403
    client.get("/login")
    response = client.post(
        "/login", {"name": "alice", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert response.headers["location"] == "/"


def test_every_page_renders_with_security_headers(client: Client) -> None:
    client.login()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[-500:])
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert script_problems(response.text) == [], path
        assert '<a class="skip" href="#main">' in response.text
        assert 'name="viewport"' in response.text


def test_a_post_without_the_csrf_token_is_refused(client: Client) -> None:
    client.login()
    client.csrf = "stolen-page-had-none"
    response = client.post("/sources", {"url": "https://example.org/feed.xml"})
    assert response.status_code == 403 and "expired" in response.text
    assert len(client.get("/sources").text) > 0


def test_today_shows_the_digest_and_feedback_acts_in_place(
    client: Client, web_engine: Engine
) -> None:
    client.login()
    page = client.get("/").text
    digest = web_engine.storage.digests("default", limit=1)[0]
    first = digest.payload["stories"][0]
    assert first["headline"] in page.replace("&#39;", "'").replace("&amp;", "&")
    story_id = first["id"]
    noted = client.post(
        f"/stories/{story_id}/feedback",
        {"kind": "like", "profile": "default"},
        headers={"HX-Request": "true"},
    )
    assert noted.status_code == 200 and "Noted: like" in noted.text
    assert f'id="actions-{story_id}"' in noted.text
    kinds = [f.kind for f in web_engine.storage.feedback("default")]
    assert kinds == ["like"]
    feedback_id = re.search(r"/feedback/(\d+)/undo", noted.text)
    assert feedback_id is not None
    undone = client.post(
        f"/feedback/{feedback_id.group(1)}/undo",
        {"profile": "default", "story": story_id},
        headers={"HX-Request": "true"},
    )
    assert "Like" in undone.text and web_engine.storage.feedback("default") == []


def test_feedback_without_javascript_redirects_back(client: Client, web_engine: Engine) -> None:
    client.login()
    story = web_engine.stories()[0]
    response = client.post(
        f"/stories/{story.id}/feedback", {"kind": "mute-source", "back": "/archive"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/archive"
    bad = client.post(f"/stories/{story.id}/feedback", {"kind": "adore"})
    assert bad.status_code == 400 and "adore" in bad.text
    gone = client.post("/stories/no-such-story/feedback", {"kind": "like"})
    assert gone.status_code == 404


def test_feedback_page_lists_and_undoes(client: Client, web_engine: Engine) -> None:
    client.login()
    story = web_engine.stories()[0]
    web_engine.feedback(story.id, "less")
    page = client.get("/feedback/list").text
    assert "less" in page and f"/stories/{story.id}" in page
    entry = web_engine.storage.feedback("default")[0]
    assert client.post(f"/feedback/{entry.id}/undo", {"profile": "default"}).status_code == 303
    assert web_engine.storage.feedback("default") == []


def test_make_a_digest_and_read_the_archive(client: Client, web_engine: Engine) -> None:
    client.login()
    assert client.post("/digest", {"profile": "default"}).status_code == 303
    stored = web_engine.storage.digests("default", limit=10)
    assert len(stored) == 2
    archive = client.get("/archive").text
    assert all(f"/archive/{d.id}" in archive for d in stored)
    one = client.get(f"/archive/{stored[-1].id}")
    assert one.status_code == 200 and "Digest of" in one.text
    assert client.get("/archive/0000").status_code == 404


def test_stories_fold_copies_and_show_a_timeline_and_chart(
    client: Client, web_engine: Engine
) -> None:
    client.login()
    story_id, original, copy = _copied_story(web_engine)
    listing = client.get("/stories").text
    assert f"/stories/{story_id}" in listing and "folded" in listing
    page = client.get(f"/stories/{story_id}").text
    group = next(part for part in page.split('<li class="group') if f"marks-{original}" in part)
    assert "<details>" in group  # the copy is folded under its original, not a group of its own
    assert f"marks-{copy}" not in page
    assert '<svg class="chart"' in page and "<rect" in page and 'role="img"' in page
    assert '<ol class="timeline">' in page
    assert client.get("/stories/no-such-story").status_code == 404


def test_search_finds_stories(client: Client) -> None:
    client.login()
    assert "bridge" in client.get("/stories?q=bridge").text.lower()
    assert "Nothing matches" in client.get("/stories?q=zzzxqv").text
    assert client.get('/stories?q="unbalanced').status_code == 200


def test_read_and_star_are_shared_by_copies(client: Client, web_engine: Engine) -> None:
    client.login()
    _story, original, copy = _copied_story(web_engine)
    user = web_engine.storage.get_user("alice")
    marked = client.post(f"/items/{copy}/mark", {"set": "star"}, headers={"HX-Request": "true"})
    assert marked.status_code == 200 and "Starred" in marked.text
    states = web_engine.storage.item_states(user.id, [original, copy])
    assert states[original][1] and states[copy][1]
    client.post(f"/items/{original}/mark", {"set": "read"})
    states = web_engine.storage.item_states(user.id, [original, copy])
    assert states[original][0] and states[copy][0]
    starred = client.get("/starred").text
    assert f"marks-{original}" in starred
    assert client.post(f"/items/{original}/mark", {"set": "explode"}).status_code == 400


def test_sources_add_edit_pause_and_remove(client: Client, web_engine: Engine, news_web) -> None:
    client.login()
    page = client.get("/sources").text
    assert "OK: polled" in page or "Failing" in page
    trouble = next(o for o in news_web.outlets if o.key == "not-modified")
    added = client.post("/sources", {"url": trouble.feed_url, "tags": "odd, test"})
    assert added.status_code == 303
    user = web_engine.storage.get_user("alice")
    sub = next(
        s for s in web_engine.storage.subscriptions(user.id) if s.source.url == trouble.feed_url
    )
    assert sub.tags == ("odd", "test")
    client.post(f"/sources/{sub.source.id}", {"action": "save", "tags": "kept", "title": "Mine"})
    sub = next(s for s in web_engine.storage.subscriptions(user.id) if s.source.id == sub.source.id)
    assert sub.tags == ("kept",) and sub.title == "Mine"
    client.post(f"/sources/{sub.source.id}", {"action": "pause"})
    assert "Paused by you" in client.get("/sources").text
    assert not web_engine.storage.get_source(sub.source.id).settings.enabled
    client.post(f"/sources/{sub.source.id}", {"action": "resume"})
    assert web_engine.storage.get_source(sub.source.id).settings.enabled
    client.post(f"/sources/{sub.source.id}", {"action": "remove"})
    assert all(s.id != sub.source.id for s in web_engine.sources())


def test_a_bad_source_url_is_explained_beside_the_field(client: Client) -> None:
    client.login()
    response = client.post("/sources", {"url": "ftp://example.org/feed"})
    assert response.status_code == 400
    assert 'id="url-error"' in response.text and "ftp://example.org/feed" in response.text
    empty = client.post("/sources", {"url": ""})
    assert empty.status_code == 400 and "Give the address" in empty.text


def test_opml_round_trip(client: Client, web_engine: Engine) -> None:
    client.login()
    exported = client.get("/sources/opml")
    assert exported.status_code == 200 and "<opml" in exported.text
    assert "attachment" in exported.headers["content-disposition"]
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><body><outline text="Science">'
        b'<outline type="rss" text="New" xmlUrl="https://science.example.org/feed.xml"/>'
        b'</outline><outline text="bad" xmlUrl="javascript:alert(1)"/></body></opml>'
    )
    files = {"file": ("mine.opml", opml, "text/x-opml")}
    response = client.request("POST", "/sources/opml", data={"csrf": client.csrf}, files=files)
    assert response.status_code == 200 and "Imported 1 source" in response.text
    user = web_engine.storage.get_user("alice")
    sub = next(
        s
        for s in web_engine.storage.subscriptions(user.id)
        if s.source.url == "https://science.example.org/feed.xml"
    )
    assert sub.tags == ("Science",)
    no_file = client.post("/sources/opml", {})
    assert no_file.status_code == 400 and "Choose an OPML file" in no_file.text


def test_profile_form_saves_toml_and_shows_errors_beside_fields(
    client: Client, web_engine: Engine
) -> None:
    client.login()
    form = {
        "budget": "4",
        "min_score": "0.1",
        "formats": ["html", "text"],
        "schedule.cron": "30 6 * * 1-5",
        "schedule.timezone": "Europe/Berlin",
        "follows.topics": "port strike\nheatwave",
        "mute_kind": ["topics", "entities"],
        "mute_value": ["football", "Someone"],
        "mute_until": ["2099-01-31", ""],
        "deliver": "",
    }
    saved = client.post("/profiles/morning", form)
    assert saved.status_code == 303, saved.text[-400:]
    profile = web_engine.profile("morning")
    assert profile.budget == 4 and profile.schedule.timezone == "Europe/Berlin"
    assert profile.follows.topics == ("port strike", "heatwave")
    assert {(m.kind, m.value, str(m.until)) for m in profile.mutes} == {
        ("topics", "football", "2099-01-31"),
        ("entities", "Someone", "None"),
    }
    page = client.get("/profiles/morning").text
    assert "30 6 * * 1-5" in page and "football" in page
    bad = client.post(
        "/profiles/morning",
        {**form, "budget": "0", "schedule.cron": "every morning", "mute_until": ["soon", ""]},
    )
    assert bad.status_code == 400
    assert 'id="budget-error"' in bad.text and 'id="schedule-cron-error"' in bad.text
    assert 'id="mutes-error"' in bad.text and "every morning" in bad.text
    assert web_engine.profile("morning").budget == 4  # nothing was saved
    deleted = client.post("/profiles/morning", {"action": "delete"})
    assert deleted.status_code == 303 and "morning" not in web_engine.profiles()


def test_new_profile_names_are_checked(client: Client) -> None:
    client.login()
    assert client.post("/profiles", {"name": "evening"}).headers["location"] == "/profiles/evening"
    bad = client.post("/profiles", {"name": "../etc"})
    assert bad.status_code == 400 and 'id="new-error"' in bad.text
    assert client.get("/profiles/..%2Fetc").status_code in (400, 404)


def test_unknown_pages_and_methods_are_explained(client: Client) -> None:
    client.login()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "There is no page here" in missing.text
    assert client.request("DELETE", "/sources").status_code == 405


def test_an_unexpected_failure_shows_no_traceback(client: Client, web_engine: Engine) -> None:
    client.login()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    web_engine.storage.list_stories = broken  # type: ignore[method-assign]
    response = client.get("/stories")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_huge_bodies_are_refused(client: Client) -> None:
    client.login()
    response = client.post("/sources", {"url": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/", "/stories", "/sources", "/profiles/default"])
def test_pages_are_screen_reader_friendly(client: Client, path: str) -> None:
    client.login()
    page = client.get(path).text
    assert '<html lang="en">' in page and "<main" in page and 'aria-label="Main"' in page
    assert 'aria-current="page"' in page or path.startswith("/profiles/")
    labels = set(re.findall(r'<label[^>]*for="([^"]+)"', page))
    for field in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
        assert field in labels, f"{path}: #{field} has no label"
