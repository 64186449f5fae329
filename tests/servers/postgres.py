"""A private PostgreSQL cluster for the tests: ``initdb`` in a temporary directory, started with
``pg_ctl`` on a free loopback port (its unix socket in the same directory), stopped at the end.

PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres`` OS user (Debian's
package creates it) and every server command runs through ``runuser``. The binaries come from
Debian's ``postgresql`` package (``scripts/install-postgres.sh``) or from ``$PG_BINDIR``.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.servers.process import free_port, tail

SUPERUSER = "eoffice"
INSTALL_HINT = "run scripts/install-postgres.sh (Debian package postgresql)"
# A throw-away cluster: durability settings off, enough connections for many concurrent issuers.
SERVER_OPTIONS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
}


@dataclass(frozen=True)
class PostgresServer:
    """Where the cluster listens and how to sign in (password authentication over TCP)."""

    host: str
    port: int
    user: str
    password: str
    socket_dir: Path

    def connect(self, dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=dbname,
            autocommit=True,
        )

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (a fresh name unless given); returns its name."""
        name = name or f"test_{secrets.token_hex(6)}"
        with self.connect() as db:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name


def postgres_bindir() -> Path:
    configured = os.environ.get("PG_BINDIR")
    if configured:
        return Path(configured)
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if not candidates:
        pytest.skip(f"PostgreSQL is not installed: {INSTALL_HINT}")
    return candidates[-1].parent


class PostgresCluster:
    """Owns the temporary directory and the server process of one private cluster."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="eoffice-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")  # KeyError: the Debian package is missing
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
            self._as_owner = ["runuser", "-u", "postgres", "--"]
            self._owner = (owner.pw_uid, owner.pw_gid)
        else:
            self._owner = (os.getuid(), os.getgid())

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as_owner, str(self.bindir / tool), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}"
                f"{result.stderr}\n{tail(self.log)}"
            )

    def start(self) -> PostgresServer:
        password_file = self.base / "password"
        password_file.write_text(self.password)
        os.chown(password_file, *self._owner)
        password_file.chmod(0o600)
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            SUPERUSER,
            "--pwfile",
            str(password_file),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        password_file.unlink()
        options = {
            **SERVER_OPTIONS,
            "port": str(self.port),
            "unix_socket_directories": str(self.base),
        }
        self._run(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log),
            "--wait",
            "--timeout=60",
            "-o",
            " ".join(f"-c {key}={value}" for key, value in options.items()),
        )
        return PostgresServer("127.0.0.1", self.port, SUPERUSER, self.password, self.base)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode=fast", "--wait")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL cluster for the whole session; each test makes its own database."""
    cluster = PostgresCluster(postgres_bindir())
    try:
        yield cluster.start()
    finally:
        cluster.stop()
