"""Builders of test documents for the search tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from search.port import IndexedDocument

VIETNAM = timezone(timedelta(hours=7))


def make_document(document_id: str, **overrides: Any) -> IndexedDocument:
    """A plausible document issued by unit "u-hanoi" to "u-danang"; override any field."""
    values: dict[str, Any] = {
        "document_id": document_id,
        "number_symbol": f"{document_id}/KH-CĐ",
        "doc_type": "Kế hoạch",
        "subject": "Về việc tổ chức hội nghị",
        "body_text": "Nội dung văn bản.",
        "issuer_unit_id": "u-hanoi",
        "issuer_name": "Liên đoàn Lao động thành phố Hà Nội",
        "signer_name": "Nguyễn Văn An",
        "status": "issued",
        "urgency": "normal",
        "issued_at": datetime(2025, 3, 14, 9, 30, tzinfo=VIETNAM),
        "party_unit_ids": ["u-hanoi", "u-danang"],
        "scope_unit_ids": ["u-tld"],
    }
    values.update(overrides)
    values.setdefault("issuer_path_ids", [values["issuer_unit_id"], "u-tld"])
    return IndexedDocument(**values)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
