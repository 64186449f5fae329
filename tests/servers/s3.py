"""What an S3-compatible test server gives the tests, and the wait until it answers S3 calls."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from minio import Minio

from tests.servers.process import stop, tail


@dataclass(frozen=True)
class S3Server:
    """An S3 endpoint (``host:port``, plain HTTP) and its root credentials."""

    name: str
    endpoint: str
    access_key: str
    secret_key: str

    def client(self) -> Minio:
        return Minio(
            self.endpoint, access_key=self.access_key, secret_key=self.secret_key, secure=False
        )


def new_credentials() -> tuple[str, str]:
    """A random access key and secret key (MinIO wants at least 3 and 8 characters)."""
    return f"test{secrets.token_hex(8)}", secrets.token_urlsafe(24)


def wait_until_serving(
    server: S3Server, process: subprocess.Popen[bytes], seconds: float, log: Path
) -> None:
    """Until the server lists buckets with the credentials (an open port is not enough)."""
    client = server.client()
    deadline = time.monotonic() + seconds
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {process.returncode}:\n{tail(log)}")
        try:
            client.list_buckets()
            return
        except Exception as error:  # not up yet: connection refused, 503, ...
            last_error = error
            time.sleep(0.1)
    raise RuntimeError(
        f"{server.name} did not serve S3 within {seconds} s ({last_error}):\n{tail(log)}"
    )


Started = tuple[S3Server, "subprocess.Popen[bytes]"]


def serving(server: S3Server, process: subprocess.Popen[bytes], log: Path) -> Started:
    """Waits until the server answers S3 requests; stops it if it never does."""
    try:
        wait_until_serving(server, process, 60, log)
    except BaseException:
        stop(process)
        raise
    return server, process


@contextmanager
def running_s3_server(
    start: Callable[[str, Path], Started], binary: str, prefix: str, stop_seconds: float = 10
) -> Iterator[S3Server]:
    """An S3 server started by ``start(binary, data_dir)`` in a fresh temporary directory,
    stopped and its data removed at the end."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        server, process = start(binary, base)
        try:
            yield server
        finally:
            stop(process, seconds=stop_seconds)
    finally:
        shutil.rmtree(base, ignore_errors=True)
