"""The session/actor cache of the web processes (``api/actor_cache.py``): entries last the TTL,
and a sign-out or account change saved by this process drops them at once; one saved by another
process is seen once the TTL has passed."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from api.actor_cache import ActorCache
from documents.accounts import Role
from documents.policy import Actor
from documents.signins import ClientInfo
from tests.documents.builders import actor, office, with_tree

CLIENT = ClientInfo(ip="127.0.0.1", user_agent="pytest")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def someone(name: str = "a") -> Actor:
    return Actor(
        account_id=uuid4(), username=name, full_name=name, unit_id=uuid4(), roles=frozenset()
    )


def test_an_entry_lasts_the_ttl_and_no_longer() -> None:
    clock = Clock()
    cache = ActorCache(2.0, clock)
    person = someone()
    assert cache.get("token") is None
    cache.put("token", person)
    clock.now += 1.9
    assert cache.get("token") == person
    clock.now += 0.2
    assert cache.get("token") is None
    assert len(cache) == 0


def test_a_ttl_of_zero_keeps_nothing() -> None:
    cache = ActorCache(0)
    cache.put("token", someone())
    assert cache.get("token") is None


def test_forgetting_an_account_drops_every_token_of_it_only() -> None:
    cache = ActorCache(60)
    person, other = someone("a"), someone("b")
    cache.put("t1", person)
    cache.put("t2", person)
    cache.put("t3", other)
    cache.forget_account(person.account_id)
    assert cache.get("t1") is None and cache.get("t2") is None
    assert cache.get("t3") == other


def test_the_cache_is_bounded_oldest_first() -> None:
    cache = ActorCache(60, max_entries=3)
    for n in range(5):
        cache.put(f"t{n}", someone(str(n)))
    assert len(cache) == 3
    assert cache.get("t0") is None and cache.get("t1") is None
    assert cache.get("t4") is not None


def test_a_sign_out_or_account_change_saved_here_counts_at_once(tmp_path: Path) -> None:
    app = office(tmp_path)
    with_tree(app)
    cache = ActorCache(60)
    app.save_observers.append(cache.observe)
    clerk = actor(app, "prov-a.clerk")
    admin = actor(app, "root.admin")
    cache.put("session-1", clerk)
    cache.put("session-2", clerk)
    app.record_sign_out(clerk, CLIENT, "session-1")
    assert cache.get("session-1") is None and cache.get("session-2") is None
    assert app.is_session_revoked("session-1")

    cache.put("session-2", clerk)
    app.grant_role(admin, "prov-a.clerk", Role.DRAFTER.value)  # roles are part of the actor
    assert cache.get("session-2") is None


def test_views_and_other_peoples_changes_keep_the_entry(tmp_path: Path) -> None:
    app = office(tmp_path)
    with_tree(app)
    cache = ActorCache(60)
    app.save_observers.append(cache.observe)
    clerk = actor(app, "prov-a.clerk")
    cache.put("session", clerk)
    app.record_sign_out(actor(app, "prov-b.clerk"), CLIENT, "another-session")
    assert cache.get("session") == clerk


def test_another_process_sign_out_is_seen_after_the_ttl(tmp_path: Path) -> None:
    here = office(tmp_path)
    with_tree(here)
    elsewhere = office(tmp_path)  # another web process on the same event store
    clock = Clock()
    cache = ActorCache(2.0, clock)
    here.save_observers.append(cache.observe)
    clerk = actor(here, "prov-a.clerk")
    cache.put("session", clerk)
    elsewhere.record_sign_out(clerk, CLIENT, "session")
    assert cache.get("session") == clerk  # this process does not know yet
    clock.now += 2.0
    assert cache.get("session") is None  # asked again: the event store says revoked
    assert here.is_session_revoked("session")
