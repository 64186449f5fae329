"""Domain errors: each carries a Vietnamese message (shown first) and an English one."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal the domain can give. ``str()`` is the Vietnamese message."""

    code = "domain_error"

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en


class NotFoundError(DomainError):
    code = "not_found"


class ForbiddenError(DomainError):
    code = "forbidden"


class InvalidInputError(DomainError):
    code = "invalid_input"


class PayloadTooLargeError(InvalidInputError):
    code = "payload_too_large"


class SecretDocumentRefusedError(InvalidInputError):
    code = "secret_document_refused"


class ConflictError(DomainError):
    """The command is illegal in the aggregate's current state (signing twice, ...)."""

    code = "conflict"
