"""The users' part of the Storage contract (AccountStore), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from occasional.exceptions import SourceNotFoundError, UserExistsError, UserNotFoundError
from occasional.storage import ItemQuery, SqlStorage, SubscriptionChange
from occasional.types import CopyDecision
from test_storage_contract import (  # noqa: F401  (fixtures)
    NOW,
    add,
    backend,
    batch,
    database_url,
    migrated_postgres,
    migrated_sqlite,
    store,
)


def _user(store: SqlStorage, name: str = "alice", owner: bool = True):
    return store.add_user(name, f"hash-of-{name}", owner=owner, now=NOW)


def test_users_are_added_found_and_removed(store: SqlStorage) -> None:
    alice = _user(store)
    bob = _user(store, "bob", owner=False)
    assert store.get_user("alice") == alice and store.get_user(bob.id) == bob
    assert store.get_user("alice").password_hash == "hash-of-alice"
    assert [u.name for u in store.list_users()] == ["alice", "bob"]
    with pytest.raises(UserExistsError):
        _user(store, "alice")
    store.set_password_hash(bob.id, "new")
    assert store.get_user("bob").password_hash == "new"
    store.remove_user(bob.id)
    with pytest.raises(UserNotFoundError):
        store.get_user("bob")
    with pytest.raises(UserNotFoundError):
        store.remove_user(bob.id)
    with pytest.raises(UserNotFoundError):
        store.set_password_hash("nobody", "x")


def test_sessions_expire_and_end(store: SqlStorage) -> None:
    alice = _user(store)
    later = NOW + timedelta(days=1)
    store.add_session("h1", alice.id, kind="web", csrf="c1", now=NOW, expires=later)
    store.add_session("h2", alice.id, kind="api", csrf="c2", now=NOW, expires=NOW)
    session = store.get_session("h1", NOW)
    assert session is not None and (session.kind, session.csrf) == ("web", "c1")
    assert store.get_session("h2", NOW) is None  # expired
    assert store.get_session("h1", later) is None
    assert store.remove_sessions(alice.id, before=NOW) == 1
    store.remove_session("h1")
    assert store.get_session("h1", NOW) is None
    store.add_session("h3", alice.id, kind="web", csrf="c", now=NOW, expires=later)
    store.remove_user(alice.id)
    assert store.get_session("h3", NOW) is None  # a removed user's sessions go with them


def test_subscriptions(store: SqlStorage) -> None:
    alice, bob = _user(store), _user(store, "bob", owner=False)
    source = add(store)
    sub = store.subscribe(alice.id, source.id, now=NOW, tags=["a", "a", "b"], title="Mine")
    assert (sub.tags, sub.title, sub.active, sub.source.id) == (("a", "b"), "Mine", True, source.id)
    assert sub.name == "Mine"
    store.subscribe(bob.id, source.url, now=NOW)
    assert store.subscribers(source.id) == {alice.id: True, bob.id: True}
    changed = store.update_subscription(
        alice.id, source.id, SubscriptionChange(tags=("c",), active=False)
    )
    assert changed.tags == ("c",) and not changed.active and changed.title == "Mine"
    assert store.subscriptions(alice.id, active_only=True) == []
    again = store.subscribe(alice.id, source.id, now=NOW)  # re-subscribing resumes, keeps tags
    assert again.active and again.tags == ("c",)
    assert store.unsubscribe(alice.id, source.id) == 1
    assert store.unsubscribe(bob.id, source.id) == 0
    with pytest.raises(SourceNotFoundError):
        store.unsubscribe(bob.id, source.id)
    with pytest.raises(SourceNotFoundError):
        store.update_subscription(bob.id, source.id, SubscriptionChange(active=True))
    with pytest.raises(SourceNotFoundError):
        store.subscribe(bob.id, "no-such-source", now=NOW)
    with pytest.raises(UserNotFoundError):
        store.subscribe("nobody", source.id, now=NOW)


def _copies(store: SqlStorage):
    """Two sources; the second's article 0 is a copy of the first's article 0."""
    wire, aggregator = add(store, "https://wire.example/feed"), add(store, "https://agg.example/f")
    originals = batch(wire, 3)
    copies = batch(aggregator, 1, start=10)
    store.upsert_articles(originals + copies)
    store.set_copies(
        [
            CopyDecision(originals[0].id, None, None, "g"),
            CopyDecision(copies[0].id, originals[0].id, "source-link", "g"),
        ]
    )
    return wire, aggregator, originals, copies


def test_items_fold_copy_groups_and_keep_state_per_user(store: SqlStorage) -> None:
    alice, bob = _user(store), _user(store, "bob", owner=False)
    wire, aggregator, originals, copies = _copies(store)
    every = ItemQuery(alice.id, [wire.id, aggregator.id], limit=10)
    refs = store.items(every)
    assert sorted(r.article_id for r in refs) == sorted(o.id for o in originals)
    only_aggregator = store.items(ItemQuery(alice.id, [aggregator.id]))
    assert [r.article_id for r in only_aggregator] == [originals[0].id]  # its original stands
    groups = store.copy_groups([copies[0].id, originals[1].id, "unknown"])
    assert groups == {
        copies[0].id: (originals[0].id, copies[0].id),
        originals[1].id: (originals[1].id,),
    }
    store.set_item_state(alice.id, list(groups[copies[0].id]), now=NOW, read=True)
    store.set_item_state(alice.id, [originals[1].id], now=NOW, starred=True)
    unread = store.items(ItemQuery(alice.id, [wire.id, aggregator.id], read=False))
    assert {r.article_id for r in unread} == {originals[1].id, originals[2].id}
    starred = store.items(ItemQuery(alice.id, [wire.id], starred=True))
    assert [(r.article_id, r.starred, r.read) for r in starred] == [(originals[1].id, True, False)]
    assert store.items(ItemQuery(bob.id, [wire.id], read=True)) == []  # state is per user
    assert store.item_states(alice.id, [copies[0].id]) == {copies[0].id: (True, False)}
    store.set_item_state(alice.id, [originals[1].id], now=NOW, starred=False)
    assert store.items(ItemQuery(alice.id, [wire.id], starred=True)) == []


def test_items_page_by_time_and_continuation(store: SqlStorage) -> None:
    alice = _user(store)
    source = add(store)
    store.upsert_articles(batch(source, 5))
    newest = store.items(ItemQuery(alice.id, [source.id], limit=2))
    assert [r.sort_at for r in newest] == sorted((r.sort_at for r in newest), reverse=True)
    last = newest[-1]
    rest = store.items(ItemQuery(alice.id, [source.id], limit=10, after=(last.sort_at, last.seq)))
    assert len(rest) == 3 and not {r.seq for r in rest} & {r.seq for r in newest}
    oldest = store.items(ItemQuery(alice.id, [source.id], limit=1, oldest_first=True))
    assert oldest[0].sort_at == min(r.sort_at for r in newest + rest)
    window = store.items(
        ItemQuery(
            alice.id,
            [source.id],
            since=NOW + timedelta(minutes=1),
            until=NOW + timedelta(minutes=3),
        )
    )
    assert len(window) == 2
    numbers = store.article_seqs([r.article_id for r in rest])
    assert store.articles_by_seq(list(numbers.values())) == {v: k for k, v in numbers.items()}


def test_unread_counts_credit_one_feed_per_item(store: SqlStorage) -> None:
    alice = _user(store)
    wire, aggregator, originals, _ = _copies(store)
    counts = store.unread_counts(alice.id, [wire.id, aggregator.id])
    assert counts[wire.id][0] == 3 and aggregator.id not in counts
    only_aggregator = store.unread_counts(alice.id, [aggregator.id])
    assert only_aggregator[aggregator.id][0] == 1  # the copy's group counts where it arrived
    store.set_item_state(alice.id, [o.id for o in originals], now=NOW, read=True)
    assert store.unread_counts(alice.id, [wire.id, aggregator.id]) == {}


def test_feedback_undo_and_forgetting_a_users_profiles(store: SqlStorage) -> None:
    store.add_feedback("bob/default", "s1", "like", NOW)
    store.add_feedback("bob_x/default", "s1", "like", NOW)
    store.add_feedback("default", "s1", "less", NOW)
    store.save_digest("bob/default", NOW, {"stories": []}, {"s1": "f"})
    entry = store.feedback("default")[0]
    assert entry.id and store.remove_feedback("default", entry.id)
    assert not store.remove_feedback("default", entry.id)
    assert not store.remove_feedback("default", "not-a-number")
    assert store.forget_profiles("bob/") == 3  # one digest, what it showed, one feedback
    assert store.feedback("bob/default") == [] and store.digests("bob/default") == []
    assert len(store.feedback("bob_x/default")) == 1  # "_" is no wildcard
