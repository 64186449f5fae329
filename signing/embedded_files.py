"""Files embedded in a PDF (tệp đính kèm trong PDF, ``/EmbeddedFiles``): machine-readable data
carried by a document a person reads — e.g. the list of SHA-256 digests under the table of a
signed manifest — so that a signature over the PDF covers both."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from signing.errors import InvalidPdfError

__all__ = ["embed_file", "embedded_file"]


def embed_file(pdf: bytes, name: str, data: bytes) -> bytes:
    """``pdf`` rewritten with ``data`` embedded as the file ``name`` (before any signature:
    the file is rewritten, not updated incrementally)."""
    try:
        writer = PdfWriter(clone_from=io.BytesIO(pdf))
    except (PdfReadError, ValueError, OSError) as error:
        raise InvalidPdfError(
            "Không đọc được tệp PDF để đính kèm dữ liệu.",
            f"The PDF cannot be read to embed a file ({error}).",
        ) from error
    writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def embedded_file(pdf: bytes, name: str) -> bytes | None:
    """The bytes of the embedded file ``name``, or None when the PDF has no such file (one of
    several files of the same name: None too, it would be ambiguous). Raises
    ``InvalidPdfError`` for bytes that are not a readable PDF."""
    try:
        found = PdfReader(io.BytesIO(pdf)).attachments.get(name)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as error:
        raise InvalidPdfError(
            "Không đọc được tệp PDF hoặc dữ liệu đính kèm trong đó.",
            f"The PDF or the files embedded in it cannot be read ({error}).",
        ) from error
    if not found or len(found) != 1:
        return None
    return bytes(found[0])
