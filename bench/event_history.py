"""A synthetic but realistic event history for the read-model benchmarks, written fast.

A union tree (1 national, 63 provincial, 2,000 upper-grassroots units, three accounts each at the
upper levels), then documents through their whole lifecycle — drafted, sometimes returned and
revised, submitted, signed, numbered in the issuer's register, dispatched — each delivered to 1–5
units, which register it (arrival number in their own register), acknowledge it and, for a third
of them, assign, report progress and complete it. All of it through the real aggregates and
``Application.save`` in batches, so the stored events are byte for byte what the system stores.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from documents.accounts import Account
from documents.application import OfficeApplication
from documents.outgoing import OutgoingDocument
from documents.receipts import Receipt
from documents.registers import INCOMING, OUTGOING, Register
from documents.units import Unit

PROVINCIAL = 63
UPPER = 2_000
BATCH_EVENTS = 2_000
SUBJECTS = (
    "Kế hoạch tổ chức Tháng Công nhân năm 2026",
    "Hướng dẫn thực hiện chế độ đối với đoàn viên công đoàn",
    "Thông báo kết luận của Ban Thường vụ về công tác tài chính công đoàn",
    "Công văn về việc tổ chức Đại hội Công đoàn cơ sở nhiệm kỳ 2026–2031",
    "Báo cáo tổng kết phong trào thi đua lao động giỏi",
)
DOC_TYPES = ("ke_hoach", "huong_dan", "thong_bao", "cong_van", "bao_cao")


class HistoryWriter:
    def __init__(self, app: OfficeApplication, seed: int = 2026) -> None:
        self.app = app
        self.rng = random.Random(seed)
        self.pending: list[Aggregate] = []
        self.pending_events = 0
        self.written = 0
        self.registers: dict[tuple[UUID, str], Register] = {}
        self.year = datetime.now().year

    def add(self, aggregate: Aggregate, events: int) -> None:
        self.pending.append(aggregate)
        self.pending_events += events
        if self.pending_events >= BATCH_EVENTS:
            self.flush()

    def flush(self) -> None:
        touched = [r for r in self.registers.values() if r.pending_events]
        if self.pending or touched:
            recordings = self.app.save(*self.pending, *touched)
            self.written += len(recordings)
        self.pending, self.pending_events = [], 0

    def register(self, unit_id: UUID, kind: str) -> Register:
        key = (unit_id, kind)
        if key not in self.registers:
            self.registers[key] = Register(unit_id=unit_id, kind=kind, year=self.year)
        return self.registers[key]

    def tree(self) -> tuple[list[UUID], list[UUID]]:
        """Writes the units and accounts; returns the issuing units and the receiving ones."""
        national = Unit(
            "tld",
            "Tổng Liên đoàn Lao động Việt Nam",
            "Tổng LĐLĐ",
            "TLĐ",
            "national",
            None,
            "Hà Nội",
        )
        self.add(national, 1)
        provincial = []
        for p in range(PROVINCIAL):
            unit = Unit(
                f"p{p:02d}",
                f"Liên đoàn Lao động tỉnh {p}",
                f"LĐLĐ tỉnh {p}",
                "LĐLĐ",
                "provincial",
                national.id,
                "Bến Tre",
            )
            self.add(unit, 1)
            provincial.append(unit.id)
        upper = []
        for u in range(UPPER):
            unit = Unit(
                f"u{u:04d}",
                f"Công đoàn ngành Giáo dục {u}",
                f"CĐ ngành GD {u}",
                "CĐN",
                "upper_grassroots",
                provincial[u % PROVINCIAL],
                "Bến Tre",
            )
            self.add(unit, 1)
            upper.append(unit.id)
        for unit_id in [national.id, *provincial, *upper]:
            for role in ("drafter", "leader", "clerk"):
                account = Account(
                    f"{unit_id.hex[:12]}.{role}",
                    f"Nguyễn Văn {role}",
                    unit_id,
                    [role],
                    "Chuyên viên",
                    "scrypt$x",
                    None,
                )
                self.add(account, 1)
        return [national.id, *provincial], upper

    def document(self, issuer: UUID, recipients: list[UUID]) -> None:
        rng = self.rng
        person = uuid4()
        document = OutgoingDocument(
            issuer_unit_id=issuer,
            doc_type=rng.choice(DOC_TYPES),
            subject=rng.choice(SUBJECTS),
            urgency="thuong",
            recipient_unit_ids=recipients,
            drafted_by=person,
            body_sha256=f"{rng.getrandbits(256):064x}",
            body_size=rng.randint(20_000, 900_000),
            body_source="upload",
            signer_authority=None,
            signer_id=person,
        )
        if rng.random() < 0.1:
            document.submit(by=person)
            document.return_for_revision(by=person, comment="Đề nghị sửa lại phần nơi nhận.")
            document.revise(by=person, body_sha256=f"{rng.getrandbits(256):064x}", body_size=1)
        document.submit(by=person)
        document.sign(
            by=person,
            signer_name="Nguyễn Văn A",
            certificate_sha256="ab" * 32,
            level="B-LT",
            signed_sha256=f"{rng.getrandbits(256):064x}",
        )
        document.request_issue(by=person)
        register = self.register(issuer, OUTGOING)
        number = register.next_number
        register.take_number(number=number, entry_id=document.id)
        issued_at = datetime.now().astimezone()
        document.issue(
            number=number,
            number_symbol=f"{number:02d}/KH-LĐLĐ",
            register_id=register.id,
            issued_sha256=f"{rng.getrandbits(256):064x}",
            sealed_by_unit="LĐLĐ tỉnh Bến Tre",
            issued_at=issued_at,
        )
        document.mark_dispatched(len(recipients))
        self.add(document, len(document.pending_events) + 1)
        for unit_id in recipients:
            self.receipt(document, unit_id, issued_at)

    def receipt(self, document: OutgoingDocument, unit_id: UUID, at: datetime) -> None:
        receipt = Receipt(
            document.id,
            unit_id,
            document.issuer_unit_id,
            document.number_symbol or "",
            document.subject,
            document.doc_type,
            document.urgency,
            document.issued_sha256 or "",
        )
        clerk = uuid4()
        register = self.register(unit_id, INCOMING)
        number = register.next_number
        register.take_number(number=number, entry_id=receipt.id)
        receipt.register(number, register.id, clerk, at, True, "2 chữ ký hợp lệ")
        receipt.acknowledge(by=clerk)
        if self.rng.random() < 0.33:
            receipt.assign(by=clerk, handler_id=uuid4(), deadline=date.today() + timedelta(10))
            receipt.report_progress(by=clerk, note="Đang triển khai.")
            receipt.complete(by=clerk, note="Đã hoàn thành.")
        self.add(receipt, len(receipt.pending_events) + 1)


def write_history(app: OfficeApplication, events: int, seed: int = 2026) -> int:
    """Writes at least ``events`` events; returns how many it wrote."""
    writer = HistoryWriter(app, seed)
    issuers, upper = writer.tree()
    senders = issuers + upper[:200]
    while writer.written + writer.pending_events < events:
        recipients = writer.rng.sample(upper, writer.rng.randint(1, 5))
        writer.document(writer.rng.choice(senders), recipients)
    writer.flush()
    return writer.written
