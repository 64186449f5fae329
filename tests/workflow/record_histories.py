"""Records workflow histories from a real run, as fixtures for the replay tests.

Run after a deliberate, compatible change to a workflow (``python -m
tests.workflow.record_histories``): it starts the embedded stack, issues one plan to three units
and one whose seal is refused (revoked certificate), and writes each workflow's history as JSON
to ``tests/workflow/histories/``. Keep the old files too: a running system has old histories.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from temporalio.client import Client

from signing import ensure_dev_pki
from tests.e2e.flow import signed_plan, wait_for_status
from tests.stack import Stack, make_stack
from workflow.messages import issuance_workflow_id
from workflow.services import unit_key_id

HISTORIES = Path(__file__).parent / "histories"


async def save_history(stack: Stack, document_id: str, name: str) -> None:
    client = await Client.connect(f"127.0.0.1:{stack.temporal_port}")
    handle = client.get_workflow_handle(issuance_workflow_id(document_id))
    history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())


def wait_for_last_event(stack: Stack, document_id: str, event: str) -> None:
    clerk = stack.client("bentre.vanthu")
    deadline = time.monotonic() + 120
    while clerk.get(f"/api/v1/documents/{document_id}").json()["history"][-1]["event"] != event:
        assert time.monotonic() < deadline, f"no {event}"
        time.sleep(0.5)


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        stack = make_stack(Path(directory))
        stack.start()
        try:
            clerk = stack.client("bentre.vanthu")
            dispatched = signed_plan(stack)
            clerk.post(f"/api/v1/documents/{dispatched}/issue").raise_for_status()
            wait_for_status(clerk, dispatched, "dispatched")
            refused = signed_plan(stack)
            ensure_dev_pki(stack.pki_dir, [], []).revoke(unit_key_id("bentre"))
            clerk.post(f"/api/v1/documents/{refused}/issue").raise_for_status()
            wait_for_last_event(stack, refused, "OutgoingDocument.IssueFailed")
            time.sleep(2)  # the workflow fails right after recording the failure
            HISTORIES.mkdir(exist_ok=True)
            asyncio.run(save_history(stack, dispatched, "issue_and_dispatch_3_units"))
            asyncio.run(save_history(stack, refused, "issue_refused_seal"))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
