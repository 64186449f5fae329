"""A faster reader for whole PDF objects in pyHanko's parser.

pyHanko reads an object token by token through the file object: one or more ``read``/``seek``
calls per byte of whitespace, per number, per string character, and several function calls per
token. Reading the objects of every revision was 40% of a validation's time (most of it the font
dictionaries' width arrays and the document information's escaped strings). This reader takes
the object's bytes with one read and walks them with regular expressions, building exactly the
objects pyHanko builds (same types, values, ``container_ref``, stream payloads read by pyHanko's
own code), and leaves the file where pyHanko would. It only accepts the common, unambiguous
forms; anything else (a comment, a duplicate key, a name with ``#`` escapes, an unexpected byte,
a nesting deeper than 64, the end of the data, a content stream, an XMP metadata stream) is
handed to pyHanko's own reader from the object's start, so results, errors and edge cases stay
pyHanko's. Installed once, by ``signing.validation``."""

from __future__ import annotations

import re
import threading
from typing import Any

from pyhanko.pdf_utils import generic

__all__ = ["install", "read_object"]

_original = generic.read_object
_lock = threading.Lock()
_FIRST_CHUNK = 4096
_MARGIN = 32  # lookahead that any token may need past its end (pyHanko peeks 20 bytes)
_MAX_DEPTH = 64

_SPACE = re.compile(rb"[ \n\r\t\f\x00]*")
_NAME_TOKEN = re.compile(rb"[^ \n\r\t\f\x00()<>\[\]{}/%]*")
_PLAIN_NAME = re.compile(rb"[\x21-\x22\x24-\x7e]*")
_NUMBER = re.compile(rb"[+,\-.0-9]*")  # pyHanko reads a number up to a byte outside [+-.0-9]
_HEX_BODY = re.compile(rb"[0-9a-fA-F \n\r\t\f\x00]*")
_STRING_SPECIAL = re.compile(rb"[()\\]")
_SIMPLE_ESCAPES = {
    ord("n"): b"\n",
    ord("r"): b"\r",
    ord("t"): b"\t",
    ord("b"): b"\b",
    ord("f"): b"\f",
}
_LITERAL_ESCAPES = frozenset(b"() /%<>[]#_&$\\")
_WHITESPACE = b" \n\r\t\f\x00"
_INDIRECT = generic.INDIRECT_PATTERN
_NO = generic.ContentOpReading.NO


class _Fallback(Exception):
    """Not a form this reader takes: pyHanko's reader reads the object instead."""


class _NeedMore(Exception):
    """The object goes past the bytes read so far."""


class _Parser:
    def __init__(self, data: bytes, at_end: bool, container_ref: Any) -> None:
        self.data = data
        # how far a token may look: to the end when the data end the stream, else short of it
        self.limit = len(data) if at_end else len(data) - _MARGIN
        self.at_end = at_end
        self.container_ref = container_ref

    def need(self, position: int) -> None:
        if position > self.limit:
            if self.at_end:
                raise _Fallback
            raise _NeedMore

    def skip_space(self, position: int) -> int:
        end = _SPACE.match(self.data, position).end()  # type: ignore[union-attr]
        self.need(end + 1)
        if self.data[end] == 0x25:  # '%': a comment
            raise _Fallback
        return end

    def name(self, position: int) -> tuple[generic.NameObject, int]:
        data = self.data
        end = _NAME_TOKEN.match(data, position + 1).end()  # type: ignore[union-attr]
        self.need(end + 1)
        if _PLAIN_NAME.fullmatch(data, position + 1, end) is None:
            raise _Fallback
        return generic.NameObject("/" + data[position + 1 : end].decode("ascii")), end

    def literal(self, position: int) -> tuple[bytes, int]:
        """pyHanko's ``_read_string_literal_bytes`` on the data from ``position`` (on ``(``)."""
        data = self.data
        parts: list[bytes] = []
        depth = 1
        cursor = position + 1
        while True:
            special = _STRING_SPECIAL.search(data, cursor)
            if special is None:
                self.need(len(data) + 1)
                raise _Fallback
            at = special.start()
            self.need(at + 4)
            byte = data[at]
            if byte == 0x28:  # (
                depth += 1
                parts.append(data[cursor : at + 1])
                cursor = at + 1
            elif byte == 0x29:  # )
                depth -= 1
                if depth == 0:
                    parts.append(data[cursor:at])
                    return b"".join(parts), at + 1
                parts.append(data[cursor : at + 1])
                cursor = at + 1
            else:  # backslash
                parts.append(data[cursor:at])
                escaped = data[at + 1]
                cursor = at + 2
                if escaped in _LITERAL_ESCAPES:
                    parts.append(bytes((escaped,)))
                elif escaped in _SIMPLE_ESCAPES:
                    parts.append(_SIMPLE_ESCAPES[escaped])
                elif 0x30 <= escaped <= 0x39:
                    digits = bytes((escaped,))
                    for _ in range(2):
                        if 0x30 <= data[cursor] <= 0x39:
                            digits += data[cursor : cursor + 1]
                            cursor += 1
                        else:
                            break
                    try:
                        parts.append(bytes((int(digits, 8),)))
                    except ValueError:  # an 8 or 9, or a value over 255: pyHanko raises
                        raise _Fallback from None
                elif escaped in (0x0A, 0x0D):  # an escaped line break: nothing
                    if data[cursor] in (0x0A, 0x0D):
                        cursor += 1
                else:
                    raise _Fallback

    def hex_string(self, position: int) -> tuple[bytes, int]:
        data = self.data
        close = data.find(b">", position + 1)
        if close < 0:
            self.need(len(data) + 1)
            raise _Fallback
        self.need(close + 1)
        if _HEX_BODY.fullmatch(data, position + 1, close) is None:
            raise _Fallback
        digits = data[position + 1 : close].translate(None, _WHITESPACE)
        if len(digits) % 2:
            digits += b"0"
        return bytes.fromhex(digits.decode("ascii")), close + 1

    def number(self, position: int) -> tuple[Any, int]:
        data = self.data
        end = _NUMBER.match(data, position).end()  # type: ignore[union-attr]
        self.need(end + 1)
        text = data[position:end].decode("ascii")
        try:
            if "." in text:
                return generic.FloatObject(text), end
            return generic.NumberObject(text), end
        except Exception:  # what pyHanko raises on this token, it raises itself
            raise _Fallback from None

    def value(self, position: int, depth: int) -> tuple[Any, int]:
        """The object starting exactly at ``position`` (pyHanko's ``read_object``)."""
        data = self.data
        self.need(position + 1)
        first = data[position]
        result: Any
        if first == 0x2F:  # /
            result, end = self.name(position)
        elif first == 0x3C:  # <
            self.need(position + 2)
            if data[position + 1] == 0x3C:
                result, end = self.dictionary(position, depth + 1)
                after = _SPACE.match(data, end).end()  # type: ignore[union-attr]
                self.need(after + 6)
                if data[after] == 0x25 or data[after : after + 6] == b"stream":
                    raise _Fallback  # a comment or a stream inside another object
                result = generic.DictionaryObject(result)
            else:
                raw, end = self.hex_string(position)
                result = generic.pdf_string(raw)
        elif first == 0x5B:  # [
            result, end = self.array(position, depth + 1)
        elif first == 0x28:  # (
            raw, end = self.literal(position)
            result = generic.pdf_string(raw)
        elif first == 0x74:  # t
            self.need(position + 4)
            if data[position : position + 4] != b"true":
                raise _Fallback
            result, end = generic.BooleanObject(True), position + 4
        elif first == 0x66:  # f
            self.need(position + 5)
            if data[position : position + 5] != b"false":
                raise _Fallback
            result, end = generic.BooleanObject(False), position + 5
        elif first == 0x6E:  # n
            self.need(position + 4)
            if data[position : position + 4] != b"null":
                raise _Fallback
            result, end = generic.NullObject(), position + 4
        elif first in b"+-.":
            result, end = self.number(position)
        elif 0x30 <= first <= 0x39:
            self.need(position + 20)
            reference = _INDIRECT.match(data, position, position + 20)
            if reference is None:
                result, end = self.number(position)
            else:
                if b"\x0b" in reference.group(0):  # not PDF whitespace: pyHanko's own way
                    raise _Fallback
                idnum, generation = int(reference.group(1)), int(reference.group(2))
                if idnum <= 0:
                    raise _Fallback
                result = generic.IndirectObject(
                    idnum, generation, self.container_ref.get_pdf_handler()
                )
                end = reference.end() - 1
        else:
            raise _Fallback
        result.container_ref = self.container_ref
        return result, end

    def array(self, position: int, depth: int) -> tuple[generic.ArrayObject, int]:
        if depth > _MAX_DEPTH:
            raise _Fallback
        items = generic.ArrayObject()
        cursor = position + 1
        while True:
            cursor = self.skip_space(cursor)
            if self.data[cursor] == 0x5D:  # ]
                return items, cursor + 1
            item, cursor = self.value(cursor, depth)
            items.append(item)

    def dictionary(self, position: int, depth: int) -> tuple[dict[Any, Any], int]:
        """The entries of the dictionary at ``position``, and the position after ``>>``."""
        if depth > _MAX_DEPTH:
            raise _Fallback
        data = self.data
        entries: dict[Any, Any] = {}
        cursor = position + 2
        while True:
            cursor = self.skip_space(cursor)
            first = data[cursor]
            if first == 0x3E:  # >
                self.need(cursor + 2)
                if data[cursor + 1] != 0x3E:
                    raise _Fallback
                return entries, cursor + 2
            if first != 0x2F:
                raise _Fallback
            key, cursor = self.name(cursor)
            cursor = self.skip_space(cursor)
            item, cursor = self.value(cursor, depth)
            if key in entries:
                raise _Fallback
            entries[key] = item


def read_object(
    stream: Any,
    container_ref: Any,
    as_metadata_stream: bool = False,
    in_content_stream: generic.ContentOpReading = _NO,
) -> Any:
    """Same result as ``pyhanko.pdf_utils.generic.read_object``, the stream left at the same
    place."""
    if as_metadata_stream or in_content_stream is not _NO:
        return _original(stream, container_ref, as_metadata_stream, in_content_stream)
    start = stream.tell()
    size = _FIRST_CHUNK
    while True:
        data = stream.read(size)
        parser = _Parser(data, len(data) < size, container_ref)
        try:
            if data[:2] == b"<<":  # a dictionary, or a stream
                entries, end = parser.dictionary(0, 1)
                break
            result, end = parser.value(0, 0)
            stream.seek(start + end)
            return result
        except _NeedMore:
            stream.seek(start)
            size *= 8
        except _Fallback:
            stream.seek(start)
            return _original(stream, container_ref, as_metadata_stream, in_content_stream)
    stream.seek(start + end)
    payload = generic._maybe_read_stream_payload(stream, entries, container_ref.get_pdf_handler())
    result = (
        generic.StreamObject(entries, encoded_data=payload)
        if payload is not None
        else generic.DictionaryObject(entries)
    )
    result.container_ref = container_ref
    return result


def install() -> None:
    """Make pyHanko's parser read objects with ``read_object`` (idempotent)."""
    with _lock:
        generic.read_object = read_object
