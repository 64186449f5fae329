"""The long-running processes: the web app and the Temporal worker."""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from temporalio.client import Client

from api.actor_cache import ActorCache
from api.app import create_app
from api.context import TemporalGateway, WebContext
from api.sessions import SessionSigner
from eoffice.bootstrap import Runtime, build_runtime, secret_key
from eoffice.settings import Settings
from workflow.approval_starter import ApprovalDelays
from workflow.worker import build_worker

log = logging.getLogger(__name__)


def web_context(runtime: Runtime, client: Client | None = None) -> WebContext:
    settings = runtime.settings
    return WebContext(
        services=runtime.services,
        search_projection=runtime.search,
        search_index=runtime.search_index,
        sessions=SessionSigner(secret_key(settings)),
        temporal=TemporalGateway(
            settings.temporal_address,
            settings.temporal_namespace,
            settings.temporal_task_queue,
            client,
        ),
        max_upload_bytes=settings.max_upload_bytes,
        actor_cache=ActorCache(settings.session_cache_seconds),
        approval_delays=ApprovalDelays(
            settings.approval_remind_after_seconds, settings.approval_escalate_after_seconds
        ),
    )


def web_app(settings: Settings) -> FastAPI:
    return create_app(web_context(build_runtime(settings)))


def web_app_from_environment() -> FastAPI:
    """The app of one of several web processes (``EOFFICE_WEB_WORKERS`` > 1): uvicorn's factory,
    called in each process, with the settings from the environment."""
    return web_app(Settings())


async def connect_temporal(settings: Settings, attempts: int = 60) -> Client:
    for attempt in range(attempts):
        try:
            return await Client.connect(
                settings.temporal_address, namespace=settings.temporal_namespace
            )
        except RuntimeError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
    raise AssertionError("unreachable")


async def run_worker(settings: Settings) -> None:
    runtime = build_runtime(settings)
    client = await connect_temporal(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    activities = settings.worker_activities
    with ThreadPoolExecutor(max_workers=activities) as executor:
        worker = build_worker(
            client, runtime.services, settings.temporal_task_queue, executor, activities
        )
        async with worker:
            log.info("worker listening on task queue %s", settings.temporal_task_queue)
            await stop.wait()
