"""Remote signatures (ký từ xa) run off the request: the service waits for the leader to confirm
on their phone, which may take minutes, so the sign request starts the signature in a
background thread and answers at once; the page and API clients poll its state.

The state is kept in this web process (``RemoteSignings`` on the ``WebContext``): the embedded
stack runs one web process. A document signed is seen as signed from the event store by any
process; only a waiting or failed attempt is known to the process that started it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from documents.errors import ConflictError, DomainError
from documents.policy import Actor
from signing.signers import SignerKind
from workflow.services import OfficeServices
from workflow.signing_steps import check_can_sign_with, sign_as_leader

__all__ = ["RemoteSigning", "RemoteSignings"]

log = logging.getLogger(__name__)

WAITING_VI = "Đang chờ xác nhận trên điện thoại…"
WAITING_EN = "Waiting for confirmation on your phone…"


@dataclass(frozen=True)
class RemoteSigning:
    """An attempt's state: ``waiting``, ``signed`` or ``failed`` (with the reason)."""

    state: str
    message: str
    message_en: str
    account_id: UUID | None = None


class RemoteSignings:
    """The remote signatures this process started, one at a time per document."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._attempts: dict[UUID, RemoteSigning] = {}

    def start(
        self,
        services: OfficeServices,
        actor: Actor,
        document_id: UUID,
        on_signed: Callable[[], None] = lambda: None,
    ) -> None:
        """Checks now what can be refused at once (4xx), then signs in the background;
        ``on_signed`` is called in that thread once the signature is recorded."""
        check_can_sign_with(services, actor, document_id, SignerKind.REMOTE)
        with self._lock:
            current = self._attempts.get(document_id)
            if current is not None and current.state == "waiting":
                raise ConflictError(
                    "Văn bản đang chờ người ký xác nhận trên điện thoại.",
                    "This document is already waiting for the signer's confirmation.",
                )
            self._attempts[document_id] = RemoteSigning(
                "waiting", WAITING_VI, WAITING_EN, actor.account_id
            )
        thread = threading.Thread(
            target=self._sign,
            args=(services, actor, document_id, on_signed),
            name=f"remote-signing-{document_id}",
            daemon=True,
        )
        thread.start()

    def _sign(
        self,
        services: OfficeServices,
        actor: Actor,
        document_id: UUID,
        on_signed: Callable[[], None],
    ) -> None:
        try:
            sign_as_leader(services, actor, document_id, SignerKind.REMOTE)
            on_signed()
        except DomainError as error:
            outcome = RemoteSigning("failed", error.message_vi, error.message_en, actor.account_id)
        except Exception as error:  # reported to the person, never lost in a thread
            log.exception("remote signing of %s failed", document_id)
            outcome = RemoteSigning(
                "failed",
                "Ký từ xa không thành công do lỗi hệ thống; văn bản chưa được ký.",
                f"Remote signing failed ({type(error).__name__}); the document is not signed.",
                actor.account_id,
            )
        else:
            outcome = RemoteSigning(
                "signed", "Đã ký số văn bản.", "The document is signed.", actor.account_id
            )
        with self._lock:
            self._attempts[document_id] = outcome

    def state(self, services: OfficeServices, document_id: UUID) -> RemoteSigning:
        """The latest attempt's state; with none in this process, what the document says."""
        with self._lock:
            attempt = self._attempts.get(document_id)
        if attempt is not None:
            return attempt
        if services.app.document(document_id).signed_sha256 is not None:
            return RemoteSigning("signed", "Đã ký số văn bản.", "The document is signed.")
        return RemoteSigning("none", "Chưa có yêu cầu ký từ xa.", "No remote signing requested.")
