"""Domain errors mapped to HTTP, in one place: JSON for the API, a page for the browser."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from documents.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
)


class NotAuthenticatedError(DomainError):
    code = "not_authenticated"

    def __init__(
        self,
        message_vi: str = "Cần đăng nhập (phiên đăng nhập không có hoặc đã hết hạn).",
        message_en: str = "Sign-in required (no session, or it has expired).",
    ) -> None:
        super().__init__(message_vi, message_en)


def wrong_credentials() -> NotAuthenticatedError:
    error = NotAuthenticatedError("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")
    error.code = "wrong_credentials"
    return error


def status_for(error: DomainError) -> int:
    if isinstance(error, NotAuthenticatedError):
        return 401
    if isinstance(error, ForbiddenError):
        return 403
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, PayloadTooLargeError):
        return 413
    return 422


def error_body(code: str, message_vi: str, message_en: str) -> dict[str, str]:
    return {"error": code, "message": message_vi, "message_en": message_en}


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


PageRenderer = Callable[[Request, int, str, str], Response]


def install_error_handlers(app: FastAPI, render_page_error: PageRenderer) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        status = status_for(error)
        if wants_html(request):
            if status == 401:
                return Response(status_code=303, headers={"Location": "/login"})
            return render_page_error(request, status, error.message_vi, error.message_en)
        return JSONResponse(error_body(error.code, error.message_vi, error.message_en), status)

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
        body["detail"] = str(error.errors())
        return JSONResponse(body, 422)


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
}
