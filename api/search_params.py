"""Search requests as users send them (query-string parameters of the API, the page and saved
searches), checked and turned into a `search.query.SearchQuery`, and the reader's scope.

Every bad value is refused with a Vietnamese/English `InvalidInputError` (422) naming it:
an unknown document type, status, issuer or sort, a malformed or reversed date range, a page
beyond the results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from documents.accounts import Role
from documents.errors import InvalidInputError
from documents.outgoing import STATUS_LABELS, DocumentStatus
from documents.policy import Actor
from documents.reference import document_types
from documents.units import UnitTree
from search.port import SearchScope
from search.query import MAX_WINDOW, SearchFilters, SearchQuery, Sort

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "SEARCHABLE_STATUSES",
    "SearchParams",
    "check_page",
    "parse_params",
    "search_scope",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_TEXT = 500
SEARCHABLE_STATUSES = (
    DocumentStatus.ISSUED,
    DocumentStatus.DISPATCHED,
    DocumentStatus.RECALLED,
    DocumentStatus.REPLACED,
)
"""The statuses an indexed (issued) document can have."""
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
"""Dates outside are refused: tantivy's dates end in 2262 (nanoseconds in 64 bits)."""
FILTER_KEYS = ("type", "issuer", "subtree", "from", "to", "number", "signer", "status")


def search_scope(actor: Actor, tree: UnitTree) -> SearchScope:
    """Own unit's documents (issued or received), with those of every unit merged into it
    (`UnitTree.absorbed`); auditors also see their subtree's — the same rule as
    `documents.policy.is_allowed` for viewing."""
    units = [str(unit) for unit in tree.absorbed(actor.unit_id)]
    return SearchScope(unit_ids=units, subtree_root_ids=units if actor.has(Role.AUDITOR) else [])


@dataclass(frozen=True)
class SearchParams:
    """A checked search request; `types` are document type codes, `statuses` status values."""

    q: str = ""
    types: tuple[str, ...] = ()
    issuer: UUID | None = None
    subtree: bool = False
    date_from: date | None = None
    date_to: date | None = None
    number: str = ""
    signer: str = ""
    statuses: tuple[str, ...] = ()
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    def query(self) -> SearchQuery:
        names = document_types()
        filters = SearchFilters(
            doc_types=tuple(names[code].name for code in self.types),
            issuer_unit_id=str(self.issuer) if self.issuer else None,
            issuer_subtree=self.subtree,
            issued_from=self.date_from,
            issued_to=self.date_to,
            number_symbol=self.number or None,
            signer=self.signer or None,
            statuses=self.statuses,
        )
        offset = (self.page - 1) * self.page_size
        return SearchQuery(self.q, filters, self.sort, offset, self.page_size)

    def filters(self) -> dict[str, list[str]]:
        """The filters as query-string values (what a saved search keeps)."""
        values: dict[str, list[str]] = {
            "type": list(self.types),
            "issuer": [str(self.issuer)] if self.issuer else [],
            "subtree": ["true"] if self.subtree else [],
            "from": [self.date_from.isoformat()] if self.date_from else [],
            "to": [self.date_to.isoformat()] if self.date_to else [],
            "number": [self.number] if self.number else [],
            "signer": [self.signer] if self.signer else [],
            "status": list(self.statuses),
        }
        return {key: value for key, value in values.items() if value}

    def pairs(self, **changes: Any) -> list[tuple[str, str]]:
        """Query-string pairs of this request with `changes` applied (page links, facets)."""
        params = replace(self, **changes)
        pairs = [("q", params.q)] if params.q else []
        pairs += [(key, value) for key, values in params.filters().items() for value in values]
        if params.sort is not Sort.RELEVANCE:
            pairs.append(("sort", params.sort.value))
        if params.page != 1:
            pairs.append(("page", str(params.page)))
        if params.page_size != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", str(params.page_size)))
        return pairs

    def url(self, path: str, **changes: Any) -> str:
        pairs = self.pairs(**changes)
        return f"{path}?{urlencode(pairs)}" if pairs else path

    def year_url(self, path: str, year: str) -> str:
        """This search narrowed to one calendar year (the year facet's link)."""
        first, last = date(int(year), 1, 1), date(int(year), 12, 31)
        return self.url(path, date_from=first, date_to=last, page=1)


def _bad(field_vi: str, field_en: str, value: str) -> InvalidInputError:
    return InvalidInputError(
        f"Giá trị không hợp lệ cho {field_vi}: «{value[:100]}».",
        f"Invalid value for {field_en}: '{value[:100]}'.",
    )


def _one(raw: Mapping[str, Sequence[str]], key: str) -> str:
    values = [value for value in raw.get(key, ()) if value.strip()]
    return values[-1].strip() if values else ""


def _date(raw: Mapping[str, Sequence[str]], key: str, vi: str, en: str) -> date | None:
    text = _one(raw, key)
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            f"Ngày {vi} không hợp lệ: «{text[:40]}» (cần dạng NNNN-TT-NN).",
            f"Invalid {en} date: '{text[:40]}' (expected YYYY-MM-DD).",
        ) from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidInputError(
            f"Ngày {vi} phải trong khoảng {FIRST_DAY.year}–{LAST_DAY.year}.",
            f"The {en} date must be within {FIRST_DAY.year}–{LAST_DAY.year}.",
        )
    return value


def _int(raw: Mapping[str, Sequence[str]], key: str, default: int, low: int, high: int) -> int:
    text = _one(raw, key)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise InvalidInputError(
            f"«{key}» phải là số nguyên từ {low} đến {high}.",
            f"'{key}' must be a whole number from {low} to {high}.",
        )
    return value


def parse_params(raw: Mapping[str, Sequence[str]], tree: UnitTree) -> SearchParams:
    """Check every parameter of `raw` (multi-valued, as in a query string)."""
    text = " ".join(raw.get("q", ()))
    if len(text) > MAX_TEXT:
        raise InvalidInputError(
            f"Từ khóa quá dài (tối đa {MAX_TEXT} ký tự).",
            f"The query is too long (at most {MAX_TEXT} characters).",
        )
    known_types = document_types()
    types = tuple(dict.fromkeys(v.strip() for v in raw.get("type", ()) if v.strip()))
    for code in types:
        if code not in known_types:
            raise _bad("loại văn bản", "document type", code)
    statuses = tuple(dict.fromkeys(v.strip() for v in raw.get("status", ()) if v.strip()))
    for status in statuses:
        if status not in {s.value for s in SEARCHABLE_STATUSES}:
            raise _bad("trạng thái", "status", status)
    issuer = None
    if issuer_text := _one(raw, "issuer"):
        try:
            issuer = UUID(issuer_text)
        except ValueError:
            raise _bad("đơn vị ban hành", "issuer", issuer_text) from None
        if issuer not in tree:
            raise _bad("đơn vị ban hành", "issuer", issuer_text)
    subtree_text = _one(raw, "subtree").lower()
    if subtree_text not in ("", "true", "false", "1", "0", "on"):
        raise _bad("«kể cả đơn vị trực thuộc»", "'subtree'", subtree_text)
    date_from = _date(raw, "from", "từ", "from")
    date_to = _date(raw, "to", "đến", "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidInputError(
            "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.",
            "The start date must not be after the end date.",
        )
    sort_text = _one(raw, "sort") or Sort.RELEVANCE.value
    if sort_text not in {s.value for s in Sort}:
        raise _bad("cách sắp xếp", "sort", sort_text)
    page_size = _int(raw, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _int(raw, "page", 1, 1, MAX_WINDOW // page_size)
    return SearchParams(
        q=text.strip(),
        types=types,
        issuer=issuer,
        subtree=subtree_text in ("true", "1", "on"),
        date_from=date_from,
        date_to=date_to,
        number=_one(raw, "number")[:100],
        signer=_one(raw, "signer")[:200],
        statuses=statuses,
        sort=Sort(sort_text),
        page=page,
        page_size=page_size,
    )


def check_page(params: SearchParams, total: int) -> None:
    """A page past the last one (other than the first page of no results) is refused."""
    last = max(1, -(-total // params.page_size))
    if params.page > last:
        raise InvalidInputError(
            f"Trang {params.page} vượt quá số trang kết quả ({last}).",
            f"Page {params.page} is beyond the last page of results ({last}).",
        )


def type_code_of(name: str) -> str:
    """The code of a document type by its indexed name ("" if it is no longer known)."""
    for code, kind in document_types().items():
        if kind.name == name:
            return code
    return ""


def status_label(status: str) -> tuple[str, str]:
    try:
        return STATUS_LABELS[DocumentStatus(status)]
    except (ValueError, KeyError):
        return (status, status)
