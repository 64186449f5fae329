"""Domain errors mapped to HTTP, in one place: JSON for the API, a page for the browser."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import InterfaceError as EventStoreInterfaceError
from eventsourcing.persistence import OperationalError as EventStoreOperationalError
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Match

from documents.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    RecordsUnavailableError,
    UnavailableError,
)
from documents.signins import SignInLockedError, SignInRefusedError
from search.port import SearchUnavailableError

log = logging.getLogger(__name__)


class NotAuthenticatedError(DomainError):
    code = "not_authenticated"

    def __init__(
        self,
        message_vi: str = "Cần đăng nhập (phiên đăng nhập không có hoặc đã hết hạn).",
        message_en: str = "Sign-in required (no session, or it has expired).",
    ) -> None:
        super().__init__(message_vi, message_en)


RETRY_AFTER_SECONDS = 30
"""What a 503 (a store that does not answer) asks the client to wait before trying again."""


Unavailable = UnavailableError | SearchUnavailableError
"""A store that does not answer (search has its own class: it imports nothing of documents)."""


def unavailable_error(error: Exception) -> Unavailable | None:
    """`error` as the store that does not answer, or None if it is something else."""
    if isinstance(error, UnavailableError | SearchUnavailableError):
        return error
    if isinstance(error, EventStoreOperationalError | EventStoreInterfaceError):
        return RecordsUnavailableError()
    return None


def status_for(error: DomainError) -> int:
    if isinstance(error, NotAuthenticatedError | SignInRefusedError):
        return 401
    if isinstance(error, SignInLockedError):
        return 429
    if isinstance(error, ForbiddenError):
        return 403
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, PayloadTooLargeError):
        return 413
    return 422


def error_body(code: str, message_vi: str, message_en: str) -> dict[str, Any]:
    return {"error": code, "message": message_vi, "message_en": message_en}


class FieldProblem(BaseModel):
    """One invalid or missing field of a rejected request (the shape FastAPI documents)."""

    loc: list[str | int]
    msg: str
    type: str


class ApiError(BaseModel):
    """The JSON body of every error of the API: a code, the message in Vietnamese and English,
    and for a malformed request the fields at fault."""

    error: str
    message: str
    message_en: str
    detail: list[FieldProblem] | None = None


ERROR_STATUSES = {
    400: "Không đọc được yêu cầu / Malformed request",
    401: "Chưa đăng nhập / Not signed in",
    403: "Không có quyền / Forbidden",
    404: "Không tìm thấy / Not found",
    409: "Xung đột trạng thái / Conflict",
    413: "Tệp quá lớn / Payload too large",
    422: "Dữ liệu không hợp lệ / Invalid request",
    429: "Tạm khóa đăng nhập / Sign-in locked",
    503: "Máy chủ lưu trữ tạm thời không trả lời / A store does not answer",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ApiError, "description": description}
    for status, description in ERROR_STATUSES.items()
}
"""The error statuses every API route may answer with, for its OpenAPI description."""


def field_problems(error: RequestValidationError) -> list[dict[str, Any]]:
    """The fields at fault, without the rejected input (it may hold a password)."""
    return [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in error.errors()
    ]


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ROUTING_KEYS = ("fastapi", "route", "endpoint", "path_params", "router")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers at the request's path: a path with a GET and
    a POST is two routes, and the framework's 405 names only the first one's methods. Each
    method is tried against the routes as the router would (their public ``matches``)."""
    scope = {k: v for k, v in request.scope.items() if k not in ROUTING_KEYS}
    routes = request.app.router.routes
    found = {
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    }
    if "GET" in found:
        found.add("HEAD")
    return [method for method in METHODS if method in found]


def wants_html(request: Request) -> bool:
    """Pages answer errors with a page; the API with JSON, except to a browser that opened one
    of its files from a page (a PDF, a ZIP, a CSV link): a navigation asks for HTML first."""
    if not request.url.path.startswith("/api/"):
        return True
    first = request.headers.get("accept", "").split(",")[0].strip().lower()
    return request.method == "GET" and first.startswith("text/html")


PageRenderer = Callable[[Request, int, str, str], Response]


def install_error_handlers(app: FastAPI, render_page_error: PageRenderer) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        status = status_for(error)
        if wants_html(request):
            if status == 401:
                return Response(status_code=303, headers={"Location": "/login"})
            return render_page_error(request, status, error.message_vi, error.message_en)
        headers = (
            {"Retry-After": str(error.retry_after)}
            if isinstance(error, SignInLockedError)
            else None
        )
        body = error_body(error.code, error.message_vi, error.message_en)
        return JSONResponse(body, status, headers=headers)

    @app.exception_handler(UnavailableError)
    @app.exception_handler(SearchUnavailableError)
    async def unavailable(request: Request, error: Unavailable) -> Response:
        """A store does not answer (files, events, search): 503, which one, and when to try
        again; nothing else of the office is refused meanwhile."""
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if wants_html(request):
            page = render_page_error(request, 503, error.message_vi, error.message_en)
            page.headers.update(headers)
            return page
        body = error_body(error.code, error.message_vi, error.message_en)
        return JSONResponse(body, 503, headers=headers)

    @app.exception_handler(EventStoreOperationalError)
    @app.exception_handler(EventStoreInterfaceError)
    async def records_unavailable(request: Request, error: Exception) -> Response:
        """The event store's server is down, unreachable or out of connections (eventsourcing's
        errors of operation, not of data): as any store that does not answer. The error page
        then shows no menu, which would ask the same server who is signed in."""
        log.warning("the event store does not answer: %s", error)
        request.state.records_unavailable = True
        return await unavailable(request, RecordsUnavailableError())

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        """Errors the framework raises itself (an unparsable body, an unknown path, a wrong
        method): on the API, the same bilingual body as every other error."""
        if error.status_code == 405:
            allow = {"Allow": ", ".join(allowed_methods(request))}
            error = HTTPException(405, error.detail, {**(error.headers or {}), **allow})
        code, message_vi, message_en = HTTP_ERRORS.get(
            error.status_code, ("http_error", "Yêu cầu không được chấp nhận.", str(error.detail))
        )
        if wants_html(request):
            if error.status_code < 400:  # not an error (a redirect or "not modified")
                return await http_exception_handler(request, error)
            vi, en = PAGE_ERRORS.get(error.status_code, (message_vi, message_en))
            page = render_page_error(request, error.status_code, vi, en)
            page.headers.update(error.headers or {})
            return page
        body = error_body(code, message_vi, message_en)
        return JSONResponse(body, error.status_code, headers=error.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        """A fault of the system itself (logged by the server with its traceback): a page or a
        bilingual body that says so and what to do, never a bare "Internal Server Error"."""
        message_vi, message_en = UNEXPECTED
        if wants_html(request):
            return render_page_error(request, 500, message_vi, message_en)
        return JSONResponse(error_body("internal_error", message_vi, message_en), 500)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        names = [str(e["loc"][-1]) for e in error.errors() if e.get("loc")]
        fields_vi = ", ".join(dict.fromkeys(FIELD_LABELS.get(n, (n, n))[0] for n in names))
        fields_en = ", ".join(dict.fromkeys(FIELD_LABELS.get(n, (n, n))[1] for n in names))
        message_vi = f"Thông tin chưa hợp lệ hoặc còn thiếu: {fields_vi}."
        message_en = f"Missing or invalid: {fields_en}."
        if wants_html(request):
            return render_page_error(request, 422, message_vi, message_en)
        body = error_body("invalid_request", message_vi, message_en)
        body["detail"] = field_problems(error)
        return JSONResponse(body, 422)


HTTP_ERRORS = {
    400: ("bad_request", "Không đọc được nội dung yêu cầu.", "The request body could not be read."),
    404: ("not_found", "Không có đường dẫn này.", "No such path."),
    405: ("method_not_allowed", "Không hỗ trợ phương thức này.", "Method not allowed."),
}

PAGE_ERRORS = {
    404: ("Không có trang này.", "There is no such page."),
    405: (
        "Trang này không nhận thao tác vừa gửi.",
        "This page does not accept what was just sent.",
    ),
}
"""The framework's own errors as a person browsing the pages reads them."""
UNEXPECTED = (
    "Hệ thống gặp lỗi ngoài dự kiến khi xử lý yêu cầu này.",
    "The system failed unexpectedly while handling this request.",
)

FIELD_LABELS = {
    "recipients": ("nơi nhận", "recipients"),
    "subject": ("trích yếu", "subject"),
    "doc_type": ("loại văn bản", "document type"),
    "urgency": ("độ khẩn", "urgency"),
    "file": ("tệp", "file"),
    "username": ("tên đăng nhập", "username"),
    "password": ("mật khẩu", "password"),
    "document_id": ("mã văn bản", "document id"),
    "receipt_id": ("mã văn bản đến", "incoming document id"),
    "folder_id": ("mã hồ sơ", "folder id"),
    "csrf_token": ("mã biểu mẫu", "form token"),
    "deadline": ("hạn xử lý", "deadline"),
    "handler": ("người xử lý", "handler"),
    "reason": ("lý do", "reason"),
    "comment": ("ý kiến", "comment"),
    "current_password": ("mật khẩu hiện tại", "current password"),
    "new_password": ("mật khẩu mới", "new password"),
    "full_name": ("họ và tên", "full name"),
    "unit": ("đơn vị", "unit"),
    "role": ("vai trò", "role"),
    "roles": ("vai trò", "roles"),
    "since": ("từ thời điểm", "since"),
    "status": ("tình trạng", "status"),
    "name": ("tên", "name"),
    "page": ("số trang", "page"),
    "per_page": ("số dòng mỗi trang", "rows per page"),
    "remind_days_before": ("số ngày nhắc trước hạn", "reminder days before the deadline"),
    "before": ("đến trước thời điểm", "before"),
}
