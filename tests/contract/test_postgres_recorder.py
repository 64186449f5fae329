"""The PostgreSQL recorder that sends events as one binary parameter
(``eoffice/adapters/postgres_recorder.py``), on a real PostgreSQL: what it stores is what
eventsourcing's own recorder stores, byte for byte, and the notification log stays gap-free and in
commit order under concurrent writers, with and without eventsourcing's database functions."""

from __future__ import annotations

import threading
import time
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory

from eoffice.adapters.postgres_recorder import BinaryPostgresApplicationRecorder
from eoffice.bootstrap import event_store_env
from eoffice.settings import Settings
from tests.servers.postgres import PostgresServer

# Every byte value, the text escapes psycopg's text format must get right, a long state.
AWKWARD_STATES = [
    bytes(range(256)),
    b"\\x00\\\\'\"{}(),\n\r\t NULL",
    b"",
    "Công đoàn Việt Nam — Liên đoàn Lao động".encode() * 500,
]


def env(server: PostgresServer, functions: bool) -> dict[str, str]:
    settings = Settings(
        event_store="postgres",
        postgres_host=server.host,
        postgres_port=server.port,
        postgres_dbname=server.create_database(),
        postgres_user=server.user,
        postgres_password=server.password,
    )
    environment = event_store_env(settings)
    environment["POSTGRES_ENABLE_DB_FUNCTIONS"] = "y" if functions else "n"
    return environment


@pytest.fixture(params=[False, True], ids=["statement", "db-function"])
def recorders(
    request: pytest.FixtureRequest, postgres_server: PostgresServer
) -> tuple[PostgresApplicationRecorder, PostgresApplicationRecorder]:
    """The binary recorder, inserting with a statement as bootstrap configures it or through
    eventsourcing's database function, and eventsourcing's own recorder for comparison."""
    return make_recorders(request, postgres_server, request.param)


@pytest.fixture
def deployed(
    request: pytest.FixtureRequest, postgres_server: PostgresServer
) -> tuple[PostgresApplicationRecorder, PostgresApplicationRecorder]:
    """As bootstrap configures it (eventsourcing's insert *function* takes no table lock, so its
    ids interleave between concurrent saves: not used here)."""
    return make_recorders(request, postgres_server, False)


def make_recorders(
    request: pytest.FixtureRequest, postgres_server: PostgresServer, functions: bool
) -> tuple[PostgresApplicationRecorder, PostgresApplicationRecorder]:
    """Ours and eventsourcing's, each on a database of its own."""
    ours = PostgresFactory(env(postgres_server, functions))
    plain = env(postgres_server, functions)
    del plain["APPLICATION_RECORDER_TOPIC"]
    theirs = PostgresFactory(plain)
    request.addfinalizer(ours.close)
    request.addfinalizer(theirs.close)
    binary, text = ours.application_recorder(), theirs.application_recorder()
    assert isinstance(binary, BinaryPostgresApplicationRecorder)
    assert type(text) is PostgresApplicationRecorder
    return binary, text


def events(originator: UUID, states: list[bytes], first_version: int = 1) -> list[StoredEvent]:
    return [
        StoredEvent(originator, first_version + i, f"tests:Event{i}", state)
        for i, state in enumerate(states)
    ]


def test_stores_exactly_what_eventsourcing_stores(
    recorders: tuple[PostgresApplicationRecorder, PostgresApplicationRecorder],
) -> None:
    binary, text = recorders
    originator = uuid4()
    written = events(originator, AWKWARD_STATES)
    assert binary.insert_events(written) == [1, 2, 3, 4]
    assert text.insert_events(written) == [1, 2, 3, 4]
    ours, theirs = binary.select_events(originator), text.select_events(originator)
    assert [(e.originator_id, e.originator_version, e.topic, e.state) for e in ours] == [
        (e.originator_id, e.originator_version, e.topic, e.state) for e in written
    ]
    assert ours == theirs
    assert [n.state for n in binary.select_notifications(1, 10)] == AWKWARD_STATES


def test_a_stale_version_is_refused_and_nothing_of_its_save_is_stored(
    recorders: tuple[PostgresApplicationRecorder, PostgresApplicationRecorder],
) -> None:
    binary, _ = recorders
    first, second = uuid4(), uuid4()
    binary.insert_events(events(first, [b"a"]))
    with pytest.raises(IntegrityError):  # second's event and first's stale version 1, together
        binary.insert_events(events(second, [b"b"]) + events(first, [b"again"]))
    assert binary.select_events(second) == []
    assert [e.state for e in binary.select_events(first)] == [b"a"]
    # The refused save used up sequence values (a hole no later save fills): the log goes on
    # after it, in order, and a reader that has passed the hole misses nothing.
    (later,) = binary.insert_events(events(second, [b"b"])) or []
    assert later > 2
    assert [n.id for n in binary.select_notifications(1, 10)] == [1, later]


def test_concurrent_writers_get_ordered_ids_and_the_log_has_every_event(
    deployed: tuple[PostgresApplicationRecorder, PostgresApplicationRecorder],
) -> None:
    """Eight threads append 40 saves of 25 events each at once: each save's ids are consecutive
    (the table lock), every id is in the log exactly once, in order, with no hole."""
    binary, _ = deployed
    returned: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(40):
                ids = binary.insert_events(events(uuid4(), [b"x" * 300] * 25))
                assert ids is not None
                returned.append(list(ids))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for ids in returned:
        assert ids == list(range(ids[0], ids[0] + 25))
    all_ids = sorted(i for ids in returned for i in ids)
    assert all_ids == list(range(1, 8 * 40 * 25 + 1))
    log: list[int] = []
    while batch := binary.select_notifications(len(log) + 1, 1000):
        log += [n.id for n in batch]
    assert log == all_ids


def test_work_serialised_under_one_key_never_overlaps_across_recorders(
    postgres_server: PostgresServer,
) -> None:
    """Two recorders of one database with pools of their own (as two worker processes have) hold
    one key in turns; another key is not held up by it."""
    environment = env(postgres_server, False)
    factories = [PostgresFactory(environment), PostgresFactory(environment)]
    binary, other = (factory.application_recorder() for factory in factories)
    assert isinstance(binary, BinaryPostgresApplicationRecorder)
    assert isinstance(other, BinaryPostgresApplicationRecorder)
    key, unrelated = uuid4(), uuid4()
    inside: list[str] = []
    overlaps: list[str] = []
    held = threading.Event()

    def hold(recorder: BinaryPostgresApplicationRecorder, name: str) -> None:
        for _ in range(20):
            with recorder.serialised(key):
                inside.append(name)
                if len(inside) > 1:
                    overlaps.append(f"{inside}")
                held.set()
                time.sleep(0.002)
                inside.remove(name)

    try:
        threads = [
            threading.Thread(target=hold, args=(recorder, name))
            for recorder, name in ((binary, "first"), (other, "second"))
        ]
        for thread in threads:
            thread.start()
        held.wait(timeout=10)
        started = time.perf_counter()
        with other.serialised(unrelated):  # not queued behind ``key``
            waited = time.perf_counter() - started
        for thread in threads:
            thread.join()
        assert overlaps == []
        assert waited < 1.0
        with binary.serialised(key):  # released: taken again at once
            pass
    finally:
        for factory in factories:
            factory.close()
