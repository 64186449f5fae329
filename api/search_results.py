"""Running a checked search for a person and presenting it: the JSON of the API, the rows of
the page (with `<mark>`ed snippets) and the CSV export. Shared by `api.routes_search` and the
search page, so both show the same hits, totals and facets."""

from __future__ import annotations

import csv
import io
import itertools
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from markupsafe import Markup, escape

from api.context import WebContext
from api.search_params import (
    SearchParams,
    check_page,
    search_scope,
    status_label,
    type_code_of,
)
from documents.blobs import BlobStoreUnavailableError
from documents.policy import Actor
from documents.reference import URGENCY_LABELS, Urgency, urgent_labels
from documents.units import UnitTree
from search.port import SearchHit, SearchResult
from search.query import VIETNAM

__all__ = ["csv_rows", "marked", "run_search", "saved_url", "search_json", "total_text"]

CSV_HEADER = (
    "Số, ký hiệu",
    "Ngày ban hành",
    "Loại văn bản",
    "Trích yếu",
    "Đơn vị ban hành",
    "Người ký",
    "Trạng thái",
    "Độ khẩn",
    "Hồ sơ",
    "Mã văn bản",
)
BOM = "\ufeff"

log = logging.getLogger(__name__)


def run_search(context: WebContext, actor: Actor, params: SearchParams) -> SearchResult:
    """The page of `params` within the actor's scope; a page past the last is refused."""
    _caught_up(context)
    result = context.search_index.find(
        params.query(), search_scope(actor, context.services.app.views.unit_tree())
    )
    check_page(params, result.total)
    return result


def _caught_up(context: WebContext) -> None:
    """The index brought up to the event store before it is read. If the file store does not
    answer, the text of a new document cannot be read: the index answers as it stands (the
    projection indexes the rest once the files answer); the search index not answering still
    fails the search (`SearchUnavailableError`)."""
    try:
        context.refresh()
    except BlobStoreUnavailableError as error:
        log.warning("searching the index as it stands, the files do not answer: %s", error)


def marked(hit: SearchHit) -> Markup:
    """The snippet, HTML-escaped, with each matched word in `<mark>`."""
    pieces: list[str] = []
    cursor = 0
    for start, end in hit.highlights:
        if start < cursor:
            continue
        pieces.append(escape(hit.snippet[cursor:start]))
        pieces.append(Markup("<mark>") + escape(hit.snippet[start:end]) + Markup("</mark>"))
        cursor = end
    pieces.append(escape(hit.snippet[cursor:]))
    return Markup("").join(pieces)


def _pair(label: tuple[str, str] | None) -> dict[str, str] | None:
    return None if label is None else {"vi": label[0], "en": label[1]}


def hit_json(hit: SearchHit) -> dict[str, Any]:
    status_vi, status_en = status_label(hit.status)
    return {
        "document_id": hit.document_id,
        "number_symbol": hit.number_symbol,
        "subject": hit.subject,
        "doc_type": hit.doc_type,
        "doc_type_code": type_code_of(hit.doc_type),
        "issuer_unit_id": hit.issuer_unit_id,
        "issuer_name": hit.issuer_name,
        "signer_name": hit.signer_name,
        "status": hit.status,
        "status_label": {"vi": status_vi, "en": status_en},
        "urgency": hit.urgency,
        "urgency_label": _pair(urgent_labels(hit.urgency)),
        "folder": hit.folder,
        "issued_at": hit.issued_at.isoformat(),
        "score": hit.score,
        "snippet": hit.snippet,
        "highlights": [[start, end] for start, end in hit.highlights],
        "snippet_html": str(marked(hit)),
    }


def facets_json(context: WebContext, result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    """Facet values with a label: document type (code), year, issuer (unit id and name)."""
    tree = context.services.app.tree()
    types = [
        {"value": type_code_of(v.value), "label": v.value, "count": v.count}
        for v in result.facets["doc_type"]
        if type_code_of(v.value)
    ]
    years = [{"value": v.value, "label": v.value, "count": v.count} for v in result.facets["year"]]
    issuers = [
        {"value": v.value, "label": _unit_name(tree, v.value), "count": v.count}
        for v in result.facets["issuer_unit_id"]
    ]
    return {"type": types, "year": years, "issuer": issuers}


def _unit_name(tree: UnitTree, unit_id: str) -> str:
    try:
        key = UUID(unit_id)
    except ValueError:
        return unit_id
    return tree.get(key).name if key in tree else unit_id


def search_json(context: WebContext, params: SearchParams, result: SearchResult) -> dict[str, Any]:
    return {
        "q": params.q,
        "filters": params.filters(),
        "sort": params.sort.value,
        "page": params.page,
        "page_size": params.page_size,
        "pages": max(1, -(-result.total // params.page_size)),
        "total": result.total,
        "total_is_lower_bound": result.total_is_lower_bound,
        "hits": [hit_json(hit) for hit in result.hits],
        "facets": facets_json(context, result),
        "other_issuers_hits": result.other_issuers_hits,
    }


def total_text(count: int, lower_bound: bool = False) -> tuple[str, str]:
    """A count as Vietnamese ("10.000") and English ("10,000") write it; "hơn …" / "more than
    …" for a total that is a lower bound."""
    english = f"{count:,}"
    vietnamese = english.replace(",", ".")
    if lower_bound:
        return f"hơn {vietnamese}", f"more than {english}"
    return vietnamese, english


def csv_rows(context: WebContext, actor: Actor, params: SearchParams) -> Iterator[str]:
    """The CSV of every hit in scope (not only a page), UTF-8 with a BOM so that Excel reads
    Vietnamese; one chunk per row so that a large export streams. The search runs (and can
    fail) before this returns, not once the response has started."""
    _caught_up(context)
    hits = context.search_index.scan(
        replace(params, page=1).query(), search_scope(actor, context.services.app.views.unit_tree())
    )
    first = next(hits, None)
    return _csv(first, hits)


def _csv(first: SearchHit | None, rest: Iterator[SearchHit]) -> Iterator[str]:
    hits = itertools.chain([first] if first is not None else [], rest)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    yield BOM + _take(buffer)
    for hit in hits:
        writer.writerow(
            _cell(value)
            for value in (
                hit.number_symbol,
                hit.issued_at.astimezone(VIETNAM).strftime("%d/%m/%Y"),
                hit.doc_type,
                hit.subject,
                hit.issuer_name,
                hit.signer_name,
                status_label(hit.status)[0],
                _urgency_cell(hit.urgency),
                hit.folder,
                hit.document_id,
            )
        )
        yield _take(buffer)


def _urgency_cell(code: str) -> str:
    """The urgency as printed on documents, "Thường" included (a blank cell would say nothing)."""
    try:
        return URGENCY_LABELS[Urgency(code)]
    except ValueError:
        return code


def _cell(value: str) -> str:
    """A cell that a spreadsheet would run as a formula is kept as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def saved_url(saved: dict[str, Any]) -> str:
    """The search page of a saved search."""
    pairs = [("q", saved["query"])] if saved["query"] else []
    pairs += [(key, value) for key, values in saved["filters"].items() for value in values]
    return "/search?" + urlencode(pairs) if pairs else "/search"


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
