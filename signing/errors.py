"""Errors raised by the signing package, each with a Vietnamese and an English message."""

from __future__ import annotations

__all__ = ["AlreadySignedError", "InvalidPdfError", "SigningError"]


class SigningError(Exception):
    """Base class: something went wrong while preparing, signing or reading a PDF.

    ``str(error)`` is the Vietnamese message, meant for the user; ``message_en`` is for logs.
    """

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message_vi


class InvalidPdfError(SigningError):
    """The bytes are not a usable PDF: not a PDF, corrupt, encrypted, without pages, or
    missing a field the issuance steps need."""


class AlreadySignedError(SigningError):
    """The signature field to be signed already holds a signature."""
