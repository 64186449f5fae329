"""Reading PDF bytes safely, and writing a prepared PDF out."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, copy_into_new_writer

from signing.errors import InvalidPdfError, SigningError

__all__ = [
    "check_pdf",
    "damage_is_invalid",
    "open_for_update",
    "open_pdf",
    "rewrite",
    "to_bytes",
]

# What reading a damaged file raises, often late: pyHanko loads objects when first touched.
_DAMAGE = (PdfError, ValueError, KeyError, TypeError, IndexError)

_HEADER_WINDOW = 1024  # readers accept junk before %PDF- within the first kilobyte


def open_pdf(pdf: bytes, *, strict: bool = False, walk_pages: bool = True) -> PdfFileReader:
    """Open PDF bytes for reading; ``InvalidPdfError`` for anything that is not a readable,
    unencrypted PDF with at least one page. ``walk_pages=False`` trusts the page tree's
    declared count instead of reading every page (for files checked when they came in)."""
    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in pdf[:_HEADER_WINDOW]:
        raise InvalidPdfError(
            "Tệp không phải là PDF.",
            "The file is not a PDF.",
        )
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=strict)
        encrypted = reader.encrypted
        pages = 0 if encrypted else _page_count(reader) if walk_pages else _declared(reader)
    except Exception as exc:  # a parser boundary: whatever the parser raises means "corrupt"
        raise InvalidPdfError(
            "Tệp PDF bị hỏng hoặc không đọc được.",
            f"The PDF is corrupt or unreadable ({type(exc).__name__}: {exc}).",
        ) from exc
    if encrypted:
        raise InvalidPdfError(
            "Tệp PDF được mã hóa hoặc đặt mật khẩu; hãy tải lên bản không mã hóa.",
            "The PDF is encrypted or password-protected; upload an unencrypted copy.",
        )
    if pages == 0:
        raise InvalidPdfError("Tệp PDF không có trang nào.", "The PDF has no pages.")
    return reader


@contextlib.contextmanager
def damage_is_invalid() -> Iterator[None]:
    """Inside this block, an error from reading a damaged PDF becomes ``InvalidPdfError``.
    Check the caller's own arguments before entering: their ValueErrors would be renamed too."""
    try:
        yield
    except SigningError:
        raise
    except _DAMAGE as exc:
        raise InvalidPdfError(
            "Tệp PDF bị hỏng hoặc không đọc được.",
            f"The PDF is corrupt or unreadable ({type(exc).__name__}: {exc}).",
        ) from exc


def check_pdf(pdf: bytes) -> int:
    """The number of pages of a readable PDF; ``InvalidPdfError`` otherwise."""
    return _page_count(open_pdf(pdf))


def _page_count(reader: PdfFileReader) -> int:
    """The declared page count, after one walk of the whole page tree (a broken tree is a
    corrupt file): every node read once, cycles and missing pages refused."""
    pages = reader.root["/Pages"]
    count = int(pages["/Count"])
    seen: set[generic.Reference] = set()
    stack = [pages]
    leaves = 0
    while stack:
        node = stack.pop()
        kids = node["/Kids"]
        for ref in kids:
            if not isinstance(ref, generic.IndirectObject):
                raise PdfError("Page tree node children must be indirect objects")
            if ref.reference in seen:
                raise PdfError("Circular reference in page tree")
            seen.add(ref.reference)
            kid = ref.get_object()
            kind = kid["/Type"]
            if kind == "/Pages":
                stack.append(kid)
            elif kind == "/Page":
                leaves += 1
            else:
                raise PdfError(f"Unknown node type in page tree: {kind}")
    if leaves < count:
        raise PdfError(f"The page tree holds {leaves} pages, not {count}")
    return count


def _declared(reader: PdfFileReader) -> int:
    pages = reader.root["/Pages"]
    if pages["/Type"] != "/Pages":
        raise PdfError("The page tree's root is not a /Pages node")
    return int(pages["/Count"])


def open_for_update(pdf: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over ``pdf``, parsed once, for the signing steps: ``open_pdf``
    without the walk of every page (which grew a 50-page signature by 3/4). Every file these
    steps sign was checked whole when it came in (rendered here, or an upload through
    ``check_pdf``/``prepare_uploaded_pdf``; a received file through ``validate_pdf``) and is
    stored by its SHA-256; what the signature touches is read anyway, and damage there is an
    ``InvalidPdfError`` too (``damage_is_invalid``)."""
    return IncrementalPdfFileWriter.from_reader(open_pdf(pdf, strict=True, walk_pages=False))


def rewrite(reader: PdfFileReader) -> BasePdfFileWriter:
    """A fresh writer holding a copy of the document, as a single revision."""
    return copy_into_new_writer(reader)


def to_bytes(writer: BasePdfFileWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
