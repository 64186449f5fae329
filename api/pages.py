"""Server-rendered pages: sign-in, to-do, compose, document, inbox, outbox (search: see
`api.search_page`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api import actions, approvals, presenters, recipient_status, unit_picker
from api.deps import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Client,
    Context,
    check_csrf,
    check_login_csrf,
    optional_actor,
    session_claims,
)
from api.error_hints import next_step
from api.errors import NotAuthenticatedError, status_for
from api.forms import DraftFormData, parse_page_list
from api.redirects import back_to_referer
from api.routes_v1 import sign_in
from api.sessions import SESSION_SECONDS
from api.validation_cache import verified_file
from documents.access import AccessKind
from documents.accounts import ROLE_LABELS, Role
from documents.application import OfficeApplication
from documents.archive_policy import reads_archive
from documents.blobs import BlobStoreUnavailableError
from documents.clock import now_vietnam
from documents.deadlines import MAX_REMIND_DAYS_BEFORE
from documents.errors import ForbiddenError, InvalidInputError
from documents.policy import (
    ISSUER_ROLES,
    Action,
    Actor,
    DocumentParties,
    reads_sign_ins,
    require,
)
from documents.reference import URGENCY_LABELS, document_types
from documents.signins import SignInLockedError, SignInRefusedError
from workflow.composition import revise
from workflow.copying import make_document_copy
from workflow.signing_steps import signer_choices

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)

LANG_COOKIE = "lang"


def language(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = language(request)
    context = request.app.state.context
    token = request.cookies.get(SESSION_COOKIE, "")
    values.setdefault("actor", None)
    return templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": lambda vi, en: en if lang == "en" else vi,
            "csrf": context.sessions.csrf_token(token) if token else "",
            **values,
        },
        status_code=status,
    )


def render_error(request: Request, status: int, message_vi: str, message_en: str) -> Response:
    """The error page: what went wrong, what to do next (`api.error_hints`), and the menu when
    the person is signed in (so that the way on is one click away)."""
    hint_vi, hint_en = next_step(status)
    return render(
        request,
        "error.html",
        status,
        message_vi=message_vi,
        message_en=message_en,
        hint_vi=hint_vi,
        hint_en=hint_en,
        code=status,
        **_menu_of(request),
    )


def _menu_of(request: Request) -> dict[str, Any]:
    """The header's values for a signed-in person, or nothing: an error page must render even
    when finding the person is what failed (an expired session, a bad form token, a store down).
    Not asked when the event store did not answer: it would only wait for it again."""
    if getattr(request.state, "records_unavailable", False):
        return {}
    try:
        return _base(request, request.app.state.context)
    except Exception:  # noqa: BLE001 -- the page shows without the menu instead
        return {}


def page_actor(request: Request, context: Context) -> Actor:
    actor = optional_actor(request, context)
    if actor is None:
        raise NotAuthenticatedError()
    return actor


def unit_name(context: Context, actor: Actor) -> str:
    return context.services.app.tree().get(actor.unit_id).name


def _base(request: Request, context: Context) -> dict[str, Any]:
    actor = page_actor(request, context)
    return {
        "actor": actor,
        "unit_name": unit_name(context, actor),
        "roles": [ROLE_LABELS[Role(r)] for r in sorted(actor.roles)],
        # what the menu and the pages offer, by the same rules that allow it
        "may_draft": any(map(actor.has, ISSUER_ROLES[Action.DRAFT])),
        "reads_archive": reads_archive(actor),
        "reads_sign_ins": reads_sign_ins(actor),
    }


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/lang/{lang}")
def set_language(lang: str, request: Request) -> Response:
    response = back_to_referer(request)
    response.set_cookie(LANG_COOKIE, "en" if lang == "en" else "vi", samesite="lax")
    return response


@router.get("/login")
def login_page(request: Request, context: Context) -> Response:
    return login_form(request, context)


def login_form(
    request: Request, context: Context, status: int = 200, **values: Any
) -> HTMLResponse:
    """The sign-in form with its CSRF token: the MAC of a random pre-session cookie (kept if
    the browser has one, so a second tab's form stays valid)."""
    nonce = request.cookies.get(LOGIN_COOKIE) or context.sessions.new_login_nonce()
    csrf = context.sessions.login_csrf_token(nonce)
    response = render(request, "login.html", status, csrf=csrf, **values)
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/login")
def login(
    request: Request,
    context: Context,
    client: Client,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        check_login_csrf(request, context, csrf_token)
        token = sign_in(context, username, password, client)
    except (SignInRefusedError, SignInLockedError, ForbiddenError) as error:
        return login_form(request, context, status_for(error), error=error, username=username)
    response = _back("/")
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_COOKIE)
    return response


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


@router.post("/logout")
def logout(
    request: Request,
    context: Context,
    client: Client,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Ends the browser's session for good (its token is revoked in every process) and
    records it in the sign-in history."""
    if request.cookies.get(SESSION_COOKIE):
        check_csrf(request, context, csrf_token)
        claims = session_claims(request, context)
        actor = optional_actor(request, context)
        if claims is not None and actor is not None:
            context.services.app.record_sign_out(actor, client, claims.session_id)
    response = _back("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request, context: Context) -> Response:
    base = _base(request, context)
    actor: Actor = base["actor"]
    views = context.services.app.views
    context.services.app.refresh_views()
    todo: dict[str, list[dict[str, Any]]] = {}
    if actor.has(Role.DRAFTER):
        todo["drafts"] = views.documents_in_status(actor.unit_id, "draft")
    if actor.has(Role.DRAFTER) or actor.has(Role.LEADER):
        todo["to_review"] = views.documents_held_by(actor.account_id, "review")
    if actor.has(Role.LEADER):
        todo["to_sign"] = views.documents_held_by(actor.account_id, "sign")
        todo["escalated"] = views.documents_escalated_to(actor.account_id)
    if actor.has(Role.CLERK):
        todo["to_issue"] = views.documents_in_status(actor.unit_id, "signed")
        inbox = presenters.inbox_rows(context, actor)
        todo["to_register"] = [r for r in inbox if r["status"] == "delivered"]
        todo["to_acknowledge"] = [r for r in inbox if r["status"] == "registered"]
        todo["folders_due"] = context.services.app.folders_due_for_transfer(
            actor, now_vietnam().date()
        )
    if actor.has(Role.CLERK) or actor.has(Role.LEADER):
        todo["overdue_dispatches"] = context.services.app.overdue_dispatches(actor.unit_id)
    if actor.has(Role.LEADER):
        todo["reports_due"] = [
            r
            for r in views.reports_asked_of(actor.unit_id)
            if r["status"] in ("asked", "returned") and r["round_status"] == "open"
        ]
    if actor.has(Role.LEADER) or actor.has(Role.DRAFTER):
        todo["reports_to_review"] = views.reports_to_review(actor.unit_id)
    return render(request, "home.html", todo=todo, **base)


NEAR_CHILDREN = 50  # listed on the compose form; the rest through the picker's search


@router.get("/compose")
def compose_page(request: Request, context: Context) -> Response:
    base = _base(request, context)
    actor: Actor = base["actor"]
    tree = context.services.app.tree()
    # Refused before the form is filled in, as the draft itself would be (only drafters).
    require(actor, Action.DRAFT, DocumentParties(actor.unit_id), tree)
    own = tree.get(actor.unit_id)
    children = sorted(tree.children(actor.unit_id), key=lambda u: u.name)
    parent = [tree.get(own.parent_id)] if own.parent_id and own.parent_id in tree else []
    root = actor.unit_id
    while (parent_id := tree.get(root).parent_id) is not None and parent_id in tree:
        root = parent_id
    return render(
        request,
        "compose.html",
        near_units=parent + children[:NEAR_CHILDREN],
        more_children=max(0, len(children) - NEAR_CHILDREN),
        root_row=unit_picker.unit_row(tree, tree.get(root)),
        types=list(document_types().values()),
        urgencies=URGENCY_LABELS,
        leaders=context.services.app.leaders_of(actor.unit_id),
        unit_code=tree.get(actor.unit_id).code,
        **base,
    )


@router.post("/compose")
async def compose(
    request: Request,
    context: Context,
    csrf_token: Annotated[str, Form()],
    form: DraftFormData,
) -> Response:
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    document_id = await actions.create_draft(context, actor, form)
    return _back(f"/documents/{document_id}")


@router.get("/documents/{document_id}")
def document_page(document_id: UUID, request: Request, context: Context) -> Response:
    """Blocking work all of it (event store, read model, validation): a plain ``def`` runs in
    the thread pool, leaving the event loop to the other requests."""
    base = _base(request, context)
    context.services.app.record_access(base["actor"], document_id, AccessKind.VIEW)
    wanted = recipient_status.filter_from_page(request.query_params)
    detail = presenters.document_detail(context, base["actor"], document_id, wanted)
    if detail["recipient_page"]:
        detail["recipient_links"] = recipient_status.page_links(
            document_id, detail["recipient_page"]
        )
        detail["recipient_statuses"] = recipient_status.status_choices()
    report = report_unavailable = None
    if detail["status"] in ("signed", "issued", "dispatched", "issuing"):
        try:
            report = verified_file(context.services, detail["file_sha256"])
        except BlobStoreUnavailableError as error:  # the rest of the page needs no file
            report_unavailable = error
    signers = signer_choices(context.services, base["actor"]) if detail["can"]["sign"] else []
    # the figures as they stand, in the page itself: progress.js only keeps them up to date
    progress = (
        context.services.app.dispatch_progress(base["actor"], document_id)
        if detail["can"]["progress"]
        else None
    )
    return render(
        request,
        "document.html",
        doc=detail,
        report=report,
        report_unavailable=report_unavailable,
        signers=signers,
        progress=progress,
        **base,
    )


@router.post("/documents/{document_id}/step/{step}")
async def document_step(
    document_id: UUID,
    step: str,
    request: Request,
    context: Context,
    csrf_token: Annotated[str, Form()],
    text: Annotated[str, Form(max_length=5000)] = "",
    handler: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The steps that carry a comment, a reason, a note, an assignment or a new version."""
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    app = context.services.app
    if step == "revise":
        pdf = await actions.read_upload(context, file)
        typed = text if text.strip() and pdf is None else None
        await actions.in_thread(revise, context.services, actor, document_id, typed, pdf)
    elif step in APPROVAL_STEPS:
        await approvals.command(context, actor, document_id, APPROVAL_STEPS[step], text)
    elif step == "recall":
        await actions.recall(context, actor, document_id, text)
    elif step == "assign":
        receipt = app.held_receipt_for(actor, document_id, Action.DIRECT).id
        await actions.in_thread(app.assign, actor, receipt, handler, parse_date(deadline))
    elif step == "confirm_destruction":
        receipt = app.held_receipt_for(actor, document_id, Action.RECEIVE).id
        await actions.in_thread(app.confirm_destruction, actor, receipt)
    elif step in RECEIPT_TEXT_STEPS:
        action, command = RECEIPT_TEXT_STEPS[step]
        receipt = app.held_receipt_for(actor, document_id, action).id
        await actions.in_thread(command(app), actor, receipt, text)
    else:
        return render_error(request, 404, "Không có thao tác này.", "No such action.")
    return _back(f"/documents/{document_id}")


# Steps of the approval workflow (page step → the workflow's update).
APPROVAL_STEPS = {"return": "return_for_changes", "approve": "approve", "withdraw": "withdraw"}

# Steps on the unit's incoming copy that take one text (direction, note or reason), with the
# action of the policy each is (the refusal of a unit that holds no copy).
ReceiptTextCommand = Callable[[OfficeApplication], Callable[[Actor, UUID, str], None]]
RECEIPT_TEXT_STEPS: dict[str, tuple[Action, ReceiptTextCommand]] = {
    "direct": (Action.DIRECT, lambda app: app.direct),
    "progress": (Action.HANDLE, lambda app: app.report_progress),
    "complete": (Action.HANDLE, lambda app: app.complete),
    "return_to_sender": (Action.RECEIVE, lambda app: app.return_to_sender),
}


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            "Hạn xử lý không hợp lệ (dạng năm-tháng-ngày).", "Invalid deadline (YYYY-MM-DD)."
        ) from None


@router.post("/documents/{document_id}/copies")
async def copy_document(
    document_id: UUID,
    request: Request,
    context: Context,
    csrf_token: Annotated[str, Form()],
    form: Annotated[str, Form(max_length=32)],
    pages: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The copy form: SAO Y, SAO LỤC or TRÍCH SAO of the chosen pages."""
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    chosen = parse_page_list(pages)
    await actions.in_thread(make_document_copy, context.services, actor, document_id, form, chosen)
    return _back(f"/documents/{document_id}")


@router.post("/documents/{document_id}/{action}")
async def document_action(
    document_id: UUID,
    action: str,
    request: Request,
    context: Context,
    csrf_token: Annotated[str, Form()],
    reviewers: Annotated[list[str] | None, Form()] = None,
    response_deadline: Annotated[str, Form(max_length=40)] = "",
    remind_days_before: Annotated[int | None, Form(ge=0, le=MAX_REMIND_DAYS_BEFORE)] = None,
    units: Annotated[list[str] | None, Form()] = None,
    level: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    if action == "submit":
        chosen = [r for r in reviewers or [] if r.strip()]
        await approvals.submit(context, actor, document_id, chosen)
    elif action == "issue":  # with the response deadline (hạn trả lời) typed on the page, if any
        await actions.issue(
            context, actor, document_id, response_deadline or None, remind_days_before
        )
    elif action == "forward":  # chuyển tiếp down the unit's subtree
        receipt = context.services.app.held_receipt_for(actor, document_id, Action.RECEIVE)
        await actions.forward(context, actor, receipt.id, units or [], level or None)
    elif action in ("register", "acknowledge"):
        receipt = context.services.app.held_receipt_for(actor, document_id, Action.RECEIVE)
        receipt_command = actions.register if action == "register" else actions.acknowledge
        await receipt_command(context, actor, receipt.id)
    else:
        return render_error(request, 404, "Không có thao tác này.", "No such action.")
    return _back(f"/documents/{document_id}")


@router.get("/inbox")
def inbox_page(request: Request, context: Context) -> Response:
    base = _base(request, context)
    return render(request, "inbox.html", rows=presenters.inbox_rows(context, base["actor"]), **base)


@router.get("/outbox")
def outbox_page(request: Request, context: Context) -> Response:
    base = _base(request, context)
    rows = presenters.outbox_rows(context, base["actor"])
    return render(request, "outbox.html", rows=rows, **base)
