"""The JSON API under ``/api/v1``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api import actions, approvals, presenters, unit_picker
from api.context import WebContext
from api.deps import Client, Context, CurrentActor
from api.forms import DraftFormData
from api.passwords import ARGON2
from documents.access import AccessKind
from documents.deadlines import MAX_REMIND_DAYS_BEFORE
from documents.errors import NotFoundError
from documents.reference import document_types
from documents.signins import ClientInfo
from workflow.approval_messages import approval_workflow_id
from workflow.signing_steps import verify_file
from workflow.starter import issuance_progress

router = APIRouter(prefix="/api/v1")


class TokenRequest(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Created(BaseModel):
    id: str


class Accepted(BaseModel):
    id: str
    workflow_id: str | None = None


class IssueOptions(BaseModel):
    response_deadline: str | None = Field(
        default=None,
        max_length=40,
        description="hạn trả lời: YYYY-MM-DD (end of that day) or YYYY-MM-DDTHH:MM, +07:00",
    )
    remind_days_before: int | None = Field(
        default=None,
        ge=0,
        le=MAX_REMIND_DAYS_BEFORE,
        description="days before the deadline's day to remind the recipients (default: as "
        "drafted, else 1); needs a response deadline, given now or when drafting",
    )


def sign_in(context: WebContext, username: str, password: str, client: ClientInfo) -> str:
    """A session token if the password is right and the username is not locked out; the
    attempt is recorded either way (``OfficeApplication.authenticate``)."""
    account = context.services.app.authenticate(username, password, client, ARGON2)
    return context.sessions.issue(account.id, account.credentials)


@router.post("/auth/token", response_model=TokenResponse, tags=["auth"])
def token(body: TokenRequest, context: Context, client: Client) -> TokenResponse:
    """A bearer token. Five failed attempts on a username within 15 minutes lock it for 15
    minutes (429, with ``Retry-After``); every attempt is in the sign-in history."""
    return TokenResponse(access_token=sign_in(context, body.username, body.password, client))


@router.get("/me", tags=["auth"])
def me(actor: CurrentActor, context: Context) -> dict[str, Any]:
    tree = context.services.app.tree()
    return {
        "username": actor.username,
        "full_name": actor.full_name,
        "unit": {"id": str(actor.unit_id), "name": tree.get(actor.unit_id).name},
        "roles": sorted(actor.roles),
    }


@router.get("/units", tags=["units"])
def units(
    actor: CurrentActor,
    context: Context,
    q: Annotated[str | None, Query(max_length=200, description="words of the name or code")] = None,
    parent: Annotated[
        str | None, Query(max_length=200, description="id or code: its direct children")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=unit_picker.MAX_RESULTS)] = None,
) -> list[dict[str, Any]]:
    """Units of the union tree: with ``q``, the active units whose name (with or without
    diacritics) or code holds every word; with ``parent``, its active children; with neither,
    every unit. ``children`` counts the active units directly under each."""
    tree = context.services.app.tree()
    if q is not None:
        found = unit_picker.find_units(tree, q, limit or 50)
    elif parent is not None:
        parent_id = actions.parse_unit_ref(parent)
        if parent_id not in tree:
            raise NotFoundError("Không tìm thấy đơn vị.", "No such unit.")
        found = unit_picker.child_units(tree, tree.get(parent_id), limit or unit_picker.MAX_RESULTS)
    else:
        found = tree.all()[:limit]
    return [unit_picker.unit_row(tree, unit) for unit in found]


@router.get("/document-types", tags=["documents"])
def types() -> list[dict[str, str]]:
    return [
        {"code": t.code, "name": t.name, "abbreviation": t.abbreviation}
        for t in document_types().values()
    ]


@router.post("/documents", status_code=201, response_model=Created, tags=["documents"])
async def create_document(actor: CurrentActor, context: Context, form: DraftFormData) -> Created:
    document_id = await actions.create_draft(context, actor, form)
    return Created(id=str(document_id))


@router.get("/documents/{document_id}", tags=["documents"])
def get_document(document_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    context.services.app.record_access(actor, document_id, AccessKind.VIEW)
    return presenters.document_detail(context, actor, document_id)


PDF_FILE = {
    "description": "Tệp PDF / The PDF file",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/documents/{document_id}/file",
    tags=["documents"],
    response_class=Response,  # no media type: errors stay documented as JSON
    responses={200: PDF_FILE},
)
def document_file(document_id: UUID, actor: CurrentActor, context: Context) -> Response:
    context.services.app.record_access(actor, document_id, AccessKind.DOWNLOAD)
    document = context.services.app.document(document_id)
    data = context.services.app.blobs.get(document.current_sha256)
    name = quote((document.number_symbol or "du-thao").replace("/", "-") + ".pdf")
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{name}"},
    )


@router.get(
    "/documents/{document_id}/attachments/{position}/file",
    tags=["documents"],
    response_class=Response,
    responses={200: PDF_FILE},
)
def attachment_file(
    document_id: UUID, position: int, actor: CurrentActor, context: Context
) -> Response:
    """An attachment (phụ lục, 1-based position): as uploaded until the document is issued,
    then as the issuing unit signed it. Who may download it: whoever may download the document."""
    app = context.services.app
    attachment = app.attachment(actor, document_id, position)
    app.record_access(actor, document_id, AccessKind.DOWNLOAD)
    name = quote(attachment.name if attachment.name.lower().endswith(".pdf") else "phu-luc.pdf")
    return Response(
        app.blobs.get(attachment.current_sha256),
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{name}"},
    )


@router.get("/documents/{document_id}/validation", tags=["documents"])
async def document_validation(
    document_id: UUID, actor: CurrentActor, context: Context
) -> dict[str, Any]:
    await actions.in_thread(
        context.services.app.record_access, actor, document_id, AccessKind.VALIDATION
    )
    document = context.services.app.document(document_id)
    report = await run_in_threadpool(verify_file, context.services, document.current_sha256)
    return report.to_dict()


class Submission(BaseModel):
    reviewers: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="persons of the issuing unit who review before the signer, in order "
        "(usernames or account ids); none: straight to the signer",
    )


@router.post("/documents/{document_id}/submit", response_model=Accepted, tags=["documents"])
async def submit(
    document_id: UUID, actor: CurrentActor, context: Context, body: Submission | None = None
) -> Accepted:
    await approvals.submit(context, actor, document_id, body.reviewers if body else [])
    return Accepted(id=str(document_id), workflow_id=approval_workflow_id(str(document_id)))


@router.post(
    "/documents/{document_id}/issue", status_code=202, response_model=Accepted, tags=["documents"]
)
async def issue(
    document_id: UUID, actor: CurrentActor, context: Context, body: IssueOptions | None = None
) -> Accepted:
    deadline = body.response_deadline if body is not None else None
    remind = body.remind_days_before if body is not None else None
    workflow_id = await actions.issue(context, actor, document_id, deadline, remind)
    return Accepted(id=str(document_id), workflow_id=workflow_id)


@router.get("/documents/{document_id}/dispatch", tags=["documents"])
async def dispatch_progress(
    document_id: UUID, actor: CurrentActor, context: Context
) -> dict[str, Any]:
    actions.authorize_view(context, actor, document_id)
    progress = await issuance_progress(await context.temporal.client(), document_id)
    return {"started": progress is not None, **(progress.__dict__ if progress else {})}


@router.get("/outbox", tags=["registers"])
def outbox(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    return presenters.outbox_rows(context, actor)


@router.get("/inbox", tags=["registers"])
def inbox(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    return presenters.inbox_rows(context, actor)


@router.post("/receipts/{receipt_id}/register", tags=["receipts"])
async def register(receipt_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    number = await actions.register(context, actor, receipt_id)
    warning = context.services.app.duplicate_warning(receipt_id)
    stamped = context.services.app.receipt(receipt_id).stamped_sha256
    return {
        "id": str(receipt_id),
        "arrival_number": number,
        # Nghị định 30, Phụ lục VI: a (number, symbol, issuer) registered before is a warning
        "duplicate_of": context.services.app.views.duplicate_of(receipt_id),
        "warning": {"message": warning[0], "message_en": warning[1]} if warning else None,
        "stamped": stamped is not None,
        "stamped_sha256": stamped,
        "stamped_file": f"/api/v1/receipts/{receipt_id}/stamped-file" if stamped else None,
    }


@router.post("/receipts/{receipt_id}/acknowledge", response_model=Accepted, tags=["receipts"])
async def acknowledge(receipt_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    await actions.acknowledge(context, actor, receipt_id)
    return Accepted(id=str(receipt_id))
