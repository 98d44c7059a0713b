"""The Google Reader API, driven by a small client written from the protocol.

The client does what Reeder, NetNewsWire, FeedMe and Read You do: ClientLogin
for a token, GoogleLogin auth on every call, /token for the T a write needs,
stream/items/ids with continuation, then stream/items/contents for the ids.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from occasional.core import Engine
from webclient import PASSWORD, Client

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"


class ReaderClient:
    """A Google Reader API client: login, token, streams, edits."""

    def __init__(self, web: Client) -> None:
        self.web = web
        self.auth = ""
        self.t = ""

    def login(self, name: str = "alice", password: str = PASSWORD) -> httpx.Response:
        response = self.web.request(
            "POST", "/accounts/ClientLogin", data={"Email": name, "Passwd": password}
        )
        fields = dict(line.split("=", 1) for line in response.text.splitlines() if "=" in line)
        self.auth = fields.get("Auth", "")
        if self.auth:
            self.t = self.get("token").text
        return response

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"GoogleLogin auth={self.auth}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.web.request(
            "GET",
            f"/reader/api/0/{path}",
            params={"output": "json", **params},
            headers=self._headers(),
        )

    def post(self, path: str, data: Any, *, with_t: bool = True) -> httpx.Response:
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        if with_t:
            pairs.append(("T", self.t))
        form: dict[str, list[str]] = {}
        for key, value in pairs:
            form.setdefault(key, []).append(value)
        return self.web.request("POST", f"/reader/api/0/{path}", data=form, headers=self._headers())

    def all_ids(self, stream: str = READING_LIST, **params: Any) -> list[str]:
        ids: list[str] = []
        continuation = ""
        for _ in range(100):
            page = self.get("stream/items/ids", s=stream, n=7, c=continuation, **params).json()
            ids += [ref["id"] for ref in page["itemRefs"]]
            continuation = page.get("continuation", "")
            if not continuation:
                return ids
        raise AssertionError("continuation never ended")

    def contents(self, ids: list[str]) -> list[dict[str, Any]]:
        response = self.post("stream/items/contents", [("i", i) for i in ids], with_t=False)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def unread(self) -> dict[str, int]:
        counts = self.get("unread-count").json()["unreadcounts"]
        return {row["id"]: row["count"] for row in counts}


@pytest.fixture
def api(client: Client) -> ReaderClient:
    reader = ReaderClient(client)
    assert reader.login().status_code == 200
    return reader


def _groups(engine: Engine) -> dict[str, set[str]]:
    """Every copy group of the home: original id → every member id."""
    groups: dict[str, set[str]] = {}
    for article in engine.articles():
        groups.setdefault(article.copy_of or article.id, set()).add(article.id)
    return groups


def test_client_login_gives_a_token_and_bad_ones_are_refused(client: Client) -> None:
    reader = ReaderClient(client)
    bad = reader.login(password="wrong password!")
    assert bad.status_code == 401 and "BadAuthentication" in bad.text
    good = reader.login()
    assert good.status_code == 200 and good.text.startswith("SID=") and "\nAuth=" in good.text
    assert reader.get("user-info").json()["userName"] == "alice"
    as_json = client.request(
        "POST",
        "/accounts/ClientLogin",
        data={"Email": "alice", "Passwd": PASSWORD, "output": "json"},
    )
    assert set(as_json.json()) == {"SID", "LSID", "Auth"}
    reader.auth = "forged"
    refused = reader.get("subscription/list")
    assert refused.status_code == 401 and refused.headers["x-reader-google-bad-token"] == "true"
    web_session = client.login()
    cookie_token = web_session.cookies.get("occasional_session") or "x"
    reader.auth = cookie_token  # a browser session is no API token
    assert reader.get("subscription/list").status_code == 401


def test_client_login_is_rate_limited(client: Client) -> None:
    reader = ReaderClient(client)
    for _ in range(5):
        assert reader.login(password="nope nope nope").status_code == 401
    assert reader.login().status_code == 429


def test_subscriptions_and_tags(api: ReaderClient, web_engine: Engine) -> None:
    subs = api.get("subscription/list").json()["subscriptions"]
    assert {s["url"] for s in subs} == {s.url for s in web_engine.sources()}
    assert all(s["id"].startswith("feed/") for s in subs)
    source = web_engine.sources()[0]
    edited = api.post(
        "subscription/edit",
        {"ac": "edit", "s": f"feed/{source.id}", "t": "My feed", "a": "user/-/label/Morning"},
    )
    assert edited.status_code == 200 and edited.text == "OK"
    subs = api.get("subscription/list").json()["subscriptions"]
    mine = next(s for s in subs if s["id"] == f"feed/{source.id}")
    assert mine["title"] == "My feed"
    assert {"id": "user/-/label/Morning", "label": "Morning"} in mine["categories"]
    tags = api.get("tag/list").json()["tags"]
    assert {"id": STARRED} in tags and any(t["id"] == "user/-/label/Morning" for t in tags)
    labelled = api.all_ids("user/-/label/Morning")
    assert labelled == api.all_ids(f"feed/{source.id}")


def test_reading_list_folds_copies(api: ReaderClient, web_engine: Engine) -> None:
    groups = _groups(web_engine)
    ids = api.all_ids()
    assert len(ids) == len(set(ids)) == len(groups)
    seqs = web_engine.storage.article_seqs(list(groups))
    assert {str(seq) for seq in seqs.values()} == set(ids)  # one item per group: its original
    copied = [original for original, members in groups.items() if len(members) > 1]
    assert copied, "the sample web has copies"
    items = api.contents([str(seqs[original]) for original in copied])
    for item in items:
        assert len(item["occasional"]["outlets"]) >= 2
        assert "Also carried by" in item["summary"]["content"]
        assert item["id"].startswith("tag:google.com,2005:reader/item/")
        assert READING_LIST in item["categories"] and item["origin"]["streamId"].startswith("feed/")
    long_form = items[0]["id"]
    assert api.contents([long_form])[0]["id"] == long_form


def test_marking_read_marks_every_copy(api: ReaderClient, web_engine: Engine) -> None:
    groups = _groups(web_engine)
    original = next(o for o, members in groups.items() if len(members) > 1)
    seq = str(web_engine.storage.article_seqs([original])[original])
    before = api.unread()[READING_LIST]
    assert api.post("edit-tag", {"i": seq, "a": READ}, with_t=False).status_code == 401
    assert api.post("edit-tag", {"i": seq, "a": READ}).text == "OK"
    assert api.unread()[READING_LIST] == before - 1
    assert seq not in api.all_ids(xt=READ)
    assert seq in api.all_ids(READ)
    user = web_engine.storage.get_user("alice")
    states = web_engine.storage.item_states(user.id, list(groups[original]))
    assert all(states[member][0] for member in groups[original])
    api.post("edit-tag", {"i": seq, "r": READ})
    assert api.unread()[READING_LIST] == before


def test_starring_and_the_starred_stream(api: ReaderClient) -> None:
    first = api.all_ids()[0]
    api.post("edit-tag", {"i": first, "a": STARRED})
    assert api.all_ids(STARRED) == [first]
    item = api.contents([first])[0]
    assert STARRED in item["categories"]
    page = api.get(f"stream/contents/{STARRED}").json()
    assert [i["id"] for i in page["items"]] == [item["id"]]
    api.post("edit-tag", {"i": first, "r": STARRED})
    assert api.all_ids(STARRED) == []


def test_stream_contents_pages_and_orders(api: ReaderClient) -> None:
    newest = api.get(f"stream/contents/{READING_LIST}", n=3).json()
    assert len(newest["items"]) == 3 and newest["continuation"]
    stamps = [int(i["timestampUsec"]) for i in newest["items"]]
    assert stamps == sorted(stamps, reverse=True)
    following = api.get("stream/contents", s=READING_LIST, n=3, c=newest["continuation"]).json()
    assert not {i["id"] for i in following["items"]} & {i["id"] for i in newest["items"]}
    oldest = api.get(f"stream/contents/{READING_LIST}", n=3, r="o").json()
    stamps = [int(i["timestampUsec"]) for i in oldest["items"]]
    assert stamps == sorted(stamps)
    assert api.get("stream/contents/bogus/stream").status_code == 400
    assert api.get("stream/items/ids", s=READING_LIST, n="many").status_code == 400


def test_mark_all_as_read_and_unread_counts(api: ReaderClient, web_engine: Engine) -> None:
    counts = api.unread()
    total = counts[READING_LIST]
    assert total == len(_groups(web_engine))
    feeds = {k: v for k, v in counts.items() if k.startswith("feed/")}
    assert sum(feeds.values()) == total  # each item counts for one feed
    first_feed = next(iter(feeds))
    assert api.post("mark-all-as-read", {"s": first_feed}).text == "OK"
    assert first_feed not in api.unread()
    newest = api.get(f"stream/contents/{READING_LIST}", n=1).json()["items"][0]
    api.post("mark-all-as-read", {"s": READING_LIST, "ts": str(int(newest["timestampUsec"]) - 1)})
    left = api.all_ids(xt=READ)
    assert left == [str(int(newest["id"].rsplit("/", 1)[1], 16))]
    api.post("mark-all-as-read", {"s": READING_LIST})
    assert READING_LIST not in api.unread()


def test_unsubscribe_and_subscribe_again(api: ReaderClient, web_engine: Engine) -> None:
    source = web_engine.sources()[-1]
    assert (
        api.post("subscription/edit", {"ac": "unsubscribe", "s": f"feed/{source.id}"}).text == "OK"
    )
    assert all(
        s["id"] != f"feed/{source.id}" for s in api.get("subscription/list").json()["subscriptions"]
    )
    again = api.post("subscription/edit", {"ac": "subscribe", "s": f"feed/{source.url}"})
    assert again.status_code == 200
    assert any(s["url"] == source.url for s in api.get("subscription/list").json()["subscriptions"])
    bad = api.post("subscription/edit", {"ac": "explode", "s": f"feed/{source.id}"})
    assert bad.status_code == 400


def test_one_users_items_are_not_anothers(api: ReaderClient, web_engine: Engine) -> None:
    web_engine.add_user("bob", PASSWORD)
    bob = ReaderClient(api.web)
    assert bob.login("bob").status_code == 200
    assert bob.get("subscription/list").json()["subscriptions"] == []
    assert bob.all_ids() == []
    alices = api.all_ids()[:3]
    assert bob.contents(alices) == []
    bob.post("edit-tag", {"i": alices[0], "a": STARRED})
    assert api.all_ids(STARRED) == []
