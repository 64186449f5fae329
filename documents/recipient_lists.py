"""A draft's recipients (nơi nhận) as one content-addressed blob.

A dispatch to every grassroots union names ~126,000 units: written into the ``Drafted`` event,
that was ~8 MB of JSON in one event, decoded again whenever the document was loaded. The list
is stored once in the blob store instead (16 bytes per unit after a versioned header), and the
event carries its SHA-256 and the count. Drafts recorded before keep their inline list, which
``OutgoingDocument`` still reads (``inline_recipients``).

The list of a SHA-256 never changes, so decoded lists are kept in a small per-process cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from uuid import UUID

from documents.blobs import BlobStore
from documents.errors import InvalidInputError

HEADER = b"eoffice-recipients/1\n"
CACHED_LISTS = 16


def encode_recipients(unit_ids: Sequence[UUID]) -> bytes:
    return HEADER + b"".join(unit_id.bytes for unit_id in unit_ids)


def decode_recipients(data: bytes) -> tuple[UUID, ...]:
    body = data[len(HEADER) :]
    if not data.startswith(HEADER) or len(body) % 16:
        raise InvalidInputError(
            "Danh sách nơi nhận đã lưu bị hỏng.", "The stored recipient list is corrupt."
        )
    return tuple(UUID(bytes=body[i : i + 16]) for i in range(0, len(body), 16))


class RecipientLists:
    """Stores and reads recipient lists by SHA-256 through the blob store port."""

    def __init__(self, blobs: BlobStore, cached: int = CACHED_LISTS) -> None:
        self.blobs = blobs
        self.cached = cached
        self._lists: OrderedDict[str, tuple[UUID, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, unit_ids: Sequence[UUID]) -> str:
        recipients = tuple(unit_ids)
        sha256 = self.blobs.put(encode_recipients(recipients))
        self._remember(sha256, recipients)
        return sha256

    def get(self, sha256: str) -> tuple[UUID, ...]:
        with self._lock:
            found = self._lists.get(sha256)
            if found is not None:
                self._lists.move_to_end(sha256)
                return found
        recipients = decode_recipients(self.blobs.get(sha256))
        self._remember(sha256, recipients)
        return recipients

    def _remember(self, sha256: str, recipients: tuple[UUID, ...]) -> None:
        with self._lock:
            self._lists[sha256] = recipients
            while len(self._lists) > self.cached:
                self._lists.popitem(last=False)
