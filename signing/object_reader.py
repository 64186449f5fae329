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

import binascii
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
_NAME_ENDS = frozenset(_WHITESPACE + b"()<>[]{}/%")
_NO = generic.ContentOpReading.NO
# a name's plain bytes: printable, no '#', no delimiter
_PLAIN = rb"\x21\x22\x24\x26\x27\x2a-\x2e\x30-\x3b\x3d\x3f-\x5a\x5c\x5e-\x7a\x7c\x7e"
_TOKEN = re.compile(
    rb"[ \n\r\t\f\x00]*(?:"
    rb"/([" + _PLAIN + rb"]*)"  # 1: a name
    rb"|(\d+)\s+(\d+)\s+R(?=[^a-zA-Z])"  # 2, 3: a reference (pyHanko's pattern)
    rb"|([+\-.0-9][+,\-.0-9]*)"  # 4: a number
    rb"|(<<)|(>>)|(\[)|(\])"  # 5-8
    rb"|\(([^()\\]*)\)"  # 9: a literal string without escapes or parentheses
    rb"|(\()"  # 10: any other literal string
    rb"|<([0-9a-fA-F \n\r\t\f\x00]*)>"  # 11: a hex string
    rb"|(true|false|null)"  # 12
    rb")"
)
# the rest of an array holding only numbers (no ',' that pyHanko would refuse to start with,
# no NUL that str.split would keep)
_NUMBERS_ONLY = re.compile(rb"([ \n\r\t\f+\-.0-9]*)\]")
_NAME, _REF_ID, _REF_GENERATION, _NUMBER_TOKEN = 1, 2, 3, 4
_DICT_START, _DICT_END, _ARRAY_START, _ARRAY_END = 5, 6, 7, 8
_SIMPLE_LITERAL, _LITERAL_START, _HEX, _KEYWORD = 9, 10, 11, 12


class _Fallback(Exception):
    """Not a form this reader takes: pyHanko's reader reads the object instead."""


class _NeedMore(Exception):
    """The object goes past the bytes read so far."""


class _Parser:
    def __init__(self, data: bytes, at_end: bool, container_ref: Any) -> None:
        self.data = data
        # where a token may end: short of the data's end, so that whatever pyHanko would look
        # at after it is there (one byte before the stream's end, when the data end it)
        self.limit = len(data) - 1 if at_end else len(data) - _MARGIN
        self.at_end = at_end
        self.container_ref = container_ref

    def need(self, position: int) -> None:
        if position > self.limit:
            if self.at_end:
                raise _Fallback
            raise _NeedMore

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

    def parse(self, top_dictionary: bool) -> tuple[Any, int]:
        """The object at the start of the data, and where it ends: for ``top_dictionary``, the
        entries of the dictionary there (the caller reads a stream payload after it)."""
        data = self.data
        if data[:1] in (b"", b" ", b"\n", b"\r", b"\t", b"\f", b"\x00"):
            raise _Fallback  # pyHanko reads an object from exactly where it is asked to
        limit, at_end = self.limit, self.at_end
        container_ref = self.container_ref
        match = _TOKEN.match
        # open containers: an ArrayObject, or [entries, key awaiting its value or None]
        stack: list[Any] = []
        position = 0
        while True:
            token = match(data, position)
            if token is None:
                start = _SPACE.match(data, position).end()  # type: ignore[union-attr]
                if not at_end and (
                    start >= limit or (data[start] == 0x3C and data.find(b">", start) < 0)
                ):
                    raise _NeedMore  # cut short by the end of the data read so far
                raise _Fallback
            end = token.end()
            if end > limit:
                raise _NeedMore if not at_end else _Fallback
            kind = token.lastindex
            value: Any
            if stack and type(stack[-1]) is list and stack[-1][1] is None:
                # a dictionary awaits a key, or its end
                if kind == _NAME:
                    stack[-1][1] = generic.NameObject("/" + token.group(_NAME).decode("ascii"))
                    position = end
                    continue
                if kind != _DICT_END:
                    raise _Fallback
                entries = stack.pop()[0]
                if not stack:
                    if top_dictionary:
                        return entries, end
                    raise _Fallback  # pragma: no cover - a top dictionary is always asked for
                after = _SPACE.match(data, end).end()  # type: ignore[union-attr]
                if after + 6 > limit:
                    raise _NeedMore if not at_end else _Fallback
                if data[after] == 0x25 or data[after : after + 6] == b"stream":
                    raise _Fallback  # a comment, or a stream inside another object
                value = _dictionary(entries)
            elif kind == _NAME:
                value = generic.NameObject("/" + token.group(_NAME).decode("ascii"))
            elif kind == _NUMBER_TOKEN:
                text = token.group(_NUMBER_TOKEN).decode("ascii")
                try:
                    value = generic.FloatObject(text) if "." in text else generic.NumberObject(text)
                except Exception:  # what pyHanko raises on this token, it raises itself
                    raise _Fallback from None
            elif kind == _REF_GENERATION:
                if end - token.start(_REF_ID) + 1 > 20 or b"\x0b" in token.group(0):
                    raise _Fallback  # past pyHanko's 20-byte look, or not PDF whitespace
                idnum = int(token.group(_REF_ID))
                if idnum <= 0:
                    raise _Fallback
                value = generic.IndirectObject(
                    idnum, int(token.group(_REF_GENERATION)), container_ref.get_pdf_handler()
                )
            elif kind == _ARRAY_START:
                numbers = _NUMBERS_ONLY.match(data, end)
                if numbers is None:
                    if len(stack) >= _MAX_DEPTH:
                        raise _Fallback
                    stack.append(generic.ArrayObject())
                    position = end
                    continue
                # an array of plain numbers (widths, rectangles, byte ranges) in one go: no
                # reference can hide there (pyHanko's needs an R before the ']')
                end = numbers.end()
                if end > limit:
                    raise _NeedMore if not at_end else _Fallback
                value = generic.ArrayObject()
                for text in numbers.group(1).decode("ascii").split():
                    try:
                        item = (
                            generic.FloatObject(text) if "." in text else generic.NumberObject(text)
                        )
                    except Exception:  # what pyHanko raises on this token, it raises itself
                        raise _Fallback from None
                    item.container_ref = container_ref
                    value.append(item)
            elif kind == _ARRAY_END:
                if not stack or type(stack[-1]) is list:
                    raise _Fallback
                value = stack.pop()
            elif kind == _DICT_START:
                if len(stack) >= _MAX_DEPTH:
                    raise _Fallback
                if not stack and not top_dictionary:
                    raise _Fallback  # pragma: no cover - the caller asks for a dictionary
                stack.append([{}, None])
                position = end
                continue
            elif kind == _SIMPLE_LITERAL:
                value = generic.pdf_string(token.group(_SIMPLE_LITERAL))
            elif kind == _LITERAL_START:
                raw, end = self.literal(token.start(_LITERAL_START))
                value = generic.pdf_string(raw)
            elif kind == _HEX:
                digits = token.group(_HEX).translate(None, _WHITESPACE)
                if len(digits) % 2:
                    digits += b"0"
                value = generic.pdf_string(binascii.unhexlify(digits))
            elif kind == _KEYWORD:
                word = token.group(_KEYWORD)
                value = (
                    generic.NullObject()
                    if word == b"null"
                    else generic.BooleanObject(word == b"true")
                )
            else:  # a dictionary's end where no dictionary awaits a key
                raise _Fallback
            value.container_ref = container_ref
            position = end
            if not stack:
                if kind == _NAME and data[end] not in _NAME_ENDS:
                    raise _Fallback  # pyHanko's name goes on (and fails on that byte)
                return value, end
            top = stack[-1]
            if type(top) is list:
                entries, key = top
                if key in entries:
                    raise _Fallback  # a duplicate key: pyHanko warns or refuses
                entries[key] = value
                top[1] = None
            else:
                top.append(value)


def _dictionary(entries: dict[Any, Any]) -> generic.DictionaryObject:
    """``DictionaryObject(entries)`` for keys that are all ``NameObject`` already (what its
    constructor would make of them), without a call per key."""
    result = generic.DictionaryObject()
    dict.update(result, entries)
    return result


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
                entries, end = parser.parse(top_dictionary=True)
                break
            result, end = parser.parse(top_dictionary=False)
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
        else _dictionary(entries)
    )
    result.container_ref = container_ref
    return result


def install() -> None:
    """Make pyHanko's parser read objects with ``read_object`` (idempotent)."""
    with _lock:
        generic.read_object = read_object
