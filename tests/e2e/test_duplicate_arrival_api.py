"""The duplicate-arrival warning through the real processes (Nghị định 30, Phụ lục VI): a
(number, symbol, issuer) entering a unit's incoming register a second time is registered all
the same, with a warning naming the earlier arrival number.

How it happens in the union: the Thanh Hóa federation sends a plan to two grassroots unions of
the Yên Định district, which then merge; the surviving union's clerk registers the merged
union's copy too, in the survivor's register — the same document, twice.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.flow import MERGED, SURVIVOR, issued_to_both
from tests.stack import Stack


def receipts_of(client: httpx.Client, document_id: str) -> list[dict[str, Any]]:
    return [row for row in client.get("/api/v1/inbox").json() if row["document_id"] == document_id]


def test_the_same_document_registered_twice_in_one_register_warns_without_refusing(
    stack: Stack,
) -> None:
    plan = issued_to_both(stack, SURVIVOR, MERGED)
    clerk = stack.client(f"{SURVIVOR}.vanthu")
    [own] = receipts_of(clerk, plan["id"])
    first = clerk.post(f"/api/v1/receipts/{own['receipt_id']}/register")
    assert first.status_code == 200, first.text
    assert (first.json()["duplicate_of"], first.json()["warning"]) == ([], None)

    merged = stack.client("quantri").post(f"/api/v1/units/{MERGED}/merge", json={"into": SURVIVOR})
    assert merged.status_code == 200, merged.text
    rows = receipts_of(clerk, plan["id"])  # the merged union's copy is in the survivor's inbox
    [other] = [row for row in rows if row["receipt_id"] != own["receipt_id"]]
    assert other["status"] == "delivered"

    second = clerk.post(f"/api/v1/receipts/{other['receipt_id']}/register")
    assert second.status_code == 200, second.text
    body = second.json()
    arrival = first.json()["arrival_number"]
    assert body["arrival_number"] == arrival + 1  # registered all the same, next number
    assert body["duplicate_of"] == [arrival]
    assert body["warning"] == {
        "message": f"Cảnh báo trùng: văn bản số {plan['number_symbol']} của cơ quan này đã "
        f"được vào sổ (số đến {arrival}).",
        "message_en": f"Possible duplicate: document {plan['number_symbol']} from this issuer "
        f"was already registered (arrival no. {arrival}).",
    }
    warned = {row["receipt_id"]: row["duplicate_warning"] for row in receipts_of(clerk, plan["id"])}
    assert warned[own["receipt_id"]] is None
    assert warned[other["receipt_id"]] == {
        "vi": body["warning"]["message"],
        "en": body["warning"]["message_en"],
    }
    # Nobody outside the unit registers it again: another union's clerk is refused.
    refused = stack.client("bentre-tp.vanthu").post(
        f"/api/v1/receipts/{other['receipt_id']}/register"
    )
    assert refused.status_code == 403
    assert refused.json()["message"] and refused.json()["message_en"]
