"""The per-recipient status of a dispatch (tình trạng nơi nhận), a page at a time and filtered
by status and by the unit's name (with or without diacritics): a document sent to 126,000 units
is never listed whole, neither in the API nor on the document page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from api.context import WebContext
from api.unit_picker import units_named
from documents.clock import to_vietnam
from documents.errors import InvalidInputError
from documents.policy import Actor
from documents.receipts import RECEIPT_STATUS_LABELS, ReceiptStatus
from documents.service.dispatch import MAX_RECIPIENTS_PER_PAGE, RECIPIENTS_PER_PAGE

MAX_NAME = 200
PAGE_KEYS = ("rstatus", "rname", "rpage")
"""The document page's query parameters for its status table."""


@dataclass(frozen=True)
class RecipientFilter:
    status: ReceiptStatus | None = None
    name: str = ""
    page: int = 1
    per_page: int = RECIPIENTS_PER_PAGE


def _time(value: str | None) -> str | None:
    return to_vietnam(datetime.fromisoformat(value)).isoformat() if value else None


def status_choices() -> list[dict[str, str]]:
    return [
        {"value": status.value, "vi": vi, "en": en}
        for status, (vi, en) in RECEIPT_STATUS_LABELS.items()
    ]


def filter_from_page(query: Mapping[str, str]) -> RecipientFilter:
    """The document page's ``rstatus``, ``rname`` and ``rpage``; a bad value is a bilingual 422."""
    status = (query.get("rstatus") or "").strip()
    name = (query.get("rname") or "").strip()
    page_text = (query.get("rpage") or "1").strip()
    if status and status not in set(ReceiptStatus):
        raise InvalidInputError(
            f"Tình trạng nơi nhận không hợp lệ: «{status}».",
            f"Unknown recipient status '{status}'.",
        )
    if len(name) > MAX_NAME:
        raise InvalidInputError(
            f"Tên đơn vị cần lọc dài quá {MAX_NAME} ký tự.",
            f"The unit name to filter by is longer than {MAX_NAME} characters.",
        )
    if not page_text.isdigit() or int(page_text) < 1:
        raise InvalidInputError(
            f"Số trang không hợp lệ: «{page_text}» (từ 1 trở lên).",
            f"Invalid page number '{page_text}' (1 or more).",
        )
    return RecipientFilter(ReceiptStatus(status) if status else None, name, int(page_text))


def recipient_page(
    context: WebContext, actor: Actor, document_id: UUID, wanted: RecipientFilter
) -> dict[str, Any]:
    """A page of the status table as the API and the page show it (labels in both languages)."""
    app = context.services.app
    unit_ids = units_named(app.tree(), wanted.name) if wanted.name else None
    page = app.recipient_status(
        actor,
        document_id,
        status=wanted.status.value if wanted.status else None,
        unit_ids=unit_ids,
        page=wanted.page,
        per_page=min(wanted.per_page, MAX_RECIPIENTS_PER_PAGE),
    )
    page["name"] = wanted.name
    page["rows"] = [
        {
            "receipt_id": row["id"],
            "unit_id": row["unit_id"],
            "unit_name": row["unit_name"],
            "status": row["status"],
            "status_label": dict(
                zip(("vi", "en"), RECEIPT_STATUS_LABELS[ReceiptStatus(row["status"])], strict=True)
            ),
            "arrival_number": row["arrival_number"],
            "delivered_at": _time(row["delivered_at"]),
            "registered_at": _time(row["registered_at"]),
            "acknowledged_at": _time(row["acknowledged_at"]),
        }
        for row in page["rows"]
    ]
    return page


def page_links(document_id: UUID, page: dict[str, Any]) -> dict[str, str | None]:
    """Links of the document page to the previous and next page of its status table, keeping
    the filters."""

    def link(number: int) -> str:
        values = {
            "rstatus": page["status"] or "",
            "rname": page["name"],
            "rpage": str(number),
        }
        kept = {k: v for k, v in values.items() if v}
        return f"/documents/{document_id}?{urlencode(kept)}#recipient-status"

    return {
        "previous": link(page["page"] - 1) if page["page"] > 1 else None,
        "next": link(page["page"] + 1) if page["page"] < page["pages"] else None,
    }
