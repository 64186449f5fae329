"""``signing.historical_objects`` copies objects into a past revision's view exactly as
pyHanko's own copy does (every object of every revision of the issued documents, and the
cases pyHanko refuses)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import historical_objects


def _same(ours: Any, theirs: Any, resolver: Any, path: str = "") -> None:
    assert type(ours) is type(theirs), path
    mine, other = getattr(ours, "container_ref", None), getattr(theirs, "container_ref", None)
    assert type(mine) is type(other), path
    if isinstance(other, generic.Reference):
        assert mine == other and mine.pdf is other.pdf, path
    else:
        assert mine is other, path
    if isinstance(theirs, generic.IndirectObject):
        assert ours.reference == theirs.reference, path
        assert ours.get_pdf_handler() is theirs.get_pdf_handler() is resolver, path
    elif isinstance(theirs, generic.DictionaryObject):
        assert list(ours.keys()) == list(theirs.keys()), path
        for key in theirs:
            _same(ours.raw_get(key), theirs.raw_get(key), resolver, f"{path}{key}")
        if isinstance(theirs, generic.StreamObject):
            assert ours.encoded_data == theirs.encoded_data, path
    elif isinstance(theirs, generic.ArrayObject):
        assert len(ours) == len(theirs), path
        for index, (mine_item, other_item) in enumerate(zip(ours, theirs, strict=True)):
            _same(mine_item, other_item, resolver, f"{path}[{index}]")
    else:
        assert ours is theirs, path  # primitives are shared, not copied


@pytest.mark.parametrize("document", ["template_pdf", "personally_signed", "issued_pdf"])
def test_copies_match_pyhanko_for_every_object_of_every_revision(
    document: str, request: pytest.FixtureRequest
) -> None:
    pdf: bytes = request.getfixturevalue(document)
    reader = PdfFileReader(io.BytesIO(pdf))
    copies = 0
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            raw = reader.get_object(ref, revision, transparent_decrypt=False)
            ours = historical_objects.subsume(resolver, raw)
            theirs = historical_objects._original(resolver, raw)
            _same(ours, theirs, resolver, repr(ref))
            copies += 1
    assert copies > 20


def test_values_pyhanko_refuses_are_refused_the_same() -> None:
    reader = PdfFileReader(io.BytesIO(_tiny_pdf()))
    resolver = reader.get_historical_resolver(0)
    trailer_value = reader.trailer.raw_get("/Root")  # its container is the trailer
    loose = generic.NumberObject(3)  # never read from a file: no container
    for value in (trailer_value, loose, generic.DictionaryObject({})):
        outcomes: list[tuple[str, object]] = []
        for copy in (historical_objects.subsume, historical_objects._original):
            try:
                outcomes.append(("ok", type(copy(resolver, value))))
            except Exception as exc:  # the comparison is of the errors themselves
                outcomes.append(("error", (type(exc), str(exc))))
        assert outcomes[0] == outcomes[1], value


def _tiny_pdf() -> bytes:
    from pyhanko.pdf_utils.writer import PdfFileWriter

    buffer = io.BytesIO()
    PdfFileWriter().write(buffer)
    return buffer.getvalue()
