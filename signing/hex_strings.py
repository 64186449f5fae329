"""A faster reader of PDF hex strings for pyHanko's parser.

pyHanko reads a hex string (``<…>``) one byte at a time through a generator, which makes
the ``/Contents`` of a signature (16–32 KB of hex digits) the most expensive object of a
signed PDF to parse, and a validation parses each signature's contents several times. This
reader takes the whole string in one read when it holds only hex digits and PDF whitespace
(what every signature writer produces); anything else (a comment, a bad character, a missing
``>``) is handed back to pyHanko's own reader from the start, so errors and edge cases are
exactly pyHanko's. Installed once, by ``signing.validation``."""

from __future__ import annotations

import binascii
import re
import threading
from typing import Any

from pyhanko.pdf_utils import generic, misc

__all__ = ["install", "read_hex_string"]

_CHUNK = 65536
_WHITESPACE = misc.PDF_WHITESPACE
_ONLY_HEX_AND_SPACE = re.compile(rb"[0-9a-fA-F \n\r\t\f\x00]*")
_original = generic.read_hex_string_from_stream
_lock = threading.Lock()


def read_hex_string(stream: Any) -> generic.ByteStringObject | generic.TextStringObject:
    """Same result as ``pyhanko.pdf_utils.generic.read_hex_string_from_stream``: the stream
    is positioned on ``<`` and is left just after the closing ``>``."""
    start = stream.tell()
    stream.read(1)
    parts: list[bytes] = []
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        if end >= 0:
            parts.append(chunk[:end])
            break
        if not chunk:  # no closing bracket: pyHanko's reader says why
            stream.seek(start)
            return _original(stream)
        parts.append(chunk)
    body = b"".join(parts)
    if _ONLY_HEX_AND_SPACE.fullmatch(body) is None:
        stream.seek(start)
        return _original(stream)
    stream.seek(start + len(body) + 2)
    digits = body.translate(None, _WHITESPACE)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def install() -> None:
    """Make pyHanko's object parser use ``read_hex_string`` (idempotent)."""
    with _lock:
        generic.read_hex_string_from_stream = read_hex_string  # type: ignore[assignment]
