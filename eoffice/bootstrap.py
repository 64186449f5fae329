"""Builds the adapters named by the settings; used by the web app, the worker and the CLI."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from documents.application import OfficeApplication
from documents.blobs import BlobStore, FilesystemBlobStore
from documents.views import ReadModel
from eoffice.settings import Settings
from search.port import SearchIndex
from search.projection import SearchProjection
from search.tantivy_index import TantivySearchIndex
from signing import DevPki, ensure_dev_pki
from workflow.services import OfficeServices


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


def event_store_env(settings: Settings) -> dict[str, str]:
    if settings.event_store == "postgres":
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": settings.postgres_dbname,
            "POSTGRES_HOST": settings.postgres_host,
            "POSTGRES_PORT": str(settings.postgres_port),
            "POSTGRES_USER": settings.postgres_user,
            "POSTGRES_PASSWORD": settings.postgres_password,
        }
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.events_path),
    }


def build_blob_store(settings: Settings) -> BlobStore:
    if settings.blob_store == "s3":
        raise ConfigurationError(
            "EOFFICE_BLOB_STORE=s3: the S3/MinIO adapter is not built yet (issue 4); "
            "use 'filesystem'."
        )
    return FilesystemBlobStore(settings.blobs_dir, settings.max_upload_bytes)


def build_search_index(settings: Settings) -> SearchIndex:
    if settings.search_backend == "elasticsearch":
        raise ConfigurationError(
            "EOFFICE_SEARCH_BACKEND=elasticsearch: the Elasticsearch adapter is not built yet "
            "(issue 7); use 'tantivy'."
        )
    return TantivySearchIndex(settings.search_dir / "tantivy")


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


def build_runtime(settings: Settings) -> Runtime:
    """Everything a process needs. The search index opens its writer only when written to, which
    only the web process does (it runs the search projection)."""
    app = OfficeApplication(
        event_store_env(settings), ReadModel(settings.views_path), build_blob_store(settings)
    )
    pki = ensure_dev_pki(settings.pki_path, [], [])
    index = build_search_index(settings)
    settings.search_dir.mkdir(parents=True, exist_ok=True)
    projection = SearchProjection(index, settings.search_dir / "position")
    return Runtime(
        settings=settings,
        app=app,
        services=OfficeServices(app=app, keys=pki),
        pki=pki,
        search_index=index,
        search=projection,
    )
