"""The sign form of the document page and the page that waits for a remote signature: the
leader chooses the signer (key file, token, remote service); a remote signature shows
"Đang chờ xác nhận trên điện thoại…" and polls ``GET /api/v1/documents/{id}/signing`` until
it is signed (back to the document) or fails (the reason, nothing changed)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api import actions, remote_signing
from api.deps import Context, check_csrf
from api.pages import _base, page_actor, render

router = APIRouter(include_in_schema=False)


@router.post("/documents/{document_id}/sign")
async def sign_form(
    document_id: UUID,
    request: Request,
    context: Context,
    csrf_token: Annotated[str, Form()],
    signer: Annotated[str, Form(max_length=32)] = "file",
) -> Response:
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    signed = await actions.sign(context, actor, document_id, actions.parse_signer(signer))
    url = f"/documents/{document_id}" if signed else f"/documents/{document_id}/signing"
    return RedirectResponse(url, status_code=303)


@router.get("/documents/{document_id}/signing")
async def waiting_page(document_id: UUID, request: Request, context: Context) -> Response:
    base = await actions.in_thread(_base, request, context)
    await actions.in_thread(actions.authorize_view, context, base["actor"], document_id)
    attempt = await remote_signing.state(context, document_id)
    document = await actions.in_thread(context.services.app.document, document_id)
    return render(
        request,
        "signing_wait.html",
        document_id=document_id,
        subject=document.subject,
        attempt=attempt,
        **base,
    )
