"""The PostgreSQL recorder that sends events as one binary parameter
(``eoffice/adapters/postgres_recorder.py``), on a real PostgreSQL: what it stores is what
eventsourcing's own recorder stores, byte for byte, and the notification log stays gap-free and in
commit order under concurrent writers, with and without eventsourcing's database functions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from psycopg.sql import SQL, Composed

from eoffice import cli
from eoffice.adapters.postgres_recorder import COPY_FROM, BinaryPostgresApplicationRecorder
from eoffice.bootstrap import build_application, event_store_env
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


def test_a_save_large_enough_for_copy_stores_exactly_what_eventsourcing_stores(
    recorders: tuple[PostgresApplicationRecorder, PostgresApplicationRecorder],
) -> None:
    """A save of ``COPY_FROM`` events or more goes through ``COPY``: the same rows, the same
    ids, and the log reads back the same states in order."""
    binary, text = recorders
    states = (AWKWARD_STATES * COPY_FROM)[: COPY_FROM + 3]
    originator = uuid4()
    written = events(uuid4(), [b"before"]) + events(originator, states)
    ids = list(range(1, len(written) + 1))
    assert binary.insert_events(written) == ids
    assert text.insert_events(written) == ids
    assert binary.select_events(originator) == text.select_events(originator)
    log = binary.select_notifications(1, len(written))
    assert [(n.id, n.originator_id, n.state) for n in log] == [
        (i, e.originator_id, e.state) for i, e in zip(ids, written, strict=True)
    ]


def test_a_stale_version_in_a_copied_save_refuses_the_whole_save(
    deployed: tuple[PostgresApplicationRecorder, PostgresApplicationRecorder],
) -> None:
    binary, _ = deployed
    first, second = uuid4(), uuid4()
    binary.insert_events(events(first, [b"a"]))
    with pytest.raises(IntegrityError):
        binary.insert_events(events(second, [b"b"] * COPY_FROM) + events(first, [b"again"]))
    assert binary.select_events(second) == []
    assert [e.state for e in binary.select_events(first)] == [b"a"]
    later = binary.insert_events(events(second, [b"b"] * COPY_FROM)) or []
    assert len(later) == COPY_FROM and later == list(range(later[0], later[0] + COPY_FROM))
    assert [n.id for n in binary.select_notifications(1, 1000)] == [1, *later]


def test_copied_ids_are_read_back_by_key_when_the_range_holds_other_rows(
    deployed: tuple[PostgresApplicationRecorder, PostgresApplicationRecorder],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If another session drew from the sequence in the middle of a ``COPY``, the last ``n``
    values are not all the save's: the count of rows in the range tells, and the ids are read
    back by key (the count is made to disagree here)."""
    binary, _ = deployed
    assert isinstance(binary, BinaryPostgresApplicationRecorder)
    binary.insert_events(events(uuid4(), [b"a"] * 3))
    miscount = binary.count_notifications_statement.as_string().replace("count(*)", "count(*) - 1")
    monkeypatch.setattr(binary, "count_notifications_statement", Composed([SQL(miscount)]))
    originator = uuid4()
    written = events(originator, [b"x"] * COPY_FROM)
    ids = binary.insert_events(written) or []
    assert ids == list(range(4, 4 + COPY_FROM))
    log = binary.select_notifications(4, 1000)
    assert [(n.id, n.originator_id, n.originator_version) for n in log] == [
        (i, originator, e.originator_version) for i, e in zip(ids, written, strict=True)
    ]


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
    """Eight threads append 40 saves each at once, of 25 events (one insert) or of ``COPY_FROM``
    events (``COPY``) in turn: each save's ids are consecutive (the table lock), every id is in
    the log exactly once, in order, with no hole."""
    binary, _ = deployed
    returned: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer() -> None:
        try:
            start.wait()
            for save in range(40):
                size = 25 if save % 2 else COPY_FROM
                ids = binary.insert_events(events(uuid4(), [b"x" * 300] * size))
                assert ids is not None and len(ids) == size
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
        assert ids == list(range(ids[0], ids[0] + len(ids)))
    all_ids = sorted(i for ids in returned for i in ids)
    assert all_ids == list(range(1, 8 * 20 * (25 + COPY_FROM) + 1))
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


# One save larger than a socket write: psycopg's pipeline left such a statement half sent and then
# waited for its result (client and server idle for ever). A hang fails the test after this long.
DEADLOCK_GUARD_SECONDS = 300


def finishes_within(
    seconds: float, server: PostgresServer, database: str, work: Callable[[], object]
) -> object:
    """``work()``'s result, or a failed test if it has not finished after ``seconds``: the
    database's sessions are then ended, so a save stuck on the socket ends too."""
    outcome: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # re-raised below
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        deadline = time.monotonic() + 60
        with server.connect() as admin:
            while thread.is_alive() and time.monotonic() < deadline:  # eventsourcing retries
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (database,),
                )
                thread.join(1)
        pytest.fail(f"still waiting after {seconds} s: client and server deadlocked")
    if errors:
        raise errors[0]
    return outcome[0]


def test_one_save_of_48_mb_is_sent_whole(postgres_server: PostgresServer) -> None:
    """40,000 events of 1,200 bytes (the whole unit tree is about as large) in one save."""
    environment = env(postgres_server, False)
    factory = PostgresFactory(environment)
    try:
        recorder = factory.application_recorder()
        written = [StoredEvent(uuid4(), 1, "tests:Big", b"x" * 1200) for _ in range(40_000)]
        ids = finishes_within(
            DEADLOCK_GUARD_SECONDS,
            postgres_server,
            environment["POSTGRES_DBNAME"],
            lambda: recorder.insert_events(written),
        )
        assert ids == list(range(1, 40_001))
        assert recorder.max_notification_id() == 40_000
        last = recorder.select_notifications(40_000, 1)
        assert [(n.originator_id, n.state) for n in last] == [
            (written[-1].originator_id, written[-1].state)
        ]
    finally:
        factory.close()


def union_tree_csv(units: int) -> str:
    """A tree of ``units`` units: the national federation, 40 provinces, 10 upper grassroots
    units under each, the rest grassroots unions spread under those, with long names (as
    companies' unions have): ~0.7 KB of events a unit, 40,000 units ≈ 28 MB in one save (the hang
    was seen from ~19 MB, every time from ~28 MB)."""
    lines = [
        "code,name,short_name,abbreviation,level,parent_code,place",
        "tld,Tổng Liên đoàn Lao động Việt Nam,Tổng LĐLĐ Việt Nam,TLĐ,national,,Hà Nội",
    ]
    uppers: list[str] = []
    for province in range(40):
        lines.append(
            f"p{province},Liên đoàn Lao động tỉnh số {province},LĐLĐ tỉnh {province},LĐLĐ,"
            f"provincial,tld,Thanh Hóa"
        )
        for upper in range(10):
            code = f"p{province}-u{upper}"
            uppers.append(code)
            lines.append(
                f"{code},Liên đoàn Lao động huyện số {upper},LĐLĐ huyện {upper},LĐLĐ,"
                f"upper_grassroots,p{province},Yên Định"
            )
    for index in range(units - len(lines) + 1):
        parent = uppers[index % len(uppers)]
        lines.append(
            f"{parent}-g{index},Công đoàn cơ sở Công ty Trách nhiệm hữu hạn Một thành viên "
            f"Xây dựng Thương mại và Dịch vụ Vận tải Đường thủy nội địa số {index},"
            f"CĐCS Công ty TNHH MTV Xây dựng Thương mại Dịch vụ Vận tải số {index},CĐCS,"
            f'grassroots,{parent},"Xã Quảng Điền, huyện Quảng Xương, tỉnh Thanh Hóa"'
        )
    return "\n".join(lines) + "\n"


def test_import_units_of_40000_units_is_one_save_that_completes(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """``eoffice import-units`` (one save of the whole file) on PostgreSQL."""
    database = postgres_server.create_database()
    settings = Settings(
        data_dir=tmp_path / "var",
        event_store="postgres",
        postgres_host=postgres_server.host,
        postgres_port=postgres_server.port,
        postgres_dbname=database,
        postgres_user=postgres_server.user,
        postgres_password=postgres_server.password,
    )
    file = tmp_path / "units.csv"
    file.write_text(union_tree_csv(40_000), encoding="utf-8")
    status = finishes_within(
        DEADLOCK_GUARD_SECONDS,
        postgres_server,
        database,
        lambda: cli.import_units(settings, str(file)),
    )
    assert status == 0
    app = build_application(settings)
    try:
        assert app.recorder.max_notification_id() == 40_000
        assert len(app.tree().all()) == 40_000
    finally:
        app.close()
