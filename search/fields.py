"""The searchable text fields and their boosts, and which part of a query goes to which field
(`required_leaves`, `scoring_leaves`): one layout for both engines, which only write the leaves.

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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from search.hits import meta_text
from search.port import IndexedDocument
from search.query import ParsedText
from search.terms import pairs

__all__ = [
    "EXACT",
    "EXACT_BOOST",
    "MATCHED",
    "PAIRS",
    "PAIR_BOOST",
    "SUBJECT",
    "SUBJECT_BOOST",
    "TEXT_FIELDS",
    "Leaves",
    "required_leaves",
    "scoring_leaves",
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


Q = TypeVar("Q")


@dataclass(frozen=True)
class Leaves(Generic[Q]):
    """How an engine writes the leaves of a query, each on one field: a word, any word starting
    with a prefix (scoring 1), a phrase."""

    term: Callable[[str, str], Q]
    prefix: Callable[[str, str], Q]
    phrase: Callable[[str, list[str]], Q]


def required_leaves(parsed: ParsedText, leaves: Leaves[Q]) -> list[Q]:
    """What every hit must have: each folded word, prefix and phrase in `MATCHED`."""
    return [
        *(leaves.term(MATCHED, word) for word in parsed.words),
        *(leaves.prefix(MATCHED, start) for start in parsed.prefixes),
        *(leaves.phrase(MATCHED, words) for words in parsed.phrases),
    ]


def scoring_leaves(parsed: ParsedText, leaves: Leaves[Q]) -> list[tuple[float, list[Q]]]:
    """What only adds score, in groups whose scores add up and are then multiplied by the
    group's boost: the subject's, the exact words' and the adjacent pairs'. Empty groups are
    left out."""
    groups = [
        (
            SUBJECT_BOOST,
            [
                *(leaves.term(SUBJECT, word) for word in parsed.words),
                *(leaves.prefix(SUBJECT, start) for start in parsed.prefixes),
                *(leaves.phrase(SUBJECT, words) for words in parsed.phrases),
            ],
        ),
        (
            EXACT_BOOST,
            [
                *(leaves.term(EXACT, word) for word in parsed.exact_words),
                *(leaves.prefix(EXACT, start) for start in parsed.exact_prefixes),
            ],
        ),
        (PAIR_BOOST, [leaves.term(PAIRS, pair) for pair in dict.fromkeys(pairs(parsed.sequence))]),
    ]
    return [(boost, group) for boost, group in groups if group]
