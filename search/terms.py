"""Words as the index sees them, cut in Python so that every engine gets the same terms.

tantivy's analyzer (simple tokenizer, remove tokens of 255 bytes or more, lowercase) is
reproduced here: a word is a run of letters and digits; any other character (space,
punctuation, "_") separates words. The Elasticsearch adapter indexes and queries `" ".join`
of these words with the built-in `whitespace` analyzer, so both engines hold the same terms
for text that went through `search.normalize.normalize` or `fold` first.

Known gap: tantivy also keeps in a word the combining marks that Unicode calls alphabetic
(some Thai and Indic vowel signs), which Python's `\\w` does not; Vietnamese text is not
affected (its marks are precomposed by NFC or removed by `fold`).

`pairs` makes the terms of the whole-query phrase boost from these words: each two adjacent
words of a folded text, indexed without positions by both engines.
"""

from __future__ import annotations

import re
from itertools import pairwise

__all__ = ["MAX_TERM_BYTES", "PAIR_JOINER", "pairs", "terms"]

MAX_TERM_BYTES = 255
"""Words of this many UTF-8 bytes or more are dropped, as tantivy's `remove_long(255)` does."""

_WORD = re.compile(r"[^\W_]+")

PAIR_JOINER = "_"
"""Joins the two words of a pair: never inside a word (it separates words), so a pair is one
term for a whitespace analyzer and cannot be mistaken for a word."""


def terms(text: str) -> list[str]:
    """The lower-cased words of `text`, in order, repeats kept."""
    return [
        word.lower() for word in _WORD.findall(text) if len(word.encode("utf-8")) < MAX_TERM_BYTES
    ]


def pairs(words: list[str]) -> list[str]:
    """Each two adjacent `words` as one term ("cong_doan"), in order, repeats kept: the
    whole-query phrase boost matches them as terms (no positions read); a pair of
    `MAX_TERM_BYTES` or more is dropped, as a long word is."""
    joined = (first + PAIR_JOINER + second for first, second in pairwise(words))
    return [pair for pair in joined if len(pair.encode("utf-8")) < MAX_TERM_BYTES]
