"""signing/ is PDF in, PDF out: it must not depend on the rest of the e-office."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("documents", "workflow", "search", "api", "eoffice", "temporalio", "eventsourcing")


def test_signing_imports_nothing_of_the_rest_of_the_house() -> None:
    probe = (
        "import sys, signing, signing.validation, signing.template, signing.pki;"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.strip() == "[]"
