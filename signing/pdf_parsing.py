"""Faster readers for two kinds of PDF tokens in pyHanko's parser: hex strings and names.

pyHanko reads a hex string (``<…>``) one byte at a time through a generator, which made the
``/Contents`` of a signature (16–32 KB of hex digits) the most expensive object of a signed
PDF to parse, and a validation parses each signature's contents several times. Names (``/Type``,
``/Font``…), the most frequent token of a PDF, were also read byte by byte and then decoded byte
by byte. These readers take the whole token with one read and one regular expression when it is
in the common form (hex digits and whitespace; a plain printable name without ``#`` escapes);
anything else (a comment, a bad character, a missing ``>``, an escape, the end of the stream) is
handed back to pyHanko's own reader from the token's start, so results, errors and edge cases are
exactly pyHanko's. Installed once, by ``signing.validation``."""

from __future__ import annotations

import binascii
import re
import threading
from typing import Any

from pyhanko.pdf_utils import generic, misc

__all__ = ["install", "read_hex_string", "read_name"]

_CHUNK = 65536
_NAME_CHUNK = 128
_WHITESPACE = misc.PDF_WHITESPACE
_ONLY_HEX_AND_SPACE = re.compile(rb"[0-9a-fA-F \n\r\t\f\x00]*")
# a name's bytes end at PDF whitespace or a delimiter (pyHanko's read_until_delimiter)
_NAME_TOKEN = re.compile(rb"[^ \n\r\t\f\x00()<>\[\]{}/%]*")
_PLAIN_NAME = re.compile(rb"[\x21-\x22\x24-\x7e]*")  # printable, no '#'
_original_hex = generic.read_hex_string_from_stream
_original_name = generic.NameObject.read_from_stream
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
            return _original_hex(stream)
        parts.append(chunk)
    body = b"".join(parts)
    if _ONLY_HEX_AND_SPACE.fullmatch(body) is None:
        stream.seek(start)
        return _original_hex(stream)
    stream.seek(start + len(body) + 2)
    digits = body.translate(None, _WHITESPACE)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def read_name(stream: Any) -> generic.NameObject:
    """Same result as ``pyhanko.pdf_utils.generic.NameObject.read_from_stream``: the stream
    is positioned on ``/`` and is left on the delimiter that ends the name."""
    start = stream.tell()
    chunk = stream.read(_NAME_CHUNK)
    if chunk[:1] == b"/":
        token = _NAME_TOKEN.match(chunk, 1)
        assert token is not None  # the pattern matches the empty string
        end = token.end()
        # the name ends inside the chunk (not at its edge or the stream's end)
        if end < len(chunk) and _PLAIN_NAME.fullmatch(chunk, 1, end) is not None:
            stream.seek(start + end)
            return generic.NameObject("/" + chunk[1:end].decode("ascii"))
    stream.seek(start)
    return _original_name(stream)


def install() -> None:
    """Make pyHanko's object parser use these readers (idempotent)."""
    with _lock:
        generic.read_hex_string_from_stream = read_hex_string  # type: ignore[assignment]
        generic.NameObject.read_from_stream = staticmethod(read_name)  # type: ignore[method-assign,assignment]
