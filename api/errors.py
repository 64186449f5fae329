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
        fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) for e in error.errors())
        body = error_body(
            "invalid_request",
            f"Yêu cầu không hợp lệ, kiểm tra các trường: {fields}.",
            f"Invalid request; check the fields: {fields}.",
        )
        body["detail"] = str(error.errors())
        return JSONResponse(body, 422)
