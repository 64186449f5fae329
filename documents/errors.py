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


class UnavailableError(RuntimeError):
    """A server the office keeps its records in (files, events, the search index) does not
    answer now. Not a refusal: the same request may succeed later, and the failed one changed
    nothing that stays. Subclasses say which server (``code``, the messages)."""

    code = "unavailable"
    message_vi = (
        "Hệ thống lưu trữ tạm thời không trả lời. Vui lòng thử lại sau ít phút; dữ liệu đã lưu "
        "không bị ảnh hưởng."
    )
    message_en = (
        "The storage does not answer for now. Please try again in a few minutes; nothing "
        "already stored is affected."
    )


class RecordsUnavailableError(UnavailableError):
    """The event store does not answer (its database server is down, unreachable or out of
    connections): nothing can be read or recorded until it does."""

    code = "records_unavailable"
    message_vi = (
        "Cơ sở dữ liệu văn bản tạm thời không trả lời: chưa đọc hay ghi được hồ sơ, văn bản. "
        "Vui lòng thử lại sau ít phút; dữ liệu đã lưu không bị ảnh hưởng."
    )
    message_en = (
        "The document database does not answer for now: records can be neither read nor "
        "written. Please try again in a few minutes; nothing already stored is affected."
    )
