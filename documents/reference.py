"""Reference data of Nghị định 30: document types, urgency, secrecy marks.

The type list is data (``data/document_types.json``), not code: the union's own rules add types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from documents.errors import InvalidInputError, SecretDocumentRefusedError


@dataclass(frozen=True)
class DocumentType:
    code: str
    name: str
    abbreviation: str

    @property
    def title(self) -> str:
        """The type name as printed above the subject (``KẾ HOẠCH``); empty for a công văn."""
        return "" if self.code == "cong_van" else self.name.upper()


@cache
def document_types() -> dict[str, DocumentType]:
    raw = resources.files("documents").joinpath("data/document_types.json").read_text("utf-8")
    return {item["code"]: DocumentType(**item) for item in json.loads(raw)}


def document_type(code: str) -> DocumentType:
    try:
        return document_types()[code]
    except KeyError:
        raise InvalidInputError(
            f"Loại văn bản không hợp lệ: «{code}».", f"Unknown document type: '{code}'."
        ) from None


class Urgency(StrEnum):
    """Độ khẩn."""

    NORMAL = "thuong"
    URGENT = "khan"
    VERY_URGENT = "thuong_khan"
    FLASH = "hoa_toc"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS = {
    Urgency.NORMAL: "Thường",
    Urgency.URGENT: "Khẩn",
    Urgency.VERY_URGENT: "Thượng khẩn",
    Urgency.FLASH: "Hỏa tốc",
}
URGENCY_LABELS_EN = {
    Urgency.NORMAL: "Normal",
    Urgency.URGENT: "Urgent",
    Urgency.VERY_URGENT: "Very urgent",
    Urgency.FLASH: "Flash",
}


def urgent_labels(code: str) -> tuple[str, str] | None:
    """The (Vietnamese, English) labels of an urgency above normal ("Hỏa tốc", "Flash"); None
    for a normal document or an unknown code: only urgent documents are marked as such."""
    try:
        urgency = Urgency(code)
    except ValueError:
        return None
    if urgency is Urgency.NORMAL:
        return None
    return URGENCY_LABELS[urgency], URGENCY_LABELS_EN[urgency]


def parse_urgency(value: str) -> Urgency:
    try:
        return Urgency(value)
    except ValueError:
        allowed = ", ".join(u.value for u in Urgency)
        raise InvalidInputError(
            f"Độ khẩn không hợp lệ: «{value}» (chọn một trong: {allowed}).",
            f"Invalid urgency '{value}' (one of: {allowed}).",
        ) from None


SECRECY_MARKS = {"mat": "Mật", "toi_mat": "Tối mật", "tuyet_mat": "Tuyệt mật"}
_SECRECY_STAMPS = {"MẬT", "TỐI MẬT", "TUYỆT MẬT"}


def refuse_secret_documents(secrecy: str | None, body_text: str = "") -> None:
    """Secret documents never enter this platform (Luật Bảo vệ bí mật nhà nước 2018).

    Refuses a declared mark of Mật or above, and a body whose own text carries a secrecy stamp
    (a line that is exactly ``MẬT``, ``TỐI MẬT`` or ``TUYỆT MẬT``).
    """
    declared = (secrecy or "").strip().lower()
    if declared in ("", "none", "thuong", "khong"):
        stamped = next(
            (line.strip() for line in body_text.splitlines() if line.strip() in _SECRECY_STAMPS),
            None,
        )
        if stamped is None:
            return
        label = stamped
    elif declared in SECRECY_MARKS:
        label = SECRECY_MARKS[declared]
    else:
        raise InvalidInputError(
            f"Độ mật không hợp lệ: «{secrecy}».", f"Invalid secrecy mark '{secrecy}'."
        )
    raise SecretDocumentRefusedError(
        f"Văn bản có độ mật «{label}» không được xử lý trên hệ thống này: văn bản mật không được "
        "gửi qua mạng Internet. Không có dữ liệu nào của văn bản được lưu.",
        f"A document marked '{label}' cannot be handled on this platform: secret documents must "
        "never travel over Internet-connected systems. Nothing of it was stored.",
    )
