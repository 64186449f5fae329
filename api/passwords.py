"""Password hashing (argon2id). Passwords are NFC-normalised first, so a Vietnamese password
typed on any keyboard (precomposed or combining diacritics) is the same password."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(unicodedata.normalize("NFC", password))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, unicodedata.normalize("NFC", password))
    except (VerificationError, InvalidHashError):
        return False


class Argon2Hasher:
    """``documents.credentials.PasswordHasher`` on argon2id."""

    def hash(self, password: str) -> str:
        return hash_password(password)

    def verify(self, password_hash: str, password: str) -> bool:
        return verify_password(password_hash, password)


ARGON2 = Argon2Hasher()
