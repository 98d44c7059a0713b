"""Users: the `occasional user` commands, the upgrade of a home made before users
existed, and what each user owns."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from conftest import ALLOW
from occasional import make_engine
from occasional.cli import cli
from occasional.core import Engine
from occasional.exceptions import InputError, LoginError, UserExistsError
from occasional.storage.migrate import current_revision, head_revision
from webclient import PASSWORD, Client


def _run(home: Path, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["--home", str(home), *args], input=stdin)


def test_user_commands(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert "no users" in _run(home, "user", "list").output
    added = _run(home, "user", "add", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 0 and "owner of this home" in added.output
    again = _run(home, "user", "add", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.exit_code == 1 and "exists already" in again.output
    short = _run(home, "user", "add", "bob", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    odd = _run(home, "user", "add", "b/ob", "--password-stdin", stdin=PASSWORD + "\n")
    assert odd.exit_code == 1 and "user name" in odd.output
    _run(home, "user", "add", "bob", "--password-stdin", stdin=PASSWORD + "\n")
    listed = [json.loads(line) for line in _run(home, "user", "list", "--json").output.splitlines()]
    assert [(u["name"], u["owner"]) for u in listed] == [("alice", True), ("bob", False)]
    changed = _run(home, "user", "passwd", "bob", "--password-stdin", stdin="a new password\n")
    assert changed.exit_code == 0
    with make_engine(home=home) as engine:
        assert engine.authenticate("bob", "a new password").name == "bob"
        with pytest.raises(LoginError):
            engine.authenticate("bob", PASSWORD)
    assert _run(home, "user", "passwd", "carol", "--password-stdin", stdin="x" * 9).exit_code == 1
    assert _run(home, "user", "remove", "bob").exit_code == 0
    assert _run(home, "user", "remove", "bob").exit_code == 1
    assert _run(home, "user", "add", "--help").exit_code == 0


def test_a_new_password_ends_every_login(web_engine: Engine) -> None:
    client = Client(web_engine)
    try:
        client.login()
        assert client.get("/", follow_redirects=False).status_code == 200
        web_engine.set_password("alice", "another password")
        assert client.get("/", follow_redirects=False).status_code == 303
        with pytest.raises(InputError):
            web_engine.set_password("alice", "short")
    finally:
        client.close()


def _as_before_users(home: Path) -> None:
    """Turn a home's database into what the code before users left: schema 0001."""
    engine = create_engine(f"sqlite:///{home / 'occasional.sqlite'}")
    with engine.begin() as connection:
        for table in ("item_state", "subscriptions", "sessions", "users"):
            connection.execute(text(f"DROP TABLE {table}"))
        connection.execute(text("DROP INDEX ix_copies_copy_of"))
        connection.execute(text("DROP INDEX ix_articles_page_due"))  # and what 0002 added
        connection.execute(text("ALTER TABLE articles DROP COLUMN page_due"))
        # What the delivery-state migration added (it also comes after 0001).
        connection.execute(text("DROP INDEX ix_feedback_link"))
        connection.execute(text("ALTER TABLE feedback DROP COLUMN link"))
        for column in ("for_delivery", "attempts", "last_attempt", "last_error", "delivered",
                       "given_up"):  # fmt: skip
            connection.execute(text(f"ALTER TABLE digests DROP COLUMN {column}"))
        # The search triggers of 0001, which 0006 changed.
        index = "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text)"
        unindex = (
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.seq, old.title, old.text)"
        )
        on_update = "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles"
        on_insert = "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles"
        connection.execute(text("DROP TRIGGER articles_fts_update"))
        connection.execute(text(f"{on_update} BEGIN {unindex}; {index}; END"))
        connection.execute(text(f"{on_insert} BEGIN {index}; END"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    engine.dispose()


def test_an_existing_home_becomes_the_first_users_and_nothing_is_lost(
    polled_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(polled_home, home)
    with make_engine(home=home, overrides=ALLOW) as engine:
        (home / "profiles").mkdir(exist_ok=True)
        (home / "profiles" / "mine.toml").write_text(
            'budget = 3\nmin_score = 0.0\n[follows]\ntopics = ["bridge"]\n', encoding="utf-8"
        )
        shown = engine.digest("mine")
        story = shown.items[0].id
        engine.feedback(story, "like", profile="mine")
        preview = engine.digest("mine", keep=False)
        sources = {s.id for s in engine.sources()}
        articles = engine.storage.count_articles()
    _as_before_users(home)

    with make_engine(home=home, overrides=ALLOW) as engine:
        with engine.storage.engine.connect() as connection:
            assert current_revision(connection) == head_revision()
        owner = engine.add_user("alice", PASSWORD)
        assert owner.owner
        subscribed = {s.source.id for s in engine.storage.subscriptions(owner.id)}
        assert subscribed == sources
        assert engine.storage.count_articles() == articles
        assert [f.kind for f in engine.storage.feedback("mine")] == ["like"]
        assert [d.id for d in engine.storage.digests("mine")] == [shown.id]
        again = engine.digest("mine", keep=False)
        assert [i.id for i in again.items] == [i.id for i in preview.items]
        scope = engine.for_user(owner)
        assert "mine" in scope.profiles()
        assert scope.digests("mine")[0].id == shown.id
        client = Client(engine)
        try:
            client.login()
            today = client.get("/?profile=mine")
            assert today.status_code == 200 and shown.items[0].id in today.text
        finally:
            client.close()
    cli_digest = _run(home, "digest", "--profile", "mine", "--format", "json", "--preview")
    assert cli_digest.exit_code == 0 and json.loads(cli_digest.output)["profile"] == "mine"


def test_each_user_has_their_own_sources_profiles_and_digests(web_engine: Engine) -> None:
    bob = web_engine.add_user("bob", PASSWORD)
    assert not bob.owner
    scope = web_engine.for_user(bob)
    assert scope.subscriptions() == [] and scope.stories() == []
    source = web_engine.sources()[0]
    scope.follow(source.url, tags=["mine"])
    scope.save_profile("default", {"min_score": -1.0, "budget": 20})
    assert (web_engine.config.home / "users" / "bob" / "profiles" / "default.toml").exists()
    digest = scope.make_digest()
    assert digest.profile == "bob/default" and digest.items
    for item in digest.items:
        assert {s.source for s in item.sources} <= {source.title or source.url}
    alice = web_engine.for_user(web_engine.storage.get_user("alice"))
    assert all(d.profile == "default" for d in alice.digests())
    assert web_engine.profile("bob/default").budget == 20  # the CLI reaches it by key
    assert "bob/default" in web_engine.reader_profiles()
    scope.feedback(digest.items[0].id, "like")
    web_engine.remove_user("bob")
    assert web_engine.storage.feedback("bob/default") == []
    assert web_engine.storage.digests("bob/default") == []
    assert not (web_engine.config.home / "users" / "bob").exists()
    assert web_engine.storage.get_source(source.id)  # alice still follows it


def test_a_source_nobody_reads_stops_polling_and_one_nobody_follows_goes(
    web_engine: Engine,
) -> None:
    alice = web_engine.for_user(web_engine.storage.get_user("alice"))
    bob = web_engine.for_user(web_engine.add_user("bob", PASSWORD))
    source = web_engine.sources()[0]
    bob.follow(source.url)
    alice.set_active(source.id, False)
    assert web_engine.storage.get_source(source.id).settings.enabled  # bob still reads it
    bob.set_active(source.id, False)
    assert not web_engine.storage.get_source(source.id).settings.enabled
    assert source.id not in {
        s.id for s in web_engine.storage.due_sources(web_engine.clock() + timedelta(days=9))
    }
    bob.set_active(source.id, True)
    assert web_engine.storage.get_source(source.id).settings.enabled
    alice.unfollow(source.id)
    assert web_engine.storage.get_source(source.id)
    bob.unfollow(source.id)
    assert source.id not in {s.id for s in web_engine.sources()}


def test_the_cli_adds_sources_for_the_owner(web_engine: Engine, news_web) -> None:
    outlet = next(o for o in news_web.outlets if o.key == "not-modified")
    source = web_engine.add_source(outlet.feed_url or "", tags=("late",))
    owner = web_engine.storage.get_user("alice")
    sub = next(s for s in web_engine.storage.subscriptions(owner.id) if s.source.id == source.id)
    assert sub.tags == ("late",)
    from occasional.upkeep import SourceEdit

    web_engine.configure_source(source.id, SourceEdit(tags=("renamed",)))
    sub = next(s for s in web_engine.storage.subscriptions(owner.id) if s.source.id == source.id)
    assert sub.tags == ("renamed",)
    with pytest.raises(UserExistsError):
        web_engine.add_user("alice", PASSWORD)


def test_removing_the_owner_keeps_the_homes_data(web_engine: Engine) -> None:
    stored = web_engine.storage.digests("default")
    web_engine.remove_user("alice")
    assert web_engine.storage.digests("default") == stored
    carol = web_engine.add_user("carol", PASSWORD)
    assert carol.owner  # the home had no owner: the next user takes it over
    assert len(web_engine.storage.subscriptions(carol.id)) == len(web_engine.sources())
