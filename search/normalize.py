"""The one text normaliser used to index documents and to read queries.

Vietnamese text reaches us in two Unicode forms (precomposed NFC from most editors, decomposed
NFD from some PDF producers and macOS) and users type queries with or without diacritics
(dấu). Every engine (tantivy, Elasticsearch) is fed the output of these functions, so both
index the same terms and a query means the same thing everywhere:

- `normalize` keeps diacritics: NFC + casefold ("Công Đoàn" -> "công đoàn");
- `fold` also removes them and maps đ/Đ to d ("Công Đoàn" -> "cong doan"), which Unicode
  decomposition alone does not do (đ is a letter with a stroke, not a letter plus a mark).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "fold_normalized", "has_diacritics", "normalize"]

# Combining marks of the Latin-script diacritic blocks. Marks of other scripts (Thai or
# Devanagari vowel signs, say) are part of their letters, not diacritics, and are kept.
_DIACRITIC_MARKS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)

# Letters whose diacritic is part of the glyph, so NFD leaves them whole (after casefold).
_STROKED_LETTERS = (("đ", "d"), ("ð", "d"), ("ø", "o"), ("ł", "l"), ("ħ", "h"), ("ı", "i"))


def normalize(text: str) -> str:
    """Return `text` in NFC, casefolded, diacritics kept: the exact form of a term."""
    # casefold can produce decomposed sequences ("İ" -> "i̇"), hence NFC on both sides.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def fold(text: str) -> str:
    """Return `normalize(text)` without diacritics, đ folded to d: the loose form of a term."""
    return fold_normalized(normalize(text))


def fold_normalized(normalized: str) -> str:
    """`fold` of text that is already `normalize`d (indexing needs both forms of each text)."""
    decomposed = unicodedata.normalize("NFD", normalized)
    stripped = _DIACRITIC_MARKS.sub("", decomposed)
    for letter, plain in _STROKED_LETTERS:  # str.replace is much faster than str.translate
        if letter in stripped:
            stripped = stripped.replace(letter, plain)
    return unicodedata.normalize("NFC", stripped)


def has_diacritics(text: str) -> bool:
    """Tell whether folding changes `text`, i.e. whether the user typed any diacritic."""
    return normalize(text) != fold(text)
