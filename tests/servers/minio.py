"""A MinIO server for the tests: ``.cache/bin/minio`` (built by ``scripts/install-minio.sh``)
started on a free loopback port, data in a temporary directory, root credentials passed through
its environment (``MINIO_ROOT_USER``/``MINIO_ROOT_PASSWORD``), stopped at the end."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.process import find_binary, free_ports
from tests.servers.s3 import S3Server, new_credentials, running_s3_server, serving

INSTALL_HINT = "run scripts/install-minio.sh (go install github.com/minio/minio)"


def start_minio(binary: str, base: Path) -> tuple[S3Server, subprocess.Popen[bytes]]:
    port, console_port = free_ports(2)
    access_key, secret_key = new_credentials()
    log = base / "minio.log"
    env = {
        **os.environ,
        "MINIO_ROOT_USER": access_key,
        "MINIO_ROOT_PASSWORD": secret_key,
        "MINIO_BROWSER": "off",
        "MINIO_UPDATE": "off",
    }
    process = subprocess.Popen(
        [
            binary,
            "server",
            str(base / "data"),
            "--address",
            f"127.0.0.1:{port}",
            "--console-address",
            f"127.0.0.1:{console_port}",
            "--quiet",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = S3Server("minio", f"127.0.0.1:{port}", access_key, secret_key)
    return serving(server, process, log)


@pytest.fixture(scope="session")
def minio_server() -> Iterator[S3Server]:
    binary = find_binary("minio", INSTALL_HINT)
    with running_s3_server(start_minio, binary, "eoffice-minio-") as server:
        yield server
