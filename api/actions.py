"""The commands a person can give, shared by the JSON API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool

from api.context import WebContext
from api.forms import DraftForm
from documents.errors import InvalidInputError, PayloadTooLargeError
from documents.policy import Action, Actor
from documents.units import UnitTree, unit_id_for
from signing.signers import SignerKind
from workflow.composition import DraftRequest, draft
from workflow.signing_steps import register_arrival, sign_as_leader
from workflow.starter import start_issuance

T = TypeVar("T")


def parse_unit_ref(ref: str) -> UUID:
    """A unit named by its id or by its code."""
    ref = ref.strip()
    try:
        return UUID(ref)
    except ValueError:
        return unit_id_for(ref)


def parse_unit_refs(refs: list[str], tree: UnitTree) -> list[UUID]:
    """Recipients named by id or code (comma-separated or repeated), or as a group:
    ``children:<unit>`` (the active units directly under it) or ``subtree:<unit>`` (every
    active unit below it, at any level)."""
    units: list[UUID] = []
    for part in (p.strip() for ref in refs for p in ref.split(",")):
        group, _, unit = part.partition(":")
        if not unit:
            if part:
                units.append(parse_unit_ref(part))
            continue
        root = parse_unit_ref(unit)
        if group not in ("children", "subtree") or root not in tree:
            raise InvalidInputError(
                f"Nhóm nơi nhận không hợp lệ: «{part}».", f"Invalid recipient group '{part}'."
            )
        if group == "children":
            units.extend(child.id for child in tree.children(root))
        else:
            units.extend(tree.descendants(root))
    return list(dict.fromkeys(units))


async def read_upload(context: WebContext, upload: UploadFile | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    limit = context.max_upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError(
            f"Tệp quá lớn: giới hạn là {limit:,} byte.",
            f"File too large: the limit is {limit:,} bytes.",
        )
    return data


async def create_draft(context: WebContext, actor: Actor, form: DraftForm) -> UUID:
    app = context.services.app
    pdf = await read_upload(context, form.file)
    body = form.body_text if form.body_text and form.body_text.strip() else None
    if form.signer:
        signer_id = app.account(form.signer.strip()).id
    else:
        leaders = app.leaders_of(actor.unit_id)
        if not leaders:
            raise InvalidInputError(
                "Đơn vị chưa có lãnh đạo để ký văn bản.", "The unit has no leader to sign."
            )
        signer_id = leaders[0].id
    request = DraftRequest(
        doc_type=form.doc_type,
        subject=form.subject,
        urgency=form.urgency,
        secrecy=form.secrecy,
        recipient_unit_ids=parse_unit_refs(form.recipients, app.tree()),
        signer_id=signer_id,
        signer_authority=(form.signer_authority or "").strip() or None,
        typed_body=None if pdf is not None else body,
        uploaded_pdf=pdf,
        attachments=await read_attachments(context, form.attachments),
    )
    return await run_in_threadpool(draft, context.services, actor, request)


async def read_attachments(
    context: WebContext, uploads: list[UploadFile]
) -> list[tuple[str, bytes]]:
    """The attachments chosen on the compose form, as (file name, bytes); each file limited
    like the body; a file input left empty sends nothing."""
    files = []
    for upload in uploads:
        data = await read_upload(context, upload)
        if data is not None:
            files.append((upload.filename or "", data))
    return files


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Runs blocking domain or PDF work off the event loop."""
    return await run_in_threadpool(function, *args)


async def submit(context: WebContext, actor: Actor, document_id: UUID) -> None:
    await run_in_threadpool(context.services.app.submit, actor, document_id)


async def sign(
    context: WebContext, actor: Actor, document_id: UUID, signer: SignerKind = SignerKind.FILE
) -> bool:
    """Signs with the chosen signer; True when signed now, False when a remote signature was
    started and waits for the confirmation on the phone (``context.remote_signings``)."""
    if signer is SignerKind.REMOTE:
        await run_in_threadpool(context.remote_signings.start, context.services, actor, document_id)
        return False
    await run_in_threadpool(sign_as_leader, context.services, actor, document_id, signer)
    return True


def parse_signer(value: str | None) -> SignerKind:
    """The ``signer`` of a sign request: ``file`` (default), ``token`` or ``remote``."""
    try:
        return SignerKind((value or "file").strip().lower())
    except ValueError:
        raise InvalidInputError(
            "Phương thức ký không hợp lệ: chọn “file”, “token” hoặc “remote”.",
            "Invalid signer: choose 'file', 'token' or 'remote'.",
        ) from None


async def issue(context: WebContext, actor: Actor, document_id: UUID) -> str:
    """The clerk asks for number, seal and dispatch; the workflow does them."""
    await run_in_threadpool(context.services.app.request_issue, actor, document_id)
    client = await context.temporal.client()
    return await start_issuance(client, document_id, context.temporal.task_queue)


RECALL_BATCH = 1000


def recall(context: WebContext, actor: Actor, document_id: UUID, reason: str) -> None:
    """Thu hồi: the document is withdrawn and every recipient's copy frozen, in batches."""
    app = context.services.app
    app.recall(actor, document_id, reason)
    recipients = app.dispatch_list(document_id).recipients
    for start in range(0, len(recipients), RECALL_BATCH):
        app.notice_recall(document_id, recipients[start : start + RECALL_BATCH])


async def register(context: WebContext, actor: Actor, receipt_id: UUID) -> int:
    return await run_in_threadpool(register_arrival, context.services, actor, receipt_id)


async def acknowledge(context: WebContext, actor: Actor, receipt_id: UUID) -> None:
    await run_in_threadpool(context.services.app.acknowledge, actor, receipt_id)


def authorize_view(context: WebContext, actor: Actor, document_id: UUID) -> None:
    app = context.services.app
    app.authorize(actor, Action.VIEW, app.document(document_id))
