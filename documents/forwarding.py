"""``Forwarding`` (chuyển tiếp): a recipient unit passes a received document on to units of its
own subtree.

One aggregate per (document, forwarding unit), with a derived id; each request is a part (the
units chosen that time), delivered by its own workflow. Deliveries are ``Receipt``s with the usual
derived id per (document, unit), so a unit that has the document already (from the issuer or
another forwarding) is not given it twice; the receipt names the forwarding unit (``via_unit_id``).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def forwarding_id_for(document_id: UUID, unit_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"/forwardings/{document_id}/{unit_id}")


class Forwarding(Aggregate):
    @staticmethod
    def create_id(document_id: UUID, from_unit_id: UUID) -> UUID:
        return forwarding_id_for(document_id, from_unit_id)

    @event("Forwarded")
    def __init__(
        self, document_id: UUID, from_unit_id: UUID, by: UUID, unit_ids: list[UUID]
    ) -> None:
        self.document_id = document_id
        self.from_unit_id = from_unit_id
        self.parts: list[list[UUID]] = [list(unit_ids)]

    def forward_again(self, by: UUID, unit_ids: list[UUID]) -> int:
        """A further request from the same unit; returns its part number."""
        self._forwarded_again(
            document_id=self.document_id, from_unit_id=self.from_unit_id, by=by, unit_ids=unit_ids
        )
        return len(self.parts) - 1

    @event("ForwardedAgain")
    def _forwarded_again(
        self, document_id: UUID, from_unit_id: UUID, by: UUID, unit_ids: list[UUID]
    ) -> None:
        self.parts.append(list(unit_ids))
