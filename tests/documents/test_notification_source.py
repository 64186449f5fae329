"""The event log as the read models and the search projection follow it
(``_NotificationSource`` in documents/service/base.py): events this process has just recorded
are handed over as they are, and look like the stored notifications to a reader that only
reads their ids, aggregate ids, versions and topics (the search projection picks documents by
topic without decoding)."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from documents.receipts import Receipt
from tests.documents.builders import office


def receipt() -> Receipt:
    return Receipt(
        document_id=uuid4(),
        recipient_unit_id=uuid4(),
        issuer_unit_id=uuid4(),
        number_symbol="01/KH-LĐLĐ",
        subject="Kế hoạch tổ chức Tháng Công nhân",
        doc_type="ke_hoach",
        urgency="thuong",
        file_sha256="ab" * 32,
    )


def test_remembered_notifications_read_like_stored_ones(tmp_path: Path) -> None:
    app = office(tmp_path)
    first, second = receipt(), receipt()
    app.save_remembered(first, second)
    app.save(receipt())  # not remembered: read from the store
    stored = app.recorder.select_notifications(1, 100)
    given = app.notifications.select_notifications(1, 100)

    def shape(notifications: object) -> list[tuple[int, str, int, str]]:
        return [
            (n.id, str(n.originator_id), n.originator_version, n.topic)
            for n in notifications  # type: ignore[attr-defined]
        ]

    assert len(stored) >= 3
    assert shape(given) == shape(stored)
    remembered = [n for n in given if n.originator_id in (first.id, second.id)]
    assert [type(n).__name__ for n in remembered] == ["_Remembered", "_Remembered"]
    decoded = [app.notifications.to_domain_event(n) for n in given]
    assert [(e.originator_id, e.originator_version) for e in decoded] == [
        (n.originator_id, n.originator_version) for n in stored
    ]


def test_a_second_reader_gets_the_remembered_event_too(tmp_path: Path) -> None:
    """The read model takes an event (and lets it go); a reader that listed it before still
    gets the same event, not an error."""
    app = office(tmp_path)
    saved = receipt()
    app.save_remembered(saved)
    position = app.recorder.max_notification_id()
    assert position is not None
    first_reader = app.notifications.select_notifications(position, 1)
    second_reader = app.notifications.select_notifications(position, 1)
    event = app.notifications.to_domain_event(first_reader[0])
    assert app.notifications.to_domain_event(second_reader[0]) is event
    assert event.originator_id == saved.id
