"""The commands a person can give, shared by the JSON API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool

from api import approvals, remote_signing
from api.context import WebContext
from api.forms import DraftForm
from documents.deadlines import (
    check_remind_days_before,
    check_response_deadline,
    parse_response_deadline,
)
from documents.errors import InvalidInputError, PayloadTooLargeError
from documents.policy import Action, Actor
from documents.units import UnitLevel, UnitTree, unit_id_for
from signing.signers import SignerKind
from workflow.composition import DraftRequest, draft
from workflow.signing_steps import register_arrival, sign_as_leader
from workflow.starter import start_forwarding, start_issuance, tell_recalled

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
    ``children:<unit>`` (the active units directly under it), ``subtree:<unit>`` (every
    active unit below it, at any level) or ``level:<level>:<unit>`` (every active unit of that
    level below it, e.g. ``level:grassroots:bentre``, every grassroots union in the province)."""
    units: list[UUID] = []
    for part in (p.strip() for ref in refs for p in ref.split(",")):
        group, _, unit = part.partition(":")
        if not unit:
            if part:
                units.append(parse_unit_ref(part))
            continue
        level = None
        if group == "level":
            level, _, unit = unit.partition(":")
        root = parse_unit_ref(unit) if unit else None
        if (
            group not in ("children", "subtree", "level")
            or root not in tree
            or (group == "level" and level not in set(UnitLevel))
        ):
            raise InvalidInputError(
                f"Nhóm nơi nhận không hợp lệ: «{part}» (dùng children:, subtree: hoặc "
                "level:<cấp>:<đơn vị>).",
                f"Invalid recipient group '{part}' (use children:, subtree: or "
                "level:<level>:<unit>).",
            )
        assert root is not None
        if group == "children":
            units.extend(child.id for child in tree.children(root))
        elif group == "subtree":
            units.extend(tree.descendants(root))
        else:
            units.extend(u for u in tree.descendants(root) if tree.get(u).level == level)
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
    deadline = parse_response_deadline(form.response_deadline)
    if deadline is not None:  # refused before any PDF work
        check_response_deadline(deadline)
    check_remind_days_before(form.remind_days_before, deadline is not None)
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
        response_deadline=deadline,
        remind_days_before=form.remind_days_before,
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
    await approvals.submit(context, actor, document_id)


async def sign(
    context: WebContext, actor: Actor, document_id: UUID, signer: SignerKind = SignerKind.FILE
) -> bool:
    """Signs with the chosen signer; True when signed now, False when a remote signature was
    started (the ``RemoteSigning`` workflow) and waits for the confirmation on the phone."""
    if signer is SignerKind.REMOTE:
        await remote_signing.start(context, actor, document_id)
        return False
    await run_in_threadpool(sign_as_leader, context.services, actor, document_id, signer)
    await approvals.signed(context, actor, document_id)
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


async def issue(
    context: WebContext,
    actor: Actor,
    document_id: UUID,
    response_deadline: str | None = None,
    remind_days_before: int | None = None,
) -> str:
    """The clerk asks for number, seal and dispatch (with a response deadline and the
    reminder's lead time, if given or set while drafting); the workflow does them."""
    deadline = parse_response_deadline(response_deadline)
    await run_in_threadpool(
        context.services.app.request_issue, actor, document_id, deadline, remind_days_before
    )
    client = await context.temporal.client()
    return await start_issuance(client, document_id, context.temporal.task_queue)


async def recall(context: WebContext, actor: Actor, document_id: UUID, reason: str) -> None:
    """Thu hồi: the document is withdrawn and every copy frozen (the recipients' and the
    forwarded ones), 1,000 per save; a dispatch still running or waiting for its response
    deadline is told, so no further batch, reminder or overdue list follows."""
    app = context.services.app
    await run_in_threadpool(app.recall, actor, document_id, reason)
    await run_in_threadpool(app.notice_recall_everywhere, document_id)
    await tell_recalled(context.temporal.client, document_id)


async def forward(
    context: WebContext, actor: Actor, receipt_id: UUID, refs: list[str], level: str | None
) -> tuple[str, int]:
    """Chuyển tiếp: the units named (ids, codes, ``children:``/``subtree:`` groups) and, with
    ``level``, every unit at that level below the forwarding unit; returns the workflow id and
    how many units were asked."""
    app = context.services.app
    tree = app.tree()
    units = parse_unit_refs(refs, tree)
    if level:
        if level not in {lv.value for lv in UnitLevel}:
            raise InvalidInputError(
                f"Cấp đơn vị không hợp lệ: «{level}».", f"Invalid unit level '{level}'."
            )
        root = app.receipt(receipt_id).recipient_unit_id
        below = tree.descendants(root)
        units += [u for u in below if tree.get(u).level == level and tree.get(u).is_active]
    part = await run_in_threadpool(app.forward, actor, receipt_id, units)
    client = await context.temporal.client()
    workflow_id = await start_forwarding(
        client, part.document_id, part.from_unit_id, part.part, context.temporal.task_queue
    )
    return workflow_id, part.unit_count


async def register(context: WebContext, actor: Actor, receipt_id: UUID) -> int:
    return await run_in_threadpool(register_arrival, context.services, actor, receipt_id)


async def acknowledge(context: WebContext, actor: Actor, receipt_id: UUID) -> None:
    await run_in_threadpool(context.services.app.acknowledge, actor, receipt_id)


def authorize_view(context: WebContext, actor: Actor, document_id: UUID) -> None:
    app = context.services.app
    app.authorize(actor, Action.VIEW, app.document(document_id))
