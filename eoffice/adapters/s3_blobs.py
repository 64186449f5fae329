"""The blob store on an S3-compatible server (MinIO in production; SeaweedFS or any S3 will do),
through the ``minio`` client.

Objects are named ``sha256/<hex digest>`` in one bucket (created when missing). Content-addressed
and never overwritten: ``put`` looks first and writes only a digest that is not there yet, so
storing the same bytes twice is a no-op. Downloads go through short-lived presigned GET URLs or
through the API with ``get``.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from datetime import datetime, timedelta

import certifi
import urllib3
from minio import Minio
from minio.error import S3Error, ServerError
from urllib3.exceptions import HTTPError
from urllib3.util import Retry, Timeout

from documents.blobs import BlobStoreUnavailableError, check_size, sha256_hex
from documents.errors import NotFoundError

KEY_PREFIX = "sha256/"
HEX_DIGITS = frozenset("0123456789abcdef")
MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"})
BUCKET_TAKEN_CODES = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})
BUSY_CODES = frozenset(
    {"SlowDown", "ServiceUnavailable", "RequestTimeout", "XMinioServerNotInitialized"}
)
"""S3 errors of a server that is overloaded or starting: try again later."""
CONNECT_SECONDS = 3.0
READ_SECONDS = 30.0
"""Waits for a connection, and for each read of an answer: the client's defaults (5 minutes
each, five retries) held a request for minutes when the server's host did not answer."""
RETRIES = Retry(total=2, backoff_factor=0.1, status_forcelist=[500, 502, 503, 504])
"""Two more tries, 0.1 and 0.2 s apart: a blip is ridden out, a server that is down answers
503 within a second (five tries with 0.2 s backoff took ~6 s)."""
POOL_SIZE = 32
"""Connections kept per host: the web app serves requests from a pool of threads."""


def _http_client() -> urllib3.PoolManager:
    """The client's own settings but for `CONNECT_SECONDS`, `READ_SECONDS`, `RETRIES` and
    `POOL_SIZE`."""
    return urllib3.PoolManager(
        timeout=Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS),
        maxsize=POOL_SIZE,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=RETRIES,
    )


@contextlib.contextmanager
def _answering() -> Iterator[None]:
    """A request to the server; unreachable, cut off, failing (5xx) or busy:
    `BlobStoreUnavailableError`, which the web app answers with 503."""
    try:
        yield
    except (HTTPError, ServerError) as error:  # urllib3: refused, reset, timed out, retries
        raise BlobStoreUnavailableError(f"S3: {error}") from error
    except S3Error as error:
        if error.code in BUSY_CODES:
            raise BlobStoreUnavailableError(f"S3: {error}") from error
        raise


def _not_found() -> NotFoundError:
    return NotFoundError("Không tìm thấy tệp.", "No such file.")


def object_name(sha256: str) -> str:
    """The object's name for a digest; anything but 64 lowercase hex digits is not found."""
    if len(sha256) != 64 or not HEX_DIGITS.issuperset(sha256):
        raise _not_found()
    return KEY_PREFIX + sha256


class S3BlobStore:
    """``documents.blobs.BlobStore`` on an S3 bucket; ``endpoint`` is ``host:port``."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool,
        max_bytes: int,
        *,
        region: str | None = None,
    ) -> None:
        self.client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(),
        )
        self.bucket = bucket
        self.max_bytes = max_bytes
        self._ensure_bucket()

    def _ensure_bucket(self) -> None:
        with _answering():
            if self.client.bucket_exists(self.bucket):
                return
            try:
                self.client.make_bucket(self.bucket)
            except S3Error as error:  # created by another process in the meantime
                if error.code not in BUCKET_TAKEN_CODES:
                    raise

    def put(self, data: bytes) -> str:
        check_size(data, self.max_bytes)
        digest = sha256_hex(data)
        if not self.exists(digest):
            with _answering():
                self.client.put_object(
                    self.bucket,
                    object_name(digest),
                    io.BytesIO(data),
                    len(data),
                    content_type="application/octet-stream",
                )
        return digest

    def get(self, sha256: str) -> bytes:
        name = object_name(sha256)
        with _answering():
            try:
                response = self.client.get_object(self.bucket, name)
            except S3Error as error:
                if error.code in MISSING_CODES:
                    raise _not_found() from None
                raise
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def exists(self, sha256: str) -> bool:
        name = object_name(sha256)
        with _answering():
            try:
                self.client.stat_object(self.bucket, name)
            except S3Error as error:
                if error.code in MISSING_CODES:
                    return False
                raise
        return True

    def presigned_get_url(
        self, sha256: str, expires: timedelta, *, issued_at: datetime | None = None
    ) -> str:
        """A URL that downloads the file without credentials until ``expires`` has passed
        (counted from ``issued_at``, now by default). Refuses a file that is not stored."""
        if not self.exists(sha256):
            raise _not_found()
        return self.client.presigned_get_object(
            self.bucket, object_name(sha256), expires=expires, request_date=issued_at
        )
