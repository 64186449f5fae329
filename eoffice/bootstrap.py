"""Builds the adapters named by the settings; used by the web app, the worker and the CLI."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from documents.application import OfficeApplication
from documents.blobs import BlobStore, FilesystemBlobStore
from documents.errors import RecordsUnavailableError
from documents.signins import LockoutPolicy
from documents.views import ReadModel
from eoffice.adapters.s3_blobs import S3BlobStore
from eoffice.settings import Settings
from search.deferred_index import DeferredSearchIndex
from search.port import SearchIndex, SearchUnavailableError
from search.projection import SearchProjection
from search.tantivy_index import TantivySearchIndex
from signing import DevPki, SignatureLevel, ensure_dev_pki
from signing.signers import SignerRegistry, load_signer_config
from workflow.services import OfficeServices, SignatureLevels

log = logging.getLogger(__name__)


class ConfigurationError(Exception):
    pass


@dataclass
class Runtime:
    settings: Settings
    app: OfficeApplication
    services: OfficeServices
    pki: DevPki
    search_index: SearchIndex
    search: SearchProjection


# eventsourcing's PostgreSQL recorder, sending each save's events as one binary parameter
# (imported by eventsourcing only when the PostgreSQL store is chosen)
POSTGRES_RECORDER_TOPIC = "eoffice.adapters.postgres_recorder:BinaryPostgresApplicationRecorder"


def event_store_env(settings: Settings) -> dict[str, str]:
    if settings.event_store == "postgres":
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
            "POSTGRES_DBNAME": settings.postgres_dbname,
            "POSTGRES_HOST": settings.postgres_host,
            "POSTGRES_PORT": str(settings.postgres_port),
            "POSTGRES_USER": settings.postgres_user,
            "POSTGRES_PASSWORD": settings.postgres_password,
            "POSTGRES_CONNECT_TIMEOUT": str(settings.postgres_connect_timeout),
            # a pooled connection is checked before use: after the server restarts, the first
            # request gets a new connection instead of an error
            "POSTGRES_PRE_PING": "yes",
        }
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.events_path),
    }


# Refusals a PostgreSQL server gives while it starts, stops or is full: try again later.
_TRANSIENT_REFUSALS = ("starting up", "shutting down", "recovery mode", "too many clients")


def _refused_by_the_server(message: str) -> bool:
    """Whether a failed connection was answered by the server with a refusal that settings
    cause (a wrong password, a database that does not exist: libpq gives no SQLSTATE for
    them, only the server's "FATAL:" text), rather than not answered or busy."""
    return "FATAL:" in message and not any(t in message for t in _TRANSIENT_REFUSALS)


SCHEMA_LOCK_ID = 0x0EFF1CE  # pg_advisory_lock key: one process at a time creates the schema


@contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    """Serialises start-ups on PostgreSQL: eventsourcing creates its tables and functions when an
    application starts, and two starting at once fail with "tuple concurrently updated"."""
    if settings.event_store != "postgres":
        yield
        return
    import psycopg

    try:
        connected = psycopg.connect(
            host=settings.postgres_host,
            port=settings.postgres_port,
            dbname=settings.postgres_dbname,
            user=settings.postgres_user,
            password=settings.postgres_password,
            autocommit=True,
            connect_timeout=settings.postgres_connect_timeout,
        )
    except psycopg.OperationalError as error:
        if _refused_by_the_server(str(error)):
            raise ConfigurationError(f"PostgreSQL: {error}") from error
        raise RecordsUnavailableError(str(error)) from error
    with connected as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_ID,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_ID,))


def build_application(settings: Settings) -> OfficeApplication:
    with schema_lock(settings):
        app = OfficeApplication(
            event_store_env(settings), ReadModel(settings.views_path), build_blob_store(settings)
        )
    app.lockout = LockoutPolicy(
        max_failures=settings.signin_max_failures,
        window=timedelta(seconds=settings.signin_failure_window_seconds),
        duration=timedelta(seconds=settings.signin_lockout_seconds),
    )
    return app


def build_blob_store(settings: Settings) -> BlobStore:
    if settings.blob_store == "s3":
        return S3BlobStore(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key,
            settings.s3_bucket,
            settings.s3_secure,
            settings.max_upload_bytes,
        )
    return FilesystemBlobStore(settings.blobs_dir, settings.max_upload_bytes)


def build_search_index(settings: Settings) -> SearchIndex:
    """The configured index. Elasticsearch that does not answer yet does not stop the process:
    the office starts without search and opens the index once the cluster answers
    (`search.deferred_index`)."""
    if settings.search_backend == "elasticsearch":
        from search.elasticsearch_index import ElasticsearchSearchIndex  # only where it runs

        def open_index() -> SearchIndex:
            return ElasticsearchSearchIndex(
                settings.elasticsearch_url, settings.elasticsearch_index
            )

        try:
            return open_index()
        except SearchUnavailableError as error:
            log.warning("starting without search, tried again every few seconds: %s", error)
            return DeferredSearchIndex(open_index)
    return TantivySearchIndex(settings.search_dir / "tantivy", replace_other_schema=True)


def secret_key(settings: Settings) -> str:
    """The configured key, or one generated once and kept in the data directory."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.secret_key_path
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def build_pki(settings: Settings) -> DevPki:
    """The development PKI, its certificates naming the configured trust services."""
    return ensure_dev_pki(settings.pki_path, [], [], services_url=pki_services_url(settings))


def pki_services_url(settings: Settings) -> str | None:
    return settings.pki_services_url.strip() or None


def signature_levels(settings: Settings) -> SignatureLevels:
    return SignatureLevels(
        personal=SignatureLevel(f"PAdES-{settings.personal_signature_level}"),
        seal=SignatureLevel(f"PAdES-{settings.seal_signature_level}"),
    )


def build_runtime(settings: Settings) -> Runtime:
    """Everything a process needs. The search index opens its writer only when written to, which
    only the web process does (it runs the search projection)."""
    app = build_application(settings)
    pki = build_pki(settings)
    index = build_search_index(settings)
    settings.search_dir.mkdir(parents=True, exist_ok=True)
    # Older versions kept the position here, apart from the index it described.
    (settings.search_dir / "position").unlink(missing_ok=True)
    projection = SearchProjection(index)
    if getattr(index, "schema_changed", False):  # new index fields: fill them from the events
        projection.restart()
    if isinstance(index, DeferredSearchIndex):  # the same, once it opens
        index.on_open = lambda opened: (
            projection.restart() if getattr(opened, "schema_changed", False) else None
        )
    return Runtime(
        settings=settings,
        app=app,
        services=OfficeServices(
            app=app,
            keys=pki,
            levels=signature_levels(settings),
            signers=SignerRegistry(pki.key, load_signer_config(settings.signers_file)),
        ),
        pki=pki,
        search_index=index,
        search=projection,
    )
