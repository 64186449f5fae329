"""Password rules and the hashing port: the domain checks new passwords, the web layer supplies
the hasher (argon2id, ``api/passwords.py``)."""

from __future__ import annotations

import unicodedata
from typing import Protocol

from documents.errors import InvalidInputError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


def check_new_password(password: str, username: str) -> None:
    """At least 10 characters (NIST SP 800-63B asks for 8 and recommends long passphrases; ten
    keeps a dictionary word plus a year out), at most 256, and not containing the username."""
    text = unicodedata.normalize("NFC", password)
    if len(text) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"Mật khẩu mới phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.",
            f"The new password must have at least {MIN_PASSWORD_LENGTH} characters.",
        )
    if len(text) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"Mật khẩu mới dài quá {MAX_PASSWORD_LENGTH} ký tự.",
            f"The new password is longer than {MAX_PASSWORD_LENGTH} characters.",
        )
    if username and username.lower() in text.lower():
        raise InvalidInputError(
            "Mật khẩu mới không được chứa tên đăng nhập.",
            "The new password must not contain the username.",
        )
