"""What a reader asks the index: `SearchQuery` (text, filters, sort, page) and its parsing.

The query text is read by `parse_text` into plain words, quoted phrases ("…") and prefixes
(word*), already folded and cut by `search.terms`, so that every adapter builds the same
engine query from the same pieces. Filters and dates are plain values: the API checks user
input and turns it into these before any engine sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum

from search.normalize import fold, normalize
from search.terms import terms

__all__ = [
    "FACET_NAMES",
    "MAX_WINDOW",
    "TOTAL_LIMIT",
    "VIETNAM",
    "ParsedText",
    "SearchFilters",
    "SearchQuery",
    "Sort",
    "day_bounds",
    "local_year",
    "parse_text",
]

VIETNAM = timezone(timedelta(hours=7))
"""Dates in filters and the year facet are Vietnamese calendar dates (UTC+7)."""

FACET_NAMES = ("doc_type", "year", "issuer_unit_id")
"""Facets every search counts: document type, year of issue, issuing unit (by id)."""


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass(frozen=True)
class SearchFilters:
    """Each set filter narrows the hits; values of one filter are alternatives."""

    doc_types: tuple[str, ...] = ()
    """Document type names as indexed, e.g. "Kế hoạch"."""
    issuer_unit_id: str | None = None
    issuer_subtree: bool = False
    """With `issuer_unit_id`: the issuer or any unit below it."""
    issued_from: date | None = None
    """First calendar day (Vietnam time), inclusive."""
    issued_to: date | None = None
    """Last calendar day (Vietnam time), inclusive."""
    number_symbol: str | None = None
    """Whole số/ký hiệu, with or without diacritics ("12/KH-CĐ" or "12/kh-cd")."""
    signer: str | None = None
    """Whole name of the signer, with or without diacritics."""
    statuses: tuple[str, ...] = ()


MAX_WINDOW = 10_000
"""`offset + limit` of one page stays within this (Elasticsearch's index.max_result_window);
`SearchIndex.scan` has no such bound."""

TOTAL_LIMIT = 10_000
"""Totals are exact up to this many hits; beyond it a result says "more than 10,000"
(`SearchResult.total_is_lower_bound`), as Elasticsearch's `track_total_hits` does. Pages stay
within `MAX_WINDOW` anyway; `SearchIndex.scan` (the export) still yields every hit."""


@dataclass(frozen=True)
class SearchQuery:
    """Words, phrases and prefixes to match (blank: every document the filters admit)."""

    text: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20

    def __post_init__(self) -> None:
        if self.offset < 0 or self.limit < 1 or self.offset + self.limit > MAX_WINDOW:
            raise ValueError(
                f"page out of range: offset {self.offset}, limit {self.limit} "
                f"(offset >= 0, limit >= 1, offset + limit <= {MAX_WINDOW})"
            )


@dataclass(frozen=True)
class ParsedText:
    """The query text as engines use it; every word folded unless named exact."""

    words: list[str]
    sequence: list[str]
    """The unquoted words in the order typed, repeats kept: the whole-query phrase boost."""
    exact_words: list[str]
    """The words and phrase words as typed (diacritics kept): they only add score."""
    phrases: list[list[str]]
    prefixes: list[str]
    exact_prefixes: list[str]

    @property
    def blank(self) -> bool:
        return not (self.words or self.phrases or self.prefixes)

    def highlight_words(self) -> tuple[list[str], list[str]]:
        """Folded whole words and folded prefixes to mark in a snippet."""
        whole = [*self.words, *(word for phrase in self.phrases for word in phrase)]
        return whole, list(self.prefixes)


_PHRASE = re.compile(r'"([^"]*)"')
MAX_QUERY_WORDS = 256
"""A pasted essay is cut here: keeps Elasticsearch under its limit of query clauses."""


def parse_text(text: str) -> ParsedText:
    """Split `text` into words, "quoted phrases" and prefix* words; anything is accepted."""
    phrases: list[list[str]] = []
    exact: list[str] = []
    for quoted in _PHRASE.findall(text):
        phrase = terms(fold(quoted))
        exact.extend(terms(normalize(quoted)))
        if len(phrase) > 1:
            phrases.append(phrase[:MAX_QUERY_WORDS])
        elif phrase:  # a quoted single word is a word
            text = text + " " + quoted
    rest = _PHRASE.sub(" ", text)
    words: list[str] = []
    prefixes: list[str] = []
    exact_prefixes: list[str] = []
    for token in rest.split():
        folded, typed = terms(fold(token)), terms(normalize(token))
        if token.endswith("*") and folded:
            prefixes.append(folded[-1])
            if typed and typed[-1] != folded[-1]:
                exact_prefixes.append(typed[-1])
            folded, typed = folded[:-1], typed[:-1]
        words.extend(folded)
        exact.extend(typed)
    return ParsedText(
        words=_distinct(words),
        sequence=words[:MAX_QUERY_WORDS],
        exact_words=_distinct(exact),
        phrases=phrases,
        prefixes=_distinct(prefixes),
        exact_prefixes=_distinct(exact_prefixes),
    )


def _distinct(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def day_bounds(filters: SearchFilters) -> tuple[datetime | None, datetime | None]:
    """The date filter as a half-open UTC interval [start, end); an unbounded side is None."""
    start = end = None
    if filters.issued_from is not None and filters.issued_from > date.min:
        start = datetime.combine(filters.issued_from, time(), VIETNAM).astimezone(UTC)
    if filters.issued_to is not None and filters.issued_to < date.max:
        next_day = filters.issued_to + timedelta(days=1)
        end = datetime.combine(next_day, time(), VIETNAM).astimezone(UTC)
    return start, end


def local_year(moment: datetime) -> str:
    return str(moment.astimezone(VIETNAM).year)
