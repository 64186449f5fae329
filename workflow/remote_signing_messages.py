"""Inputs, results and state of the ``RemoteSigning`` workflow: ids and plain values, one
dataclass each (no file: the prepared PDF travels by SHA-256 through the blob store)."""

from __future__ import annotations

from dataclasses import dataclass, field

WAITING_VI = "Đang chờ xác nhận trên điện thoại…"
WAITING_EN = "Waiting for confirmation on your phone…"
SIGNED_VI = "Đã ký số văn bản."
SIGNED_EN = "The document is signed."
FAILED_VI = "Ký từ xa không thành công do lỗi hệ thống; văn bản chưa được ký."
FAILED_EN = "Remote signing failed (system error); the document is not signed."


def remote_signing_workflow_id(document_id: str) -> str:
    return f"remote-signing-{document_id}"


@dataclass(frozen=True)
class RemoteSigningRequest:
    """The leader (``account_id``) signs the document with their remote (CSC) signer."""

    document_id: str
    account_id: str


@dataclass(frozen=True)
class RemoteSigningAsked:
    """The document prepared and the service asked: what the next two steps need."""

    request: RemoteSigningRequest
    request_id: str
    """The service's id of the confirmation request."""
    prepared_sha256: str
    """The prepared PDF (the signature's place reserved) in the blob store."""
    facts: dict[str, str | int] = field(default_factory=dict)
    """``PreparedSignature.facts()``: digest, reserved range, signed attributes, time."""
    certificates: list[str] = field(default_factory=list)
    """The credential's certificate then its chain, DER in base64, as the service gave them."""
    level: str = "B-B"
    deadline: float = 0.0
    """Unix time after which the confirmation is no longer awaited."""
    timeout_seconds: float = 120.0


@dataclass(frozen=True)
class RemoteSignatureValue:
    signature: str
    """The service's signature value over the signed attributes, base64."""


@dataclass(frozen=True)
class RecordRemoteSignature:
    asked: RemoteSigningAsked
    value: RemoteSignatureValue


@dataclass(frozen=True)
class RemoteSigningState:
    """``waiting``, ``signed`` or ``failed`` (the reason in Vietnamese and English); ``none``
    when no remote signature was asked for the document."""

    state: str
    message: str
    message_en: str
    account_id: str = ""
