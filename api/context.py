"""What every request handler can reach: built once per application by ``create_app``."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field

from temporalio.client import Client

from api.actor_cache import ActorCache
from api.sessions import SessionSigner
from search.port import SearchIndex
from search.projection import SearchProjection
from search.tantivy_index import IndexLockedError
from workflow.approval_starter import ApprovalDelays
from workflow.services import OfficeServices

log = logging.getLogger(__name__)


class TemporalGateway:
    """A Temporal client connected on first use: the web app starts even while Temporal is down."""

    def __init__(
        self, address: str, namespace: str, task_queue: str, client: Client | None = None
    ) -> None:
        self.address = address
        self.namespace = namespace
        self.task_queue = task_queue
        self._client = client
        self._lock = asyncio.Lock()

    async def client(self) -> Client:
        async with self._lock:
            if self._client is None:
                self._client = await Client.connect(self.address, namespace=self.namespace)
            return self._client


@dataclass
class WebContext:
    services: OfficeServices
    search_projection: SearchProjection
    search_index: SearchIndex
    sessions: SessionSigner
    temporal: TemporalGateway
    max_upload_bytes: int
    approval_delays: ApprovalDelays = field(default_factory=ApprovalDelays)
    actor_cache: ActorCache = field(default_factory=ActorCache)
    """Who each session token is, for ``EOFFICE_SESSION_CACHE_SECONDS`` (``api/actor_cache.py``)."""
    _search_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # a sign-out, password or role change saved by this process drops its cached sessions
        self.services.app.save_observers.append(self.actor_cache.observe)

    def refresh(self) -> None:
        """Brings the read models and the search index up to the event store."""
        self.services.app.refresh_views()
        with self._search_lock:
            try:
                self.search_projection.catch_up(self.services.app)
            except IndexLockedError:
                # Several web processes on one port: the one holding the index's writer indexes
                # these events within a second (its own catch-up) and moves the shared position.
                log.info("the search index is written by another web process")
