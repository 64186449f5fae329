"""The text values of a run of ``Receipt.Delivered`` events, made once for the read model's two
handlers of them (the inbox rows in ``views.py``, the follow-up rows in ``dispatch_views.py``).

A delivery batch is up to thousands of events sharing one document, issuer and time: each of
those is turned into text once per run (the same object as the event before it), each receipt's
and recipient's id once per event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple


class DeliveredRow(NamedTuple):
    position: int
    receipt_id: str
    document_id: str
    unit_id: str
    issuer_unit_id: str
    via_unit_id: str | None
    """The forwarding unit; None: delivered by the issuer (and for receipts recorded before
    forwarding existed, whose events have no such field)."""
    at: str
    event: Any


def delivered_rows(run: Sequence[tuple[int, Any]]) -> list[DeliveredRow]:
    rows: list[DeliveredRow] = []
    document: object = None
    issuer: object = None
    moment: object = None
    via: object = None
    document_text = issuer_text = at = ""
    via_text: str | None = None
    for position, e in run:
        if e.document_id is not document:
            document, document_text = e.document_id, str(e.document_id)
        if e.issuer_unit_id is not issuer:
            issuer, issuer_text = e.issuer_unit_id, str(e.issuer_unit_id)
        if e.timestamp is not moment:
            moment, at = e.timestamp, e.timestamp.isoformat()
        forwarder = getattr(e, "via_unit_id", None)  # absent from receipts before forwarding
        if forwarder is not via:
            via, via_text = forwarder, None if forwarder is None else str(forwarder)
        rows.append(
            DeliveredRow(
                position,
                str(e.originator_id),
                document_text,
                str(e.recipient_unit_id),
                issuer_text,
                via_text,
                at,
                e,
            )
        )
    return rows
