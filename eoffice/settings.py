"""Settings (pydantic-settings, prefix ``EOFFICE_``) with embedded defaults.

Unset, everything runs embedded under ``./var``: SQLite events, filesystem blobs, tantivy index,
a local Temporal dev server. The same names configure the production stack (docker-compose.yml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PadesLevel = Literal["B-B", "B-T", "B-LT", "B-LTA"]
"""A PAdES baseline level, as in ``EOFFICE_PERSONAL_SIGNATURE_LEVEL=B-LT`` (``PAdES-B-LT`` is
accepted too)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EOFFICE_", extra="ignore")

    data_dir: Path = Path("var")

    event_store: Literal["sqlite", "postgres"] = "sqlite"
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_dbname: str = "eoffice"
    postgres_user: str = "eoffice"
    postgres_password: str = ""
    postgres_connect_timeout: int = Field(default=1, ge=1, le=300)
    """Seconds one try waits for a database connection (a new one, or a free one of the pool).
    eventsourcing tries each read and write 10 times, so a request waits about ten times this
    before it is answered 503 "the database does not answer"."""

    blob_store: Literal["filesystem", "s3"] = "filesystem"
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "eoffice-documents"
    s3_secure: bool = False
    max_upload_bytes: int = 20 * 1024 * 1024

    search_backend: Literal["tantivy", "elasticsearch"] = "tantivy"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_index: str = Field(
        default="eoffice-documents", pattern=r"^[a-z0-9][a-z0-9_-]{0,200}$"
    )
    """The alias searched and written (its versions are indices ``<alias>-v<N>``): installations
    sharing one cluster each take their own."""

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "eoffice"
    temporal_ui_port: int = 8233
    worker_activities: int = Field(default=8, ge=1)
    """How many activities the worker runs at once (threads of its activity executor): a
    dispatch's delivery batches run in parallel up to this number."""

    secret_key: str = ""
    pki_dir: Path | None = None
    pki_services_url: str = "http://127.0.0.1:8790"
    """The development OCSP responder, CRLs and timestamp authority (``make run`` starts them
    there); the dev certificates name this address. Empty: no trust services (B-B only)."""
    personal_signature_level: PadesLevel = "B-LT"
    """The leader's signature: B-LT embeds the certificates and revocation data (ND30)."""
    seal_signature_level: PadesLevel = "B-LTA"
    """The unit's seal: B-LTA adds a document timestamp over everything, for archiving."""
    signers_file: Path | None = None
    """JSON naming each person's PKCS#11 token and remote (CSC) signer, with the files that hold
    their PIN and access token (``signing/signers.py``); unset: personal key files only (and
    ``make run`` gives the demo leader a remote signer and, with SoftHSM2, a token: below)."""
    dev_csc_url: str = "http://127.0.0.1:8791"
    """``make run`` without ``signers_file``: the development CSC service it starts there, whose
    page ``/phone`` confirms the demo leader's remote signatures. Empty: no demo signers."""
    signin_max_failures: int = Field(default=5, ge=1)
    """Failed sign-ins of one username within the window that lock it out."""
    signin_failure_window_seconds: int = Field(default=15 * 60, ge=1)
    signin_lockout_seconds: int = Field(default=15 * 60, ge=1)
    """How long a lock-out lasts (an administrator of the unit can unlock sooner)."""
    approval_remind_after_seconds: int = Field(default=24 * 60 * 60, ge=1)
    """How long a step of a document's approval (a reviewer's opinion, the leader's signature)
    may wait before its holder is reminded."""
    approval_escalate_after_seconds: int = Field(default=3 * 24 * 60 * 60, ge=1)
    """How long before the unit's leader is told that the step waits too long."""
    session_cache_seconds: float = Field(default=2.0, ge=0, le=60)
    """How long a web process keeps who a session token is (revocation checked, account loaded)
    before asking the event store again. A sign-out or password change in the same process counts
    at once; in another web process within this time. 0: ask on every request."""
    web_workers: int = Field(default=1, ge=1, le=64)
    """Web processes serving the API port (``eoffice run --web-workers N`` / ``eoffice api``)."""
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    @field_validator("personal_signature_level", "seal_signature_level", mode="before")
    @classmethod
    def _short_level(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip().upper()
            return text.removeprefix("PADES-")
        return value

    @property
    def pki_services_address(self) -> tuple[str, int] | None:
        """Host and port of the trust services URL, or None when none is configured."""
        if not self.pki_services_url.strip():
            return None
        parts = urlsplit(self.pki_services_url.strip())
        default_port = 443 if parts.scheme == "https" else 80
        return parts.hostname or "127.0.0.1", parts.port or default_port

    @property
    def dev_csc_address(self) -> tuple[str, int] | None:
        if not self.dev_csc_url.strip():
            return None
        parts = urlsplit(self.dev_csc_url.strip())
        return parts.hostname or "127.0.0.1", parts.port or 80

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
