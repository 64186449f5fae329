"""Activities of the ``RemoteSigning`` workflow (``workflow/remote_signing.py``). A refusal (the
policy, the signer missing, the service refusing, the person declining or not answering in
time) is a non-retryable ApplicationError with the Vietnamese message and the English detail;
anything else is retried by the workflow's policy."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from uuid import UUID

from asn1crypto import x509 as asn1_x509
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from documents.clock import now_vietnam
from documents.errors import DomainError, ForbiddenError
from documents.policy import Actor
from signing import SignatureLevel, SigningError
from signing.csc_key import CscKey, confirmation_timeout
from signing.remote_signature import (
    CertificateChain,
    PreparedSignature,
    finish_personal,
    prepare_personal,
)
from signing.signers import SignerKind
from workflow.approval_starter import notify_signed
from workflow.remote_signing_messages import (
    RecordRemoteSignature,
    RemoteSignatureValue,
    RemoteSigningAsked,
    RemoteSigningRequest,
)
from workflow.services import OfficeServices
from workflow.signing_steps import check_can_sign_with, leader_appearance, signing_refusals

__all__ = ["POLL_SECONDS", "RemoteSigningActivities"]

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
"""How often the service is asked whether the person confirmed."""


@contextmanager
def refusals() -> Iterator[None]:
    """Domain and signing refusals as non-retryable ApplicationErrors of the same type name."""
    try:
        with signing_refusals():
            yield
    except DomainError as refusal:
        raise ApplicationError(
            refusal.message_vi, refusal.message_en, type=type(refusal).__name__, non_retryable=True
        ) from refusal


def _signing_error(error: SigningError) -> ApplicationError:
    return ApplicationError(
        error.message_vi, error.message_en, type="SigningError", non_retryable=True
    )


class RemoteSigningActivities:
    def __init__(self, services: OfficeServices, now: Callable[[], float] = time.time) -> None:
        self.services = services
        self._now = now

    def _actor(self, account_id: str) -> Actor:
        app = self.services.app
        return app.actor_of(app.account_by_id(UUID(account_id)))

    def _key(self, request: RemoteSigningRequest) -> CscKey:
        actor = self._actor(request.account_id)
        document_id = UUID(request.document_id)
        key = check_can_sign_with(self.services, actor, document_id, SignerKind.REMOTE)
        if not isinstance(key, CscKey):
            raise ForbiddenError(
                "Tài khoản không có phương thức ký “Ký từ xa (CSC)”.",
                "This account has no remote (CSC) signer.",
            )
        return key

    @activity.defn(name="ask_remote_signature")
    def ask_remote_signature(self, request: RemoteSigningRequest) -> RemoteSigningAsked:
        app = self.services.app
        document_id = UUID(request.document_id)
        with refusals():
            key = self._key(request)
            actor = self._actor(request.account_id)
            document = app.document(document_id)
            level = self.services.signature_levels(document.issuer_unit_id).personal
            chain = key.certificates()
            prepared = prepare_personal(
                app.blobs.get(document.body_sha256),
                chain,
                leader_appearance(self.services, actor, document_id),
                now_vietnam(),
                level=level,
                services=self.services.keys.trust_services(),
            )
            prepared_sha256 = app.blobs.put(prepared.pdf)
            request_id = key.ask(prepared.digest_to_sign, f"Ký số văn bản: {document.subject}")
        return RemoteSigningAsked(
            request=request,
            request_id=request_id,
            prepared_sha256=prepared_sha256,
            facts=prepared.facts(),
            certificates=[
                base64.b64encode(c.dump()).decode() for c in (chain.signing, *chain.others)
            ],
            level=level.value,
            deadline=self._now() + key.confirmation_timeout_seconds,
            timeout_seconds=key.confirmation_timeout_seconds,
        )

    @activity.defn(name="await_remote_confirmation")
    def await_remote_confirmation(self, asked: RemoteSigningAsked) -> RemoteSignatureValue:
        with refusals():
            key = self._key(asked.request)
        digest = _prepared(asked, b"").digest_to_sign
        while True:
            activity.heartbeat(asked.request_id)
            try:
                sad = key.confirmation(asked.request_id)
                if sad is not None:
                    value = key.sign_digest(digest, sad)
                    return RemoteSignatureValue(base64.b64encode(value).decode())
            except SigningError as error:
                raise _signing_error(error) from error
            if self._now() >= asked.deadline:
                key.cancel(asked.request_id)  # off the phone: nobody waits for it any more
                raise _signing_error(confirmation_timeout(asked.timeout_seconds))
            time.sleep(POLL_SECONDS)

    @activity.defn(name="record_remote_signature")
    def record_remote_signature(self, record: RecordRemoteSignature) -> None:
        asked = record.asked
        app = self.services.app
        document_id = UUID(asked.request.document_id)
        actor = self._actor(asked.request.account_id)
        document = app.document(document_id)
        if document.signed_sha256 is not None:
            return  # a retry after the signature was recorded
        signing, *others = [
            asn1_x509.Certificate.load(base64.b64decode(c)) for c in asked.certificates
        ]
        chain = CertificateChain(signing, tuple(others))
        level = SignatureLevel(asked.level)
        with refusals():
            signed = finish_personal(
                app.blobs.get(document.body_sha256),
                _prepared(asked, app.blobs.get(asked.prepared_sha256)),
                chain,
                base64.b64decode(record.value.signature),
                leader_appearance(self.services, actor, document_id),
                level=level,
                services=self.services.keys.trust_services(),
            )
            fingerprint = chain.certificate_sha256()
            app.record_signature(actor, document_id, signed, fingerprint, level.value)

    @activity.defn(name="tell_approval_signed")
    async def tell_approval_signed(self, request: RemoteSigningRequest) -> None:
        """The approval workflow learns of the signature; one that is gone or refuses is
        logged — the signature is recorded already."""
        try:
            await notify_signed(
                activity.client(), UUID(request.document_id), UUID(request.account_id)
            )
        except (DomainError, RPCError, RuntimeError):
            log.warning("the approval of %s was not told of the signature", request.document_id)


def _prepared(asked: RemoteSigningAsked, pdf: bytes) -> PreparedSignature:
    return PreparedSignature.from_facts(pdf, dict(asked.facts))
