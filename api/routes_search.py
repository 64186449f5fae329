"""Search over the JSON API: `GET /api/v1/search` (words, "phrases", prefix*, filters, facets,
sort, pages), `GET /api/v1/search/export.csv` (every hit in scope) and each person's saved
searches under `/api/v1/saved-searches`. Every parameter is checked by `api.search_params`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import Context, CurrentActor
from api.search_params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parse_params
from api.search_results import csv_rows, run_search, saved_url, search_json
from search.query import Sort

router = APIRouter(prefix="/api/v1", tags=["search"])

CSV_FILE = {
    "description": "Tệp CSV (UTF-8 có BOM) / A CSV file (UTF-8 with a BOM)",
    "content": {"text/csv": {"schema": {"type": "string"}}},
}


class Highlighted(BaseModel):
    vi: str
    en: str


class Hit(BaseModel):
    document_id: str
    number_symbol: str
    subject: str
    doc_type: str
    doc_type_code: str
    issuer_unit_id: str
    issuer_name: str
    signer_name: str
    status: str
    status_label: Highlighted
    urgency: str
    urgency_label: Highlighted | None = Field(description="None for a normal document")
    folder: str = Field(description='the file folder (hồ sơ) as "code title"; empty if not filed')
    issued_at: str
    score: float
    snippet: str
    highlights: list[list[int]] = Field(
        description="[start, end) of each matched word in `snippet`"
    )
    snippet_html: str = Field(description="`snippet` escaped, matched words in <mark>")


class FacetCount(BaseModel):
    value: str
    label: str
    count: int


class SearchResponse(BaseModel):
    q: str
    filters: dict[str, list[str]]
    sort: str
    page: int
    page_size: int
    pages: int
    total: int = Field(
        description="hits in scope; exact up to 10,000, else 10,000 with total_is_lower_bound"
    )
    total_is_lower_bound: bool = Field(
        description='more than `total` hits match ("more than 10,000"); `pages` counts the '
        "pages that can be shown, and the CSV export still has every hit"
    )
    hits: list[Hit]
    facets: dict[str, list[FacetCount]] = Field(
        description="type and year: every value; issuer: the 20 with the most hits, then the "
        "selected issuer (`issuer` with `subtree`) if it is not among them"
    )
    other_issuers_hits: int = Field(
        description="hits of issuers not listed in facets.issuer (a 'more issuers' hint)"
    )


class SavedSearchRequest(BaseModel):
    name: str = Field(max_length=1000)
    q: str = Field(default="", max_length=1000)
    filters: dict[str, list[str]] = Field(
        default_factory=dict,
        description="type, issuer, subtree, from, to, number, signer, status (as in the search)",
    )


class SavedSearch(BaseModel):
    id: str
    name: str
    q: str
    filters: dict[str, list[str]]
    saved_at: str
    url: str = Field(description="The search page of this search")


class Created(BaseModel):
    id: str


Q = Annotated[str, Query(max_length=500, description='words, "a phrase", prefix*')]
Types = Annotated[list[str], Query(description="document type codes, e.g. ke_hoach")]
Statuses = Annotated[list[str], Query(description="issued, dispatched, recalled, replaced")]
Day = Annotated[date | None, Query(description="YYYY-MM-DD, Vietnam time, inclusive")]


def _raw(request: Request) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        raw.setdefault(key, []).append(value)
    return raw


def _saved(saved: dict[str, Any]) -> SavedSearch:
    return SavedSearch(
        id=saved["id"],
        name=saved["name"],
        q=saved["query"],
        filters=saved["filters"],
        saved_at=saved["saved_at"].isoformat(),
        url=saved_url(saved),
    )


@router.get("/search", response_model=SearchResponse)
async def search(
    request: Request,
    actor: CurrentActor,
    context: Context,
    q: Q = "",
    type: Types = [],  # noqa: A002, B006 - the query parameter's name; FastAPI copies defaults
    issuer: Annotated[UUID | None, Query(description="issuing unit id")] = None,
    subtree: Annotated[bool, Query(description="the issuer or any unit below it")] = False,
    from_: Annotated[date | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    to: Day = None,
    number: Annotated[str, Query(max_length=100, description="whole số, ký hiệu")] = "",
    signer: Annotated[str, Query(max_length=200, description="whole name of the signer")] = "",
    status: Statuses = [],  # noqa: B006
    sort: Sort = Sort.RELEVANCE,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """Hits in the reader's scope (own unit's documents; an auditor's whole subtree), with the
    total and the facet counts of every hit in scope; 422 for an unknown type, status or
    issuer, a reversed date range or a page past the last."""
    params = parse_params(_raw(request), context.services.app.tree())
    result = await run_in_threadpool(run_search, context, actor, params)
    return search_json(context, params, result)


@router.get("/search/export.csv", response_class=Response, responses={200: CSV_FILE})
async def export_csv(
    request: Request,
    actor: CurrentActor,
    context: Context,
    q: Q = "",
    type: Types = [],  # noqa: A002, B006
    issuer: Annotated[UUID | None, Query()] = None,
    subtree: bool = False,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Day = None,
    number: Annotated[str, Query(max_length=100)] = "",
    signer: Annotated[str, Query(max_length=200)] = "",
    status: Statuses = [],  # noqa: B006
    sort: Sort = Sort.RELEVANCE,
) -> Response:
    """Every hit of the search in the reader's scope (not only a page), as CSV."""
    raw = {k: v for k, v in _raw(request).items() if k not in ("page", "page_size")}
    params = parse_params(raw, context.services.app.tree())
    rows = await run_in_threadpool(csv_rows, context, actor, params)
    return StreamingResponse(
        rows,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tra-cuu-van-ban.csv"'},
    )


@router.post("/saved-searches", status_code=201, response_model=Created)
def save_search(body: SavedSearchRequest, actor: CurrentActor, context: Context) -> Created:
    """Save a search under a name; its filters are checked as a search's (422 if bad)."""
    raw = {"q": [body.q], **body.filters}
    params = parse_params(raw, context.services.app.tree())
    search_id = context.services.app.save_search(actor, body.name, params.q, params.filters())
    return Created(id=str(search_id))


@router.get("/saved-searches", response_model=list[SavedSearch])
def saved_searches(actor: CurrentActor, context: Context) -> list[SavedSearch]:
    return [_saved(saved) for saved in context.services.app.saved_searches(actor)]


@router.get("/saved-searches/{search_id}/results", response_model=SearchResponse)
async def run_saved_search(
    search_id: UUID,
    actor: CurrentActor,
    context: Context,
    sort: Sort | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """Run a saved search now (its hits are today's, in the reader's scope today)."""
    saved = context.services.app.saved_search(actor, search_id)
    raw: dict[str, list[str]] = {"q": [saved["query"]], **saved["filters"]}
    raw.update(page=[str(page)], page_size=[str(page_size)])
    if sort is not None:
        raw["sort"] = [sort.value]
    params = parse_params(raw, context.services.app.tree())
    result = await run_in_threadpool(run_search, context, actor, params)
    return search_json(context, params, result)


@router.delete("/saved-searches/{search_id}", status_code=204, response_class=Response)
def delete_saved_search(search_id: UUID, actor: CurrentActor, context: Context) -> Response:
    context.services.app.delete_saved_search(actor, search_id)
    return Response(status_code=204)
