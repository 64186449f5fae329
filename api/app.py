"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api import (
    archive_pages,
    pages,
    pages_account,
    pages_admin,
    pages_certificates,
    report_pages,
    routes_accounts,
    routes_approval,
    routes_copies,
    routes_dispatch,
    routes_folders,
    routes_handling,
    routes_lifecycle,
    routes_reports,
    routes_search,
    routes_signing,
    routes_units,
    routes_v1,
    search_page,
    signing_pages,
)
from api.context import WebContext
from api.errors import ERROR_RESPONSES, install_error_handlers, unavailable_error

log = logging.getLogger(__name__)


async def _keep_fresh(context: WebContext, interval: float) -> None:
    """Follows the event store (the worker writes too) into the read models and the index. A
    store that does not answer (the event store; the search index; the file store, which holds
    the text to index) is logged when it stops and when catching up works again, not every
    round."""
    paused: str | None = None
    while True:
        try:
            await run_in_threadpool(context.refresh)
            if paused is not None:
                log.warning("catching up again after %s", paused)
            paused = None
        except Exception as error:  # keep following; the next round retries
            unavailable = unavailable_error(error)
            if unavailable is None:
                log.exception("catching up read models failed")
            else:
                if paused != unavailable.code:
                    log.warning(
                        "catching up paused (%s), retried every round: %s", unavailable.code, error
                    )
                paused = unavailable.code
        await asyncio.sleep(interval)


def create_app(context: WebContext, refresh_interval: float = 1.0) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_keep_fresh(context, refresh_interval))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app = FastAPI(
        title="Công đoàn e-Office API",
        description="Văn bản điện tử của hệ thống Công đoàn Việt Nam / "
        "E-office of the Vietnam trade union system",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.context = context

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for api_router in (
        routes_v1.router,
        routes_signing.router,
        routes_lifecycle.router,
        routes_approval.router,
        routes_handling.router,
        routes_folders.router,
        routes_folders.archive_router,
        routes_units.router,
        routes_reports.router,
        routes_copies.router,
        routes_dispatch.router,
        routes_accounts.router,
        routes_search.router,
    ):
        app.include_router(api_router, responses=ERROR_RESPONSES)
    app.include_router(signing_pages.router)  # before the pages' /documents/{id}/{action}
    app.include_router(pages.router)
    app.include_router(search_page.router)
    app.include_router(report_pages.router)
    app.include_router(pages_account.router)
    app.include_router(pages_admin.router)
    app.include_router(archive_pages.router)
    app.include_router(pages_certificates.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    install_error_handlers(app, pages.render_error)
    return app
