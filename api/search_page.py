"""The search page (tra cứu): one box, filters, facet links with counts, sort, highlighted
snippets, pages, "save this search", the saved list and the CSV export link."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import Context, check_csrf
from api.errors import RETRY_AFTER_SECONDS
from api.pages import _base, page_actor, render
from api.search_params import (
    SEARCHABLE_STATUSES,
    SearchParams,
    parse_params,
    status_label,
)
from api.search_results import facets_json, marked, run_search, saved_url, total_text
from documents.errors import InvalidInputError, UnavailableError
from documents.reference import document_types, urgent_labels
from search.port import SearchUnavailableError
from search.query import VIETNAM, Sort

router = APIRouter(include_in_schema=False)


def _raw(request: Request) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        raw.setdefault(key, []).append(value)
    return raw


def _pages(current: int, last: int) -> list[int]:
    """Page numbers to link: the first, the last and two either side of the current one."""
    return sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})


@router.get("/search")
async def search_page(request: Request, context: Context) -> Response:
    base = _base(request, context)
    actor = base["actor"]
    raw = _raw(request)
    values: dict[str, Any] = {
        "params": SearchParams(q=" ".join(raw.get("q", ()))[:500]),
        "types": document_types(),
        "statuses": [(s.value, status_label(s.value)) for s in SEARCHABLE_STATUSES],
        "sorts": list(Sort),
        "saved": context.services.app.saved_searches(actor),
        "result": None,
        "error": None,
        "saved_url": saved_url,
        "vietnam": VIETNAM,
    }
    try:
        params = parse_params(raw, context.services.app.tree())
        values["params"] = params
        if params.q or params.filters():
            result = await run_in_threadpool(run_search, context, actor, params)
            last = max(1, -(-result.total // params.page_size))
            values.update(
                result=result,
                facets=facets_json(context, result),
                marked=marked,
                last_page=last,
                page_numbers=_pages(params.page, last),
                status_label=status_label,
                urgent_labels=urgent_labels,
                total_label=total_text(result.total, result.total_is_lower_bound),
                other_issuers=total_text(result.other_issuers_hits),
            )
    except InvalidInputError as error:
        values["error"] = (error.message_vi, error.message_en)
    except (
        UnavailableError,
        SearchUnavailableError,
    ) as error:  # the form stays, with what was typed in it
        values["error"] = (error.message_vi, error.message_en)
        page = render(request, "search.html", 503, **values, **base)
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page
    status = 422 if values["error"] else 200
    return render(request, "search.html", status, **values, **base)


@router.post("/search/saved")
def save_search(
    request: Request,
    context: Context,
    csrf_token: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    query_string: Annotated[str, Form()] = "",
) -> Response:
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    params = parse_params(parse_qs(query_string[:5000]), context.services.app.tree())
    context.services.app.save_search(actor, name, params.q, params.filters())
    return RedirectResponse(params.url("/search", page=1), status_code=303)


@router.post("/search/saved/{search_id}/delete")
def delete_saved_search(
    search_id: UUID, request: Request, context: Context, csrf_token: Annotated[str, Form()]
) -> Response:
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    context.services.app.delete_saved_search(actor, search_id)
    return RedirectResponse("/search", status_code=303)
