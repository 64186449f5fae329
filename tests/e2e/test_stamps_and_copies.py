"""Over HTTP with the real processes: registering an arrival stamps the received file with the
receiving unit's digital incoming stamp (the original kept and still downloadable, all three
signatures valid by pyHanko and pdfsig); a clerk makes a SAO Y and a TRÍCH SAO and downloads
them; bad copy requests are refused in both languages and store nothing."""

from __future__ import annotations

import io
import re

import pypdf
from cryptography import x509

from signing import validate_pdf
from tests.e2e.flow import issued_plan, receipt_id
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.stack import Stack

ISO_VIETNAM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00")


def test_registering_stamps_a_copy_and_keeps_the_original(stack: Stack) -> None:
    document_id = issued_plan(stack)
    clerk = stack.client("bentre-tp.vanthu")
    receipt = receipt_id(clerk, document_id)
    original = clerk.get(f"/api/v1/documents/{document_id}/file").content

    registered = clerk.post(f"/api/v1/receipts/{receipt}/register")

    assert registered.status_code == 200, registered.text
    answer = registered.json()
    assert answer["stamped"] is True
    stamped = clerk.get(answer["stamped_file"])
    assert stamped.status_code == 200 and stamped.headers["content-type"] == "application/pdf"
    pdf = stamped.content
    assert pdf.startswith(original) and len(pdf) > len(original)  # an incremental update
    assert clerk.get(f"/api/v1/documents/{document_id}/file").content == original

    report = validate_pdf(pdf, _roots(stack))
    assert report.valid, [s.summary_en for s in report.signatures]
    leader, seal, arrival = report.signatures
    assert arrival.field_name == "arrival_stamp"
    assert arrival.signer_name == "Liên đoàn Lao động thành phố Bến Tre"
    assert "đóng dấu đến" in seal.summary_vi
    assert_pdfsig_valid(pdf, stack.pki_dir / "root-ca.pem", 3)

    history = [h["event"] for h in clerk.get(f"/api/v1/documents/{document_id}").json()["history"]]
    assert history.index("Receipt.Registered") + 1 == history.index("Receipt.ArrivalStamped")
    page = clerk.get(f"/documents/{document_id}")
    assert f"/api/v1/receipts/{receipt}/stamped-file" in page.text

    # another unit may not fetch this unit's stamped file
    other = stack.client("bentre-kcn.vanthu").get(f"/api/v1/receipts/{receipt}/stamped-file")
    assert other.status_code == 403 and other.json()["message_en"]


def _roots(stack: Stack) -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate((stack.pki_dir / "root-ca.pem").read_bytes())]


def test_a_clerk_makes_and_downloads_a_sao_y_and_a_trich_sao(stack: Stack) -> None:
    document_id = issued_plan(stack)
    clerk = stack.client("bentre.vanthu")

    made = clerk.post(f"/api/v1/documents/{document_id}/copies", json={"form": "sao_y"})

    assert made.status_code == 201, made.text
    copy = made.json()
    assert re.fullmatch(r"\d\d/SY-LĐLĐ", copy["number_symbol"]), copy
    pdf = clerk.get(copy["file"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    lines = text.splitlines()
    at = lines.index("SAO Y")
    assert lines[at + 1] == "Liên đoàn Lao động tỉnh Bến Tre"
    assert lines[at + 2] == f"Số: {copy['number_symbol']}"
    assert ISO_VIETNAM.fullmatch(lines[at + 3]), lines[at + 3]
    report = validate_pdf(pdf.content, _roots(stack))
    (only,) = report.signatures
    assert report.valid and only.signer_name == "Liên đoàn Lao động tỉnh Bến Tre"
    assert only.level == "PAdES-B-LTA"  # the seal's configured level
    assert_pdfsig_valid(pdf.content, stack.pki_dir / "root-ca.pem", 1)

    # the receiving unit copies what it registered, with its own register of copies
    receiver = stack.client("bentre-tp.vanthu")
    receipt = receipt_id(receiver, document_id)
    refused = receiver.post(f"/api/v1/documents/{document_id}/copies", json={"form": "sao_y"})
    assert refused.status_code == 409 and "vào sổ" in refused.json()["message"]
    assert receiver.post(f"/api/v1/receipts/{receipt}/register").status_code == 200
    partial = receiver.post(
        f"/api/v1/documents/{document_id}/copies", json={"form": "trich_sao", "pages": [1]}
    )
    assert partial.status_code == 201, partial.text
    assert partial.json()["number_symbol"].endswith("/TS-LĐLĐ")
    listed = receiver.get(f"/api/v1/documents/{document_id}/copies").json()
    assert [row["id"] for row in listed] == [partial.json()["id"]]
    assert clerk.get(partial.json()["file"]).status_code == 403  # another unit's copy


def test_bad_copy_requests_are_refused_in_both_languages(stack: Stack) -> None:
    document_id = issued_plan(stack)
    clerk = stack.client("bentre.vanthu")
    url = f"/api/v1/documents/{document_id}/copies"
    cases = [
        ({"form": "ban_chup"}, 422, "Hình thức sao không hợp lệ"),
        ({"form": "trich_sao", "pages": [99]}, 422, "không có trong văn bản"),
        ({"form": "trich_sao"}, 422, "ít nhất một trang"),
    ]
    for body, status, message in cases:
        response = clerk.post(url, json=body)
        assert response.status_code == status, (body, response.text)
        assert message in response.json()["message"] and response.json()["message_en"]
    drafter = stack.client("bentre.chuyenvien").post(url, json={"form": "sao_y"})
    assert drafter.status_code == 403 and drafter.json()["message_en"]
    assert clerk.get(url).json() == []  # nothing stored
