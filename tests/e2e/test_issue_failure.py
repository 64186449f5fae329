"""When the unit's seal cannot be applied (its certificate revoked), issuing fails after a few
tries, the document goes back to "signed" with the reason in its history, and the clerk can
issue it again — instead of a workflow retrying for ever. The number taken before the seal stays
with the document (numbers are never reused, registers have no gap): issuing again seals it under
that number."""

from __future__ import annotations

import re
import time

from signing import ensure_dev_pki
from tests.e2e.flow import signed_plan
from tests.stack import Stack
from workflow.services import unit_key_id


def test_a_refused_seal_sends_the_document_back_to_signed(stack: Stack) -> None:
    document_id = signed_plan(stack)
    ensure_dev_pki(stack.pki_dir, [], []).revoke(unit_key_id("bentre"))
    clerk = stack.client("bentre.vanthu")
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    deadline = time.monotonic() + 120
    while True:
        document = clerk.get(f"/api/v1/documents/{document_id}").json()
        if document["history"][-1]["event"] == "OutgoingDocument.IssueFailed":
            break
        assert time.monotonic() < deadline, document["status"]
        time.sleep(0.5)
    assert document["status"] == "signed"
    # the number taken before the seal stays with the document
    assert re.fullmatch(r"\d{2,}/KH-LĐLĐ", document["number_symbol"] or ""), document
    reason = document["history"][-1]["detail"]["reason"]
    assert "thu hồi" in reason and "revoked" in reason, reason
    again = clerk.post(f"/api/v1/documents/{document_id}/issue")
    assert again.status_code == 202, again.text
