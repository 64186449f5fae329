"""Settings (pydantic-settings, prefix ``EOFFICE_``) with embedded defaults.

Unset, everything runs embedded under ``./var``: SQLite events, filesystem blobs, tantivy index,
a local Temporal dev server. The same names configure the production stack (docker-compose.yml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EOFFICE_", extra="ignore")

    data_dir: Path = Path("var")

    event_store: Literal["sqlite", "postgres"] = "sqlite"
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_dbname: str = "eoffice"
    postgres_user: str = "eoffice"
    postgres_password: str = ""

    blob_store: Literal["filesystem", "s3"] = "filesystem"
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "eoffice-documents"
    s3_secure: bool = False
    max_upload_bytes: int = 20 * 1024 * 1024

    search_backend: Literal["tantivy", "elasticsearch"] = "tantivy"
    elasticsearch_url: str = "http://127.0.0.1:9200"

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "eoffice"
    temporal_ui_port: int = 8233

    secret_key: str = ""
    pki_dir: Path | None = None
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.sqlite"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def search_dir(self) -> Path:
        return self.data_dir / "search"

    @property
    def pki_path(self) -> Path:
        return self.pki_dir or self.data_dir / "pki"

    @property
    def temporal_db_path(self) -> Path:
        return self.data_dir / "temporal.sqlite"

    @property
    def secret_key_path(self) -> Path:
        return self.data_dir / "secret_key"
