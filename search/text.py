"""Plain text for the index and for result lists: PDF text extraction and hit excerpts.

Both keep the original diacritics; only matching goes through `search.normalize.fold`.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator

from pypdf import PdfReader

from search.normalize import fold

__all__ = ["excerpt", "extract_pdf_text", "leading_excerpt", "query_words"]

_log = logging.getLogger(__name__)

_ELLIPSIS = "…"
_WORD = re.compile(r"\w+")
# Excerpts look for a match in this many leading characters of a text (bounds the cost of a
# hit on a very long body; beyond it the excerpt falls back to the start of the text).
_SCAN_LIMIT = 100_000
_CHUNK = 2_000


def extract_pdf_text(pdf: bytes) -> str:
    """Return the text of every page of `pdf`, in NFC; "" for anything pypdf cannot read."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted and not reader.decrypt(""):
            return ""
        pages: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append(page.extract_text() or "")
            except Exception:  # a broken page must not lose the others
                _log.warning("no text from page %d of a PDF", number, exc_info=True)
        return unicodedata.normalize("NFC", "\n".join(pages).strip())
    except Exception:  # pypdf raises many kinds of error on malformed input
        _log.warning("no text from a PDF of %d bytes", len(pdf), exc_info=True)
        return ""


def query_words(query: str) -> list[str]:
    """The folded words of a query, as excerpts match them."""
    return _WORD.findall(fold(query))


def excerpt(text: str, words: Iterable[str], width: int = 200) -> str | None:
    """About `width` characters of `text` around the first whole-word match of any folded
    word in `words`, original diacritics kept; None when no word occurs."""
    flat = _flatten(text)
    alternatives = sorted({word for word in words if word}, key=len, reverse=True)
    if not flat or not alternatives:
        return None
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")
    for start, chunk in _chunks(flat[:_SCAN_LIMIT]):
        folded, origin = _fold_with_offsets(chunk)
        found = pattern.search(folded)
        if found is not None:
            return _window(flat, start + origin[found.start()], width)
    return None


def leading_excerpt(text: str, width: int = 200) -> str:
    """The first `width` characters or so of `text`, cut at a word boundary."""
    flat = _flatten(text)
    return _window(flat, 0, width) if flat else ""


def _flatten(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Consecutive pieces of `text` of about `_CHUNK` characters, cut after a space so that no
    word is split: most matches are early, and folding a whole long body would be wasted."""
    start = 0
    while start < len(text):
        end = text.find(" ", start + _CHUNK)
        end = len(text) if end == -1 else end + 1
        yield start, text[start:end]
        start = end


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold `text` and map each folded character back to the index of its source character."""
    folded = fold(text)
    if len(folded) == len(text):  # the usual case: one folded character per character
        return folded, list(range(len(text) + 1))
    pieces: list[str] = []
    origin: list[int] = []
    cache: dict[str, str] = {}
    for index, char in enumerate(text):
        piece = cache.get(char)
        if piece is None:
            piece = cache[char] = fold(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    origin.append(len(text))
    return "".join(pieces), origin


def _window(text: str, anchor: int, width: int) -> str:
    """`width` characters of `text` with `anchor` in the first third, cut between words."""
    start = max(0, anchor - width // 3)
    end = min(len(text), start + width)
    start = max(0, end - width)
    if start > 0:
        space = text.find(" ", start, anchor)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(anchor, start), end)
        end = space if space > anchor else end
    body = text[start:end].strip()
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = _ELLIPSIS if end < len(text) else ""
    return f"{prefix}{body}{suffix}"
