"""``DispatchList``: what delivering an issued document needs, read once per process.

Once a document is issued, its recipients, number, subject and file never change, so the list
can be kept in memory: the delivery batches of a 126,000-unit dispatch then slice one list instead
of each reloading (and decoding) a document whose draft names every recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

CACHED_LISTS = 32


@dataclass(frozen=True)
class DispatchList:
    document_id: UUID
    issuer_unit_id: UUID
    number_symbol: str
    subject: str
    doc_type: str
    urgency: str
    file_sha256: str
    recipients: tuple[UUID, ...]
