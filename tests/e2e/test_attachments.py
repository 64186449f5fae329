"""Over HTTP with the real processes: a draft composed with PDF attachments (phụ lục), issued;
each attachment is signed by the issuing unit at issuance (no image, the information block with
the document's number and the time at the top right of page 1), and the recipients list and
download them like the main file; bad attachments are refused and nothing is stored."""

from __future__ import annotations

import io
import re
from contextlib import closing
from pathlib import Path

import pypdf
from cryptography import x509

from signing import validate_pdf
from tests.e2e.conftest import MAX_UPLOAD_BYTES
from tests.e2e.flow import draft_plan, signed_plan, wait_for_status
from tests.e2e.pdfs import small_pdf
from tests.e2e.test_accounts_api import csrf_of, page_client
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.stack import Stack

ISO_VIETNAM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00")


def pdf_file(name: str, pdf: bytes) -> tuple[str, tuple[str, bytes, str]]:
    return ("attachments", (name, pdf, "application/pdf"))


def stored_blobs(stack: Stack) -> set[Path]:
    return {path for path in (stack.data_dir / "blobs").rglob("*") if path.is_file()}


def test_attachments_are_signed_at_issuance_and_reach_the_recipients(stack: Stack) -> None:
    first = small_pdf("PHỤ LỤC I", "Danh sách công đoàn cơ sở tham gia chuyển đổi số")
    second = small_pdf("PHỤ LỤC II", "Kinh phí thực hiện")
    document_id = signed_plan(
        stack,
        files=[pdf_file("Phụ lục I.pdf", first), pdf_file("phu-luc-2.pdf", second)],
    )
    clerk = stack.client("bentre.vanthu")
    listed = clerk.get(f"/api/v1/documents/{document_id}").json()["attachments"]
    assert [(a["name"], a["size"], a["signed"]) for a in listed] == [
        ("Phụ lục I.pdf", len(first), False),
        ("phu-luc-2.pdf", len(second), False),
    ]
    assert clerk.get(listed[0]["file"]).content == first  # as uploaded until issued

    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    issued = wait_for_status(clerk, document_id, "dispatched")

    recipient = stack.client("bentre-tp.vanthu")
    detail = recipient.get(f"/api/v1/documents/{document_id}").json()
    assert [a["signed"] for a in detail["attachments"]] == [True, True]
    downloaded = recipient.get(detail["attachments"][0]["file"])
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "application/pdf"
    pdf = downloaded.content
    report = validate_pdf(pdf, roots(stack))
    assert report.valid, [s.summary_en for s in report.signatures]
    (signature,) = report.signatures
    assert signature.signer_name == "Liên đoàn Lao động tỉnh Bến Tre"
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"Số: {issued['number_symbol']}" in text and ISO_VIETNAM.search(text)
    assert "Danh sách công đoàn cơ sở" in text
    assert_pdfsig_valid(pdf, stack.pki_dir / "root-ca.pem", 1)

    history = [h["event"] for h in detail["history"]]
    assert history.count("OutgoingDocument.AttachmentAdded") == 2
    assert history.count("OutgoingDocument.AttachmentSigned") == 2
    assert history.index("OutgoingDocument.AttachmentSigned") < history.index(
        "OutgoingDocument.Sealed"
    )
    with closing(page_client(stack, "bentre-tp.vanthu")) as pages:
        page = pages.get(f"/documents/{document_id}")
        assert "Phụ lục kèm theo" in page.text and detail["attachments"][1]["file"] in page.text

    # a unit the document is not addressed to may not download it; a missing one is a 404
    other = stack.client("thanhhoa.vanthu").get(detail["attachments"][0]["file"])
    assert other.status_code == 403 and other.json()["message_en"]
    missing = recipient.get(f"/api/v1/documents/{document_id}/attachments/3/file")
    assert missing.status_code == 404 and missing.json()["message"]


def test_the_compose_page_takes_attachments(stack: Stack) -> None:
    with closing(page_client(stack, "bentre.chuyenvien")) as drafter:
        page = drafter.get("/compose")
        assert 'name="attachments"' in page.text
        created = drafter.post(
            "/compose",
            data={
                "csrf_token": csrf_of(page.text),
                "subject": "Kế hoạch có phụ lục",
                "recipients": ["bentre-tp"],
                "signer": "bentre.lanhdao",
                "body_text": "Nội dung kế hoạch.",
            },
            files=[pdf_file("bang-ke.pdf", small_pdf("Bảng kê"))],
        )
        assert created.status_code == 303, created.text
        shown = drafter.get(created.headers["location"])
        assert "bang-ke.pdf" in shown.text


def test_bad_attachments_are_refused_and_nothing_is_stored(stack: Stack) -> None:
    drafter = stack.client("bentre.chuyenvien")
    before = stored_blobs(stack)
    cases = [
        ([pdf_file("not.pdf", b"hello, not a PDF")], 422, "không phải là PDF"),
        ([pdf_file("big.pdf", b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES)], 413, "quá lớn"),
        ([pdf_file("mat.pdf", small_pdf("PHỤ LỤC", "TỐI MẬT", "Số liệu"))], 422, "TỐI MẬT"),
        ([pdf_file(f"{n}.pdf", small_pdf(str(n))) for n in range(11)], 422, "tối đa 10"),
    ]
    for files, status, message in cases:
        refused = draft_plan(drafter, files=files)
        assert refused.status_code == status, refused.text
        assert message in refused.json()["message"] and refused.json()["message_en"]
    assert stored_blobs(stack) == before


def roots(stack: Stack) -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate((stack.pki_dir / "root-ca.pem").read_bytes())]
