"""``signing.object_reader`` reads every object exactly as pyHanko's own reader does: the same
objects (types, values, references, ``container_ref``, stream payloads), the stream left at the
same place, and the same error on damaged bytes (every object of the issued documents, then
thousands of mutated copies of them, then hand-written edge cases)."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import object_reader


def _same(ours: Any, theirs: Any, path: str = "") -> None:
    assert type(ours) is type(theirs), path
    assert getattr(ours, "container_ref", None) is getattr(theirs, "container_ref", None), path
    if isinstance(theirs, generic.IndirectObject):
        assert (ours.idnum, ours.generation) == (theirs.idnum, theirs.generation), path
        assert ours.get_pdf_handler() is theirs.get_pdf_handler(), path
    elif isinstance(theirs, generic.DictionaryObject):
        assert list(ours.keys()) == list(theirs.keys()), path
        for key in theirs:
            _same(ours.raw_get(key), theirs.raw_get(key), f"{path}{key}")
        if isinstance(theirs, generic.StreamObject):
            assert ours.encoded_data == theirs.encoded_data, path
    elif isinstance(theirs, generic.ArrayObject):
        assert len(ours) == len(theirs), path
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            _same(mine, other, f"{path}[{index}]")
    elif isinstance(theirs, generic.FloatObject):
        assert str(ours) == str(theirs), path
    elif isinstance(theirs, generic.TextStringObject | generic.ByteStringObject):
        assert ours.original_bytes == theirs.original_bytes, path
        assert ours == theirs, path
    else:
        assert ours == theirs, path


def _outcome(
    read: Any, data: bytes, start: int, handler: Any, ref: generic.Reference
) -> tuple[str, Any, int]:
    stream = io.BytesIO(data)
    stream.seek(start)
    try:
        return "ok", read(stream, ref), stream.tell()
    except Exception as exc:  # the comparison is of the errors themselves
        return "error", (type(exc), str(exc)), -1


def _compare(data: bytes, start: int, handler: Any) -> str:
    ref = generic.Reference(1, 0, handler)
    installed = generic.read_object
    try:
        generic.read_object = object_reader.read_object
        ours = _outcome(object_reader.read_object, data, start, handler, ref)
        generic.read_object = object_reader._original  # pyHanko's reader all the way down
        theirs = _outcome(object_reader._original, data, start, handler, ref)
    finally:
        generic.read_object = installed
    assert ours[0] == theirs[0], (data[start : start + 80], ours, theirs)
    if theirs[0] == "ok":
        _same(ours[1], theirs[1])
        assert ours[2] == theirs[2]
    else:
        assert ours[1] == theirs[1]
    return theirs[0]


def _object_starts(pdf: bytes) -> list[int]:
    """Where the body of every indirect object of ``pdf`` begins (after ``N G obj``)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    starts = []
    for revision in range(reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            marker = reader.xrefs.get_historical_ref(ref, revision)
            if isinstance(marker, int):
                header_end = pdf.index(b"obj", marker) + 3
                while pdf[header_end : header_end + 1] in (b" ", b"\n", b"\r"):
                    header_end += 1
                starts.append(header_end)
    return sorted(set(starts))


@pytest.fixture(scope="module")
def documents(template_pdf: bytes, personally_signed: bytes, issued_pdf: bytes) -> list[bytes]:
    return [template_pdf, personally_signed, issued_pdf]


def test_every_object_of_the_issued_documents_reads_the_same(
    documents: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    for pdf in documents:
        reader = PdfFileReader(io.BytesIO(pdf))
        for start in _object_starts(pdf):
            assert _compare(pdf, start, reader) == "ok"
    # and none of them needed pyHanko's reader (the speed this module is for)
    handed_over: list[int] = []

    def refuse(stream: Any, *args: Any, **kwargs: Any) -> Any:
        handed_over.append(stream.tell())
        return pyhanko_reader(stream, *args, **kwargs)

    pyhanko_reader = object_reader._original
    monkeypatch.setattr(object_reader, "_original", refuse)
    for pdf in documents:
        reader = PdfFileReader(io.BytesIO(pdf))
        for start in _object_starts(pdf):
            stream = io.BytesIO(pdf)
            stream.seek(start)
            object_reader.read_object(stream, generic.Reference(1, 0, reader))
    assert handed_over == []


def test_mutated_objects_read_the_same_or_fail_the_same(documents: list[bytes]) -> None:
    rng = random.Random(20261123)
    alphabet = b" \n\r\t\x00\x0b%()<>[]{}/\\#0123456789+-.,eERtruefalsnl" + bytes(range(256))
    pdf = documents[-1]
    reader = PdfFileReader(io.BytesIO(pdf))
    starts = _object_starts(pdf)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(6000):
        start = rng.choice(starts)
        data = bytearray(pdf)
        if rng.random() < 0.2:  # the data end soon after the object starts (an object stream)
            del data[start + rng.randint(1, 300) :]
        for _ in range(rng.randint(1, 3)):
            at = min(start + int(rng.expovariate(1 / 60)), len(data) - 1)
            action = rng.random()
            byte = alphabet[rng.randrange(len(alphabet))]
            if action < 0.5:
                data[at] = byte
            elif action < 0.8:
                data.insert(at, byte)
            else:
                del data[at]
        outcomes[_compare(bytes(data), start, reader)] += 1
    assert outcomes["ok"] > 500 and outcomes["error"] > 100, outcomes


@pytest.mark.parametrize(
    "text",
    [
        b"<< /A 1 /B [ 1 2.5 -3 +4 .5 5. ] /C (a(b)c\\)\\n\\101\\0617\\\r\nx) /D <4142 43> >>",
        b"<< /A 1 /A 2 >>",
        b"<< /A 1 % comment\n>>",
        b"<< /A#20B 1 >>",
        b"<< /A 1 >x",
        b"[ 1 0 R 2 0 R 0 0 R ]",
        b"[ 1\x0b0 R ]",
        b"[ 12345678901234 0 R ]",
        b"[ 1 0 Rx ]",
        b"[ true false null truex ]",
        b"(\\8)",
        b"(\\777)",
        b"(\\q)",
        b"(unbalanced",
        b"<4g>",
        b"<414",
        b"[ 1,2 ]",
        b"[ 1.2.3 ]",
        b"[ . ]",
        b" 1",
        b"<< /S << /T 1 >> stream\nabc\nendstream >>",
        b"<< /Length 3 >>\nstream\nabc\nendstream",
        b"<< /Length 5 >>\nstream\nabc\nendstream",
        b"<< /Length 3 >> % note\nstream\nabc\nendstream",
        b"[" * 80 + b"]" * 80,
        b"/Name",
        b"42",
        b"(\xfe\xff\x00A)",
        b"<FEFF0041>",
        b"<< /K [ << /A [ ] >> << >> ] >>   ",
    ],
)
def test_edge_cases_read_the_same_or_fail_the_same(text: bytes) -> None:
    handler = PdfFileReader(io.BytesIO(_tiny_pdf()))
    for padding in (b"", b" " * 40, b"\n endobj\n" + b" " * 5000):
        _compare(text + padding, 0, handler)


def _tiny_pdf() -> bytes:
    from pyhanko.pdf_utils.writer import PdfFileWriter

    buffer = io.BytesIO()
    PdfFileWriter().write(buffer)
    return buffer.getvalue()
