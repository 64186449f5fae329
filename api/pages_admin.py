"""Administration pages: the union tree (browse, search, CSV import with a report per line,
rename, move, merge, dissolve, register setting) and the accounts of a unit (create, grant and
revoke roles, reset a password, unlock). Every action goes through the same service methods and
policy as the JSON API; a refusal is shown on the same page, saying what to do."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from api.actions import in_thread, parse_unit_ref, read_upload
from api.deps import Client, Context, check_csrf
from api.errors import status_for
from api.pages import _base, render, render_error
from api.passwords import ARGON2
from documents.accounts import Role
from documents.clock import to_vietnam
from documents.errors import DomainError, ForbiddenError, InvalidInputError
from documents.policy import Actor
from documents.unit_import import ImportRejectedError
from documents.units import RegisterMode, UnitLevel, UnitTree
from search.normalize import fold
from workflow.signing_keys import provide_signing_keys

router = APIRouter(include_in_schema=False, prefix="/admin")

ROLE_NAMES = {
    Role.CLERK: ("Văn thư", "Clerk"),
    Role.DRAFTER: ("Chuyên viên", "Drafter"),
    Role.LEADER: ("Lãnh đạo", "Leader"),
    Role.AUDITOR: ("Kiểm tra", "Auditor"),
    Role.ADMIN: ("Quản trị", "Administrator"),
}
LEVEL_NAMES = {
    UnitLevel.NATIONAL: ("Trung ương", "National"),
    UnitLevel.PROVINCIAL: ("Tỉnh, thành phố / ngành trung ương", "Provincial or sector"),
    UnitLevel.UPPER_GRASSROOTS: ("Cấp trên trực tiếp cơ sở", "Directly above grassroots"),
    UnitLevel.GRASSROOTS: ("Cơ sở", "Grassroots"),
}
REGISTER_MODES = {
    RegisterMode.SINGLE: ("Một sổ văn bản đi cho mọi loại", "One outgoing register for all types"),
    RegisterMode.PER_TYPE: ("Mỗi loại văn bản một sổ", "One register per document type"),
}
SIGNATURE_LEVEL_NAMES = {
    "": ("Theo cấu hình chung của hệ thống", "The system's configured default"),
    "B-B": ("PAdES B-B (chữ ký cơ bản)", "PAdES B-B (basic)"),
    "B-T": ("PAdES B-T (có dấu thời gian)", "PAdES B-T (with a timestamp)"),
    "B-LT": ("PAdES B-LT (kèm dữ liệu thu hồi, lưu trữ dài hạn)", "PAdES B-LT (long-term)"),
    "B-LTA": (
        "PAdES B-LTA (kèm dấu thời gian tài liệu, lưu trữ lâu dài)",
        "PAdES B-LTA (long-term with archive timestamp)",
    ),
}
DONE = {
    "rename": ("Đã đổi tên đơn vị.", "The unit was renamed."),
    "move": ("Đã chuyển đơn vị sang cấp trên mới.", "The unit was moved."),
    "merge": ("Đã hợp nhất đơn vị.", "The unit was merged."),
    "dissolve": ("Đã giải thể đơn vị.", "The unit was dissolved."),
    "register-mode": ("Đã lưu cách lập sổ.", "The register setting was saved."),
    "signature-level": ("Đã lưu mức chữ ký số.", "The signature level was saved."),
    "create-account": ("Đã tạo tài khoản.", "The account was created."),
    "grant": ("Đã cấp vai trò.", "The role was granted."),
    "revoke": ("Đã thu hồi vai trò.", "The role was revoked."),
    "reset-password": (
        "Đã đặt lại mật khẩu; các phiên đăng nhập của người đó đã kết thúc.",
        "The password was reset; that person's sessions have ended.",
    ),
    "unlock": ("Đã mở khóa đăng nhập.", "Sign-in was unlocked."),
}
MAX_LISTED = 200


def _admin_base(request: Request, context: Context) -> dict[str, Any]:
    base = _base(request, context)
    if not base["actor"].has(Role.ADMIN):
        raise ForbiddenError(
            "Chỉ quản trị đơn vị được vào trang quản trị.",
            "Only unit administrators may open the administration pages.",
        )
    return base


@router.get("")
def admin_home() -> Response:
    return RedirectResponse("/admin/units", status_code=303)


@router.get("/units")
def units_page(
    request: Request,
    context: Context,
    q: str = "",
    imported: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """The tree; ``imported`` is the count an import just made (it redirects here: post,
    redirect, get — reloading the page does not send the file again)."""
    shown = {} if imported is None else {"imported": imported}
    return _units_page(request, context, q, **shown)


def _units_page(
    request: Request, context: Context, q: str = "", status: int = 200, **values: Any
) -> Response:
    base = _admin_base(request, context)
    actor: Actor = base["actor"]
    tree = context.services.app.tree()
    root = tree.get(actor.unit_id)
    query = fold(q.strip()[:200])
    if query:
        found = (tree.get(u) for u in [root.id, *tree.descendants(root.id)])
        units = [u for u in found if query in fold(u.name) or query in u.code][:MAX_LISTED]
    else:
        units = [root, *tree.children(root.id)]
    return render(
        request,
        "admin_units.html",
        status,
        q=q,
        units=units,
        root=root,
        level_names=LEVEL_NAMES,
        **values,
        **base,
    )


@router.post("/units/import")
async def import_units(
    request: Request,
    context: Context,
    csrf_token: Annotated[str, Form()],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    _admin_base(request, context)
    check_csrf(request, context, csrf_token)
    try:
        data = await read_upload(context, file)
        if not data:
            raise InvalidInputError("Hãy chọn một tệp CSV.", "Choose a CSV file.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInputError(
                "Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành «CSV UTF-8»).",
                "The CSV file must be UTF-8 encoded (in Excel: save as 'CSV UTF-8').",
            ) from None
        actor = _base(request, context)["actor"]
        count = await in_thread(context.services.app.import_units, text, actor)
    except ImportRejectedError as rejected:
        return _units_page(request, context, status=422, row_errors=rejected.errors)
    except DomainError as error:
        return _units_page(request, context, status=status_for(error), error=error)
    return RedirectResponse(f"/admin/units?imported={count}", status_code=303)


@router.get("/units/{unit}")
def unit_page(request: Request, context: Context, unit: str, done: str = "") -> Response:
    return _unit_page(request, context, parse_unit_ref(unit), done=DONE.get(done))


def _unit_page(
    request: Request, context: Context, unit_id: UUID, status: int = 200, **values: Any
) -> Response:
    base = _admin_base(request, context)
    app = context.services.app
    accounts = app.accounts_of_unit(base["actor"], unit_id)  # the policy: admin of it or above
    for row in accounts:
        until = row["locked_until"]
        row["locked_text"] = (
            to_vietnam(datetime.fromisoformat(until)).strftime("%H:%M %d/%m/%Y") if until else ""
        )
    tree = app.tree()
    info = tree.get(unit_id)
    parent = tree.get(info.parent_id) if info.parent_id and info.parent_id in tree else None
    unit = app.unit(unit_id)
    return render(
        request,
        "admin_unit.html",
        status,
        unit=info,
        parent=parent,
        children=tree.children(unit_id),
        register_mode=unit.register_mode,
        signature_level=unit.signature_level or "",
        signature_levels=SIGNATURE_LEVEL_NAMES,
        accounts=accounts,
        role_names=ROLE_NAMES,
        level_names=LEVEL_NAMES,
        register_modes=REGISTER_MODES,
        **values,
        **base,
    )


@router.post("/units/{unit}/{action}")
async def unit_action(
    request: Request,
    context: Context,
    unit: str,
    action: str,
    csrf_token: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=300)] = "",
    short_name: Annotated[str, Form(max_length=200)] = "",
    abbreviation: Annotated[str, Form(max_length=30)] = "",
    parent: Annotated[str, Form(max_length=200)] = "",
    into: Annotated[str, Form(max_length=200)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    mode: Annotated[str, Form(max_length=30)] = "",
    level: Annotated[str, Form(max_length=16)] = "",
    username: Annotated[str, Form(max_length=64)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    actor = _admin_base(request, context)["actor"]
    check_csrf(request, context, csrf_token)
    app = context.services.app
    unit_id = parse_unit_ref(unit)
    commands = {
        "rename": lambda: app.rename_unit(actor, unit_id, name, short_name, abbreviation),
        "move": lambda: app.move_unit(actor, unit_id, _unit_field(parent, app.tree())),
        "merge": lambda: app.merge_units(actor, unit_id, _unit_field(into, app.tree())),
        "dissolve": lambda: app.dissolve_unit(actor, unit_id, reason),
        "register-mode": lambda: app.set_register_mode(actor, unit_id, mode),
        "signature-level": lambda: app.set_signature_level(actor, unit_id, level),
        "create-account": lambda: app.create_account(
            actor, username, full_name, unit_id, roles or [], title, password, ARGON2
        ),
    }
    if action not in commands:
        return render_error(request, 404, "Không có thao tác này.", "No such action.")
    try:
        await in_thread(commands[action])
        if action == "create-account":  # a leader or clerk gets what the role signs with
            await in_thread(provide_signing_keys, context.services, actor, username.strip().lower())
    except DomainError as error:
        return _unit_page(request, context, unit_id, status_for(error), error=error)
    code = context.services.app.tree().get(unit_id).code
    return RedirectResponse(f"/admin/units/{code}?done={action}", status_code=303)


def _unit_field(value: str, tree: UnitTree) -> UUID:
    """The unit a form names by its code; an unknown code is refused with the code and where
    to look it up."""
    if not value.strip():
        raise InvalidInputError("Cần nhập mã đơn vị.", "A unit code is required.")
    unit_id = parse_unit_ref(value)
    if unit_id not in tree:
        code = value.strip()
        raise InvalidInputError(
            f"Không có đơn vị mã «{code}». Tìm đơn vị theo tên ở trang Quản trị đơn vị để "
            "xem đúng mã rồi nhập lại.",
            f"There is no unit with the code '{code}'. Find the unit by name on the unit "
            "administration page to see its code, then enter it again.",
        )
    return unit_id


@router.post("/accounts/{username}/{action}")
async def account_action(
    request: Request,
    context: Context,
    client: Client,
    username: str,
    action: str,
    csrf_token: Annotated[str, Form()],
    role: Annotated[str, Form(max_length=30)] = "",
    new_password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    actor = _admin_base(request, context)["actor"]
    check_csrf(request, context, csrf_token)
    app = context.services.app
    account = app.account(username)  # 404 if there is none
    commands = {
        "grant": lambda: app.grant_role(actor, username, role),
        "revoke": lambda: app.revoke_role(actor, username, role),
        "reset-password": lambda: app.reset_password(actor, username, new_password, client, ARGON2),
        "unlock": lambda: app.unlock(actor, username, client),
    }
    if action not in commands:
        return render_error(request, 404, "Không có thao tác này.", "No such action.")
    try:
        await in_thread(commands[action])
        if action == "grant":  # a new leader or clerk gets what the role signs with
            await in_thread(provide_signing_keys, context.services, actor, account.username)
    except DomainError as error:
        return _unit_page(request, context, account.unit_id, status_for(error), error=error)
    code = app.tree().get(account.unit_id).code
    return RedirectResponse(f"/admin/units/{code}?done={action}#accounts", status_code=303)
