"""The searchable text fields and their boosts: one layout for both engines.

A document's text is three parts: its subject, its meta text (`search.hits.meta_text`: number,
type, issuer, signer, urgency, file folder) and its body. Each part is one value of a field per
form, so a word is scored once per form, not once per part (the cost of a search over many hits
is one scorer per word and field: nine fields per word cost 40% more than these four, see
docs/benchmarks.md, "Search, tenth pass"). The values of one field are kept apart (a position
gap), so a phrase or a pair never runs from one part into the next.

- `MATCHED` (folded: no diacritics, `search.normalize.fold`): every word, prefix and quoted
  phrase of a query must occur in it; it scores with boost 1.
- `SUBJECT` (the subject alone, folded): a word, prefix or phrase found there adds
  `SUBJECT_BOOST` times its score: the subject names what a document is about.
- `EXACT` (diacritics kept, `search.normalize.normalize`): a word typed with diacritics that
  matches them adds `EXACT_BOOST` times its score, so "công" outranks "cổng" for "công".
- `PAIRS` (adjacent folded words, `search.terms.pairs`, as single terms): the query's adjacent
  pairs add `PAIR_BOOST` times their score (the whole-query phrase boost, without positions).
"""

from __future__ import annotations

from search.hits import meta_text
from search.port import IndexedDocument

__all__ = [
    "EXACT",
    "EXACT_BOOST",
    "MATCHED",
    "PAIRS",
    "PAIR_BOOST",
    "SUBJECT",
    "SUBJECT_BOOST",
    "TEXT_FIELDS",
    "text_parts",
]

MATCHED = "text_folded"
SUBJECT = "subject_folded"
EXACT = "text_exact"
PAIRS = "text_pairs"
TEXT_FIELDS = (MATCHED, SUBJECT, EXACT, PAIRS)

SUBJECT_BOOST = 2.0
EXACT_BOOST = 1.5
PAIR_BOOST = 1.0


def text_parts(document: IndexedDocument) -> list[str]:
    """The subject, the meta text and the body: the values of `MATCHED`, `EXACT` and `PAIRS`
    (the subject, first, is also `SUBJECT`'s)."""
    return [document.subject, meta_text(document), document.body_text]
