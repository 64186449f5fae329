"""Demo documents issued on first start, so that a new user finds something in every list, in
search and in the audit trail. Each goes the way a person takes it, through the HTTP API of the
running stack: the unit's ``.chuyenvien`` drafts and submits, its ``.lanhdao`` signs (key file),
its ``.vanthu`` issues, and the workflow numbers and dispatches it; the clerk then files it into
the unit's file folder of the year (opened if missing), so the archive shows it; the first
recipient's clerk registers and acknowledges one of them.

A document whose subject is already in its unit's outbox is left as it is, so a start that was
stopped halfway goes on where it stopped and never issues a document twice."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from documents.clock import now_vietnam
from eoffice.demo import DEMO_PASSWORD

API = "/api/v1"
T = TypeVar("T")


@dataclass(frozen=True)
class DemoDocument:
    unit: str
    doc_type: str
    subject: str
    urgency: str
    recipients: tuple[str, ...]
    signer_authority: str
    body: str
    folder_code: str
    folder_title: str
    """The unit's file folder (hồ sơ) of the year it is filed into."""


DEMO_DOCUMENTS = (
    DemoDocument(
        "tld",
        "huong_dan",
        "Hướng dẫn tổ chức Tháng Công nhân năm 2027",
        "thuong",
        ("bentre", "thanhhoa"),
        "TM. ĐOÀN CHỦ TỊCH",
        """Thực hiện Chương trình công tác năm 2027, Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt \
Nam hướng dẫn tổ chức Tháng Công nhân như sau:

1. Chủ đề: "Công nhân có việc làm, thu nhập ổn định - Doanh nghiệp phát triển bền vững".

2. Các liên đoàn lao động tỉnh, thành phố tổ chức thăm hỏi, tặng quà đoàn viên, người lao động \
có hoàn cảnh khó khăn; tổ chức đối thoại tại nơi làm việc và ký kết thỏa ước lao động tập thể.

3. Báo cáo kết quả về Tổng Liên đoàn (qua Ban Tổ chức) trước ngày 15 tháng 6 năm 2027.""",
        "01.HD",
        "Hướng dẫn, chỉ đạo công tác công đoàn",
    ),
    DemoDocument(
        "bentre",
        "ke_hoach",
        "Kế hoạch chuyển đổi số trong hoạt động công đoàn năm 2027",
        "khan",
        ("bentre-tp", "bentre-kcn"),
        "TM. BAN THƯỜNG VỤ",
        """Thực hiện Chương trình chuyển đổi số trong hệ thống Công đoàn tỉnh Bến Tre, Ban Thường \
vụ Liên đoàn Lao động tỉnh xây dựng kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Đẩy mạnh ứng dụng văn bản điện tử, chữ ký số trong toàn hệ thống công đoàn tỉnh.
2. Tổ chức tập huấn kỹ năng số cho cán bộ công đoàn cơ sở và đoàn viên.

II. TỔ CHỨC THỰC HIỆN
Các công đoàn cấp trên trực tiếp cơ sở báo cáo kết quả về Liên đoàn Lao động tỉnh trước ngày 25 \
hằng quý.""",
        "02.KH",
        "Kế hoạch, chương trình công tác",
    ),
    DemoDocument(
        "bentre",
        "cong_van",
        "V/v tăng cường công tác an toàn, vệ sinh lao động trong doanh nghiệp",
        "thuong_khan",
        ("bentre-kcn", "thuysan-bentre", "dientu-giaolong"),
        "TM. BAN THƯỜNG VỤ",
        """Trước tình hình tai nạn lao động tại một số doanh nghiệp trên địa bàn tỉnh, Liên đoàn \
Lao động tỉnh đề nghị các cấp công đoàn phối hợp với người sử dụng lao động rà soát các biện pháp \
an toàn, vệ sinh lao động; kiện toàn mạng lưới an toàn, vệ sinh viên; tuyên truyền cho đoàn viên, \
người lao động về phòng ngừa tai nạn lao động và bệnh nghề nghiệp.""",
        "03.ATVSLĐ",
        "Hồ sơ an toàn, vệ sinh lao động",
    ),
    DemoDocument(
        "thanhhoa",
        "thong_bao",
        "Thông báo kết quả Hội nghị đối thoại tại nơi làm việc năm 2026",
        "thuong",
        ("yendinh", "thanhhoa-vc"),
        "TM. BAN THƯỜNG VỤ",
        """Liên đoàn Lao động tỉnh Thanh Hóa thông báo kết quả Hội nghị đối thoại tại nơi làm việc \
năm 2026: 312 doanh nghiệp đã tổ chức đối thoại định kỳ; 87% kiến nghị của người lao động về \
tiền lương, bảo hiểm xã hội và điều kiện làm việc đã được giải quyết. Đề nghị các công đoàn cấp \
trên trực tiếp cơ sở tiếp tục theo dõi việc thực hiện các cam kết sau đối thoại.""",
        "01.TB",
        "Thông báo, kết luận hội nghị",
    ),
    DemoDocument(
        "yendinh",
        "ke_hoach",
        "Kế hoạch tập huấn nghiệp vụ cho cán bộ công đoàn cơ sở năm 2027",
        "thuong",
        ("th-quanlao", "bv-yendinh"),
        "TM. BAN THƯỜNG VỤ",
        """Liên đoàn Lao động huyện Yên Định tổ chức tập huấn nghiệp vụ cho chủ tịch, phó chủ tịch \
và ủy viên ban chấp hành công đoàn cơ sở: kỹ năng thương lượng tập thể, quản lý tài chính công \
đoàn, sử dụng phần mềm quản lý đoàn viên và văn phòng điện tử. Thời gian: quý I năm 2027.""",
        "02.KH",
        "Kế hoạch tập huấn cán bộ công đoàn",
    ),
    DemoDocument(
        "thanhhoa-vc",
        "cong_van",
        "V/v triển khai ký kết thỏa ước lao động tập thể ngành y tế",
        "thuong",
        ("stttt-thanhhoa", "cdyt-thanhhoa"),
        "TM. BAN THƯỜNG VỤ",
        """Công đoàn Viên chức tỉnh đề nghị các công đoàn cơ sở rà soát, sửa đổi và ký kết thỏa \
ước lao động tập thể với nội dung có lợi hơn cho người lao động so với quy định của pháp luật; \
gửi bản thỏa ước đã ký về Công đoàn Viên chức tỉnh trước ngày 30 tháng 3 năm 2027.""",
        "04.TƯLĐTT",
        "Hồ sơ thỏa ước lao động tập thể",
    ),
)
ACKNOWLEDGED = 1
"""The index in `DEMO_DOCUMENTS` of the document whose first recipient acknowledges it."""


class DemoDocumentError(RuntimeError):
    """A step of a demo document was refused by the API, or the API did not answer."""


class _Office:
    """The running stack's API, signed in as whoever a step needs."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)
        self._tokens: dict[str, str] = {}

    def close(self) -> None:
        self._http.close()

    def call(self, username: str, method: str, path: str, **kwargs: Any) -> Any:
        try:
            return self._call(username, method, path, **kwargs)
        except httpx.HTTPError as error:  # the web app stopped or does not answer
            raise DemoDocumentError(f"{method} {path} as {username}: {error!r}") from error

    def _call(self, username: str, method: str, path: str, **kwargs: Any) -> Any:
        token = self._tokens.get(username)
        if token is None:
            answer = self._http.post(
                f"{API}/auth/token", json={"username": username, "password": DEMO_PASSWORD}
            )
            _check(answer, f"sign-in of {username}")
            token = self._tokens[username] = answer.json()["access_token"]
        answer = self._http.request(
            method, f"{API}{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs
        )
        _check(answer, f"{method} {path} as {username}")
        return answer.json()


def _check(answer: httpx.Response, step: str) -> None:
    if answer.is_error:
        raise DemoDocumentError(f"{step}: HTTP {answer.status_code} {answer.text[:300]}")


def seed_demo_documents(
    base_url: str,
    documents: tuple[DemoDocument, ...] = DEMO_DOCUMENTS,
    *,
    timeout: float = 120.0,
    progress: Callable[[DemoDocument], None] | None = None,
) -> int:
    """Issues `documents` not yet in their unit's outbox; returns how many it issued."""
    office = _Office(base_url, timeout)
    try:
        issued = 0
        for position, document in enumerate(documents):
            if _in_outbox(office, document):
                continue
            document_id = _issue(office, document, timeout)
            _file(office, document, document_id)
            if position == ACKNOWLEDGED:
                _acknowledge(office, document.recipients[0], document_id, timeout)
            issued += 1
            if progress is not None:
                progress(document)
        return issued
    finally:
        office.close()


def _in_outbox(office: _Office, document: DemoDocument) -> bool:
    rows = office.call(f"{document.unit}.vanthu", "GET", "/outbox")
    return any(row["subject"] == document.subject for row in rows)


def _issue(office: _Office, document: DemoDocument, timeout: float) -> str:
    drafter, clerk = f"{document.unit}.chuyenvien", f"{document.unit}.vanthu"
    draft = {
        "doc_type": document.doc_type,
        "subject": document.subject,
        "urgency": document.urgency,
        "recipients": list(document.recipients),
        "signer": f"{document.unit}.lanhdao",
        "signer_authority": document.signer_authority,
        "body_text": document.body,
    }
    document_id: str = office.call(drafter, "POST", "/documents", data=draft)["id"]
    office.call(drafter, "POST", f"/documents/{document_id}/submit")
    office.call(f"{document.unit}.lanhdao", "POST", f"/documents/{document_id}/sign")
    office.call(clerk, "POST", f"/documents/{document_id}/issue")
    _wait_for(
        lambda: (
            office.call(clerk, "GET", f"/documents/{document_id}")["status"] == "dispatched" or None
        ),
        timeout,
        f"{document.subject}: not dispatched",
    )
    return document_id


def _file(office: _Office, document: DemoDocument, document_id: str) -> None:
    """Into the unit's folder of the year with the document's code, opened if missing."""
    clerk, year = f"{document.unit}.vanthu", now_vietnam().year
    wanted = (document.folder_code, year)
    folders = office.call(clerk, "GET", "/folders")
    folder_id = next((f["id"] for f in folders if (f["code"], f["year"]) == wanted), None)
    if folder_id is None:
        folder = {"year": year, "code": document.folder_code, "title": document.folder_title}
        folder_id = office.call(clerk, "POST", "/folders", json=folder)["id"]
    office.call(clerk, "POST", f"/documents/{document_id}/file", json={"folder_id": folder_id})


def _acknowledge(office: _Office, unit: str, document_id: str, timeout: float) -> None:
    clerk = f"{unit}.vanthu"

    def receipt() -> str | None:
        rows = office.call(clerk, "GET", "/inbox")
        return next((r["receipt_id"] for r in rows if r["document_id"] == document_id), None)

    receipt_id = _wait_for(receipt, timeout, f"{document_id}: not in {unit}'s inbox")
    office.call(clerk, "POST", f"/receipts/{receipt_id}/register")
    office.call(clerk, "POST", f"/receipts/{receipt_id}/acknowledge")


def _wait_for(found: Callable[[], T | None], timeout: float, failure: str) -> T:
    """What `found` gives once it gives something (not None, not False)."""
    deadline = time.monotonic() + timeout
    while not (value := found()):
        if time.monotonic() > deadline:
            raise DemoDocumentError(f"{failure} after {timeout:.0f} s")
        time.sleep(0.3)
    return value
