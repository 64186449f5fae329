"""Plain text for the index and for result lists: PDF text extraction and hit excerpts.

Both keep the original diacritics; only matching goes through `search.normalize.fold`.
`snippet` picks the passage with the most distinct query words, past the letterhead of an
issued document (issuer, motto, number, date, type and subject, which every query about the
issuer would otherwise hit first), and `highlights` marks the matched words in it.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from pypdf import PdfReader

from search.normalize import fold

__all__ = [
    "excerpt",
    "extract_pdf_text",
    "highlights",
    "leading_excerpt",
    "letterhead_end",
    "query_words",
    "snippet",
]

_log = logging.getLogger(__name__)

_ELLIPSIS = "…"
_WORD = re.compile(r"\w+")
# Excerpts look for a match in this many leading characters of a text (bounds the cost of a
# hit on a very long body; beyond it the excerpt falls back to the start of the text).
_SCAN_LIMIT = 100_000
_CHUNK = 2_000
# The motto line ends the letterhead's first part; it is looked for this far into the text.
_MOTTO = "hanh phuc"
_LETTERHEAD_LIMIT = 1_500
_MAX_MATCHES = 500


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


class _FoldedChars(dict[int, str]):
    """`fold` of each character met so far, as a `str.translate` table: a character is folded
    (in Python) the first time `translate` meets it, then looked up (in C)."""

    def __missing__(self, code: int) -> str:
        if len(self) >= _MAX_FOLDED_CHARS:
            self.clear()
        folded = self[code] = fold(chr(code))
        return folded


_MAX_FOLDED_CHARS = 65_536
_FOLDED_CHARS = _FoldedChars()


def _fold_chars(text: str) -> str:
    """`text` folded character by character (through `str.translate`): what excerpts match
    on. It differs from `fold(text)` only where NFC would join characters again after their
    diacritics are gone, which Vietnamese text never needs."""
    return text.translate(_FOLDED_CHARS)


def _fold_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Fold `text` and map each folded character back to the index of its source character."""
    folded = _fold_chars(text)
    if len(folded) == len(text):  # the usual case: one folded character per character
        return folded, range(len(text) + 1)
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


def _matcher(words: Iterable[str], prefixes: Iterable[str]) -> re.Pattern[str] | None:
    """Whole folded words, or folded prefixes followed by any word characters."""
    return _compiled_matcher(tuple(words), tuple(prefixes))


@lru_cache(maxsize=256)
def _compiled_matcher(words: tuple[str, ...], prefixes: tuple[str, ...]) -> re.Pattern[str] | None:
    """`_matcher`, built once per query (a page's hits share it)."""
    whole = sorted({word for word in words if word}, key=len, reverse=True)
    starts = sorted({prefix for prefix in prefixes if prefix}, key=len, reverse=True)
    options = []
    if whole:
        options.append("(?:" + "|".join(map(re.escape, whole)) + r")(?!\w)")
    if starts:
        options.append("(?:" + "|".join(map(re.escape, starts)) + r")\w*")
    return re.compile(r"(?<!\w)(?:" + "|".join(options) + ")") if options else None


def _matches(flat: str, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of each match in `flat`, offsets into `flat`."""
    return _matches_in(*_fold_with_offsets(flat[:_SCAN_LIMIT]), pattern)


def _matches_in(
    folded: str, origin: Sequence[int], pattern: re.Pattern[str]
) -> list[tuple[int, int, str]]:
    """`_matches` on a text already folded (`origin` maps back to it)."""
    found: list[tuple[int, int, str]] = []
    for match in pattern.finditer(folded):
        found.append((origin[match.start()], origin[match.end()], match.group()))
        if len(found) >= _MAX_MATCHES:
            break
    return found


def letterhead_end(flat: str, subject: str) -> int:
    """Where the text of an issued document starts after its letterhead (0 if none): after
    the subject that follows the motto ("Độc lập - Tự do - Hạnh phúc"), or after the motto."""
    folded, origin = _fold_with_offsets(flat[: 3 * _LETTERHEAD_LIMIT])
    return _letterhead_end_in(folded, origin, len(flat), subject)


def _letterhead_end_in(folded: str, origin: Sequence[int], length: int, subject: str) -> int:
    """`letterhead_end` on the folded text (`origin` maps back to the text of `length`)."""
    motto = folded.find(_MOTTO, 0, _LETTERHEAD_LIMIT)
    if motto == -1:
        return 0
    stop = motto + len(_MOTTO)
    folded_subject = " ".join(fold(subject).split())
    if folded_subject:
        at = folded.find(folded_subject, stop, stop + _LETTERHEAD_LIMIT)
        if at != -1:
            stop = at + len(folded_subject)
    return origin[stop] if stop < len(origin) else length


def snippet(
    body: str, subject: str, words: list[str], prefixes: list[str], width: int = 200
) -> str:
    """About `width` characters around the best passage of `body` past its letterhead (the
    one with the most distinct query words, the earliest of equals); else of the letterhead,
    else of `subject`; else the start of the body past the letterhead."""
    pattern = _matcher(words, prefixes)
    flat = _flatten(body)
    folded, origin = _fold_with_offsets(flat[:_SCAN_LIMIT])  # once, for all that follows
    start = _letterhead_end_in(folded, origin, len(flat), subject) if flat else 0
    if pattern is not None:
        found = _matches_in(folded, origin, pattern)
        past = [(a - start, b - start, word) for a, b, word in found if a >= start]
        if past:  # the window must not reach back into the letterhead
            return _window(flat[start:], _best_anchor(past, width), width)
        if found:
            return _window(flat, _best_anchor(found, width), width)
        in_subject = _matches(_flatten(subject), pattern)
        if in_subject:
            return _window(_flatten(subject), _best_anchor(in_subject, width), width)
    if flat[start:].strip():
        return _window(flat[start:].lstrip(), 0, width)
    return leading_excerpt(body or subject, width)


def _best_anchor(found: list[tuple[int, int, str]], width: int) -> int:
    """The start of the match whose window holds the most distinct words (the earliest of
    equals). `found` is in text order, so each window is a run of it: one pass with counts."""
    reach = width * 2 // 3
    best, best_count = found[0][0], 0
    counts: Counter[str] = Counter()
    end = 0
    for index, (start, _, _) in enumerate(found):
        while end < len(found) and found[end][0] < start + reach:
            counts[found[end][2]] += 1
            end += 1
        if len(counts) > best_count:
            best, best_count = start, len(counts)
        word = found[index][2]
        counts[word] -= 1
        if not counts[word]:
            del counts[word]
    return best


def highlights(text: str, words: list[str], prefixes: list[str]) -> list[tuple[int, int]]:
    """`[start, end)` of every word of `text` that a query word or prefix matches, folded."""
    pattern = _matcher(words, prefixes)
    if pattern is None or not text:
        return []
    return [(start, end) for start, end, _ in _matches(text, pattern)]
