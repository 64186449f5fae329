"""Every kind of tampering or bad certificate is caught, each with its own message: a changed
byte, an added page, an overlay drawn over a page after signing, a revoked certificate, an
expired certificate and an untrusted root."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject

from signing import (
    VIETNAM_TZ,
    PersonalAppearance,
    SealAppearance,
    SignatureLevel,
    SigningError,
    UnitIdentity,
    ensure_dev_pki,
    sign_personal,
    validate_pdf,
)
from tests.servers.pki_services import TrustServices
from tests.signing.pdfsig import pdfsig
from tests.signing.test_levels import issue

_NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def issued_lta(
    trust_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
) -> bytes:
    """Person at B-LT, unit seal at B-LTA: the ND30 practice."""
    return issue(
        trust_services,
        template_pdf,
        personal_appearance,
        seal_appearance,
        SignatureLevel.B_LT,
        SignatureLevel.B_LTA,
    )


def test_a_changed_byte_breaks_the_signatures_covering_it(
    issued_lta: bytes, trust_services: TrustServices
) -> None:
    data = bytearray(issued_lta)
    marker = b"/M (D\\072"  # the person's signing time, its colon escaped as pyHanko writes it
    at = data.index(marker) + len(marker) + 3  # the last digit of the year
    data[at : at + 1] = b"7" if data[at : at + 1] != b"7" else b"8"

    report = validate_pdf(bytes(data), trust_services.pki.trust_roots())

    leader = report.signatures[0]
    assert not report.valid and not leader.valid and leader.problem == "altered"
    assert "nội dung đã bị thay đổi sau khi ký" in leader.summary_vi
    assert leader.level is None


def test_an_added_page_is_caught(issued_lta: bytes, trust_services: TrustServices) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(issued_lta))
    contents = writer.add_object(generic.StreamObject(stream_data=b"BT ET"))
    writer.insert_page(PageObject(contents=contents, media_box=[0, 0, 595, 842]))
    out = io.BytesIO()
    writer.write(out)

    report = validate_pdf(out.getvalue(), trust_services.pki.trust_roots())

    assert not report.valid
    assert {s.problem for s in report.signatures} == {"pages_added"}
    assert "đã bị thêm trang sau khi ký" in report.signatures[1].summary_vi


def test_an_overlay_drawn_after_signing_is_caught(
    issued_lta: bytes, trust_services: TrustServices
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(issued_lta))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    overlay = writer.add_object(
        generic.StreamObject(stream_data=b"q 1 1 1 rg 60 700 300 40 re f Q")  # a white box
    )
    existing = page["/Contents"]
    parts = list(existing) if isinstance(existing, generic.ArrayObject) else [existing]
    page[generic.NameObject("/Contents")] = generic.ArrayObject([*parts, overlay])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    report = validate_pdf(out.getvalue(), trust_services.pki.trust_roots())

    assert not report.valid
    assert all(s.intact and not s.valid for s in report.signatures)
    assert {s.problem for s in report.signatures} == {"forbidden_changes"}
    assert "phủ nội dung lên trang" in report.signatures[0].summary_vi
    output, _ = pdfsig(out.getvalue(), trust_services.pki.root_cert_path)
    assert "Signature is Valid." in output  # poppler checks bytes only: pyHanko's diff is needed


def test_a_revoked_certificate_is_reported_revoked(
    trust_services: TrustServices, template_pdf: bytes, personal_appearance: PersonalAppearance
) -> None:
    pki = trust_services.pki
    key = pki.issue(
        "thu-hoi",
        "Trần Văn Thu Hồi",
        "Liên đoàn Lao động tỉnh Bến Tre",
        not_before=_NOW - dt.timedelta(days=1),
        not_after=_NOW + dt.timedelta(days=30),
    )
    revocation = pki.revoke("thu-hoi", revoked_at=_NOW - dt.timedelta(hours=2))
    signed = sign_personal(
        template_pdf,
        key,
        personal_appearance,
        dt.datetime.now(VIETNAM_TZ),
        level=SignatureLevel.B_T,
        services=pki.trust_services(),
    )

    report = validate_pdf(signed, pki.trust_roots(), online=True)

    (leader,) = report.signatures
    assert not report.valid and leader.intact and not leader.trusted
    assert leader.problem == "revoked" and leader.revocation_status == "revoked"
    assert leader.summary_vi.startswith(
        "Chữ ký của Trần Văn Thu Hồi không hợp lệ: chứng thư số đã bị thu hồi từ "
    )
    assert "revoked" in leader.summary_en
    assert revocation.serial_number == pki.certificate("thu-hoi").serial_number
    offline = validate_pdf(signed, pki.trust_roots()).signatures[0]
    assert offline.revocation_status == "unknown"  # B-T carries no revocation data
    with pytest.raises(SigningError) as refused:  # B-LT checks the certificate while signing
        sign_personal(
            template_pdf,
            key,
            personal_appearance,
            level=SignatureLevel.B_LT,
            services=pki.trust_services(),
        )
    assert "đã bị thu hồi" in str(refused.value)


def test_an_expired_certificate_is_reported_expired(
    trust_services: TrustServices, template_pdf: bytes, personal_appearance: PersonalAppearance
) -> None:
    pki = trust_services.pki
    key = pki.issue(
        "het-han",
        "Lê Thị Hết Hạn",
        "Liên đoàn Lao động tỉnh Bến Tre",
        not_before=_NOW - dt.timedelta(days=400),
        not_after=_NOW - dt.timedelta(days=35),
    )
    signed = sign_personal(template_pdf, key, personal_appearance, dt.datetime.now(VIETNAM_TZ))

    report = validate_pdf(signed, pki.trust_roots())

    (leader,) = report.signatures
    assert not report.valid and leader.problem == "expired"
    assert "chứng thư số đã hết hạn (hết hiệu lực từ " in leader.summary_vi
    assert "expired" in leader.summary_en


def test_an_untrusted_root_is_reported_untrusted(issued_lta: bytes, tmp_path: Path) -> None:
    stranger = ensure_dev_pki(tmp_path, [], [UnitIdentity("other", "Đơn vị khác")])

    report = validate_pdf(issued_lta, stranger.trust_roots())

    assert not report.valid
    assert {s.problem for s in report.signatures} == {"untrusted"}
    assert "không thuộc tổ chức cung cấp dịch vụ chứng thực" in report.signatures[0].summary_vi
