"""Fuzzes every operation of the running app's OpenAPI description (/openapi.json) with the
schemathesis CLI (checks and bounds in schemathesis.toml): no 5xx, documented status codes,
responses that match their declared schemas. Three passes: a clerk and the administrator with
generated ids, and the clerk again against a real draft and folder, so that the handlers behind
the 404s run too."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.stack import Stack, running_stack

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz-stack")
    with running_stack(data_dir, max_upload_bytes="1000000") as running:
        yield running


def bearer(stack: Stack, username: str) -> str:
    with closing(stack.client(username)) as client:
        return str(client.headers["Authorization"])


def real_resources(stack: Stack) -> str:
    """A draft by bentre.chuyenvien and a folder of its unit, as schemathesis parameters."""
    with closing(stack.client("bentre.chuyenvien")) as clerk:
        draft = clerk.post(
            "/api/v1/documents",
            data={
                "subject": "Kế hoạch kiểm thử",
                "recipients": ["bentre-tp"],
                "body_text": "Nội dung",
            },
        )
    assert draft.status_code == 201, draft.text
    with closing(stack.client("bentre.vanthu")) as registrar:
        folder = registrar.post(
            "/api/v1/folders", json={"year": 2026, "code": "HS-FUZZ", "title": "Hồ sơ kiểm thử"}
        )
    assert folder.status_code == 201, folder.text
    return (
        "\n[parameters]\n"
        f'"path.document_id" = "{draft.json()["id"]}"\n'
        f'"path.folder_id" = "{folder.json()["id"]}"\n'
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("username", "with_real_ids"),
    [("bentre.chuyenvien", False), ("quantri", False), ("bentre.chuyenvien", True)],
)
def test_every_operation_survives_fuzzing(
    stack: Stack, username: str, with_real_ids: bool, tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    extra = real_resources(stack) if with_real_ids else ""
    config.write_text(CONFIG.read_text(encoding="utf-8") + extra, encoding="utf-8")
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(config)),
        *("run", f"{stack.api_url}/openapi.json"),
        *("--header", f"Authorization: {bearer(stack, username)}"),
        *("--report", "junit", "--report-dir", str(tmp_path / "report")),
    ]
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )
    output = result.stdout + result.stderr
    (tmp_path / "schemathesis.log").write_text(output, encoding="utf-8")
    print(f"schemathesis as {username} took {time.monotonic() - started:.1f} s")
    if result.returncode != 0:
        print(output)
        print(stack.logs())
    assert result.returncode == 0, f"schemathesis as {username} found failures (output above)"
