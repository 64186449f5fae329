"""The unit's invisible signature in a new field (``seal_invisibly``): valid for pyHanko and
poppler at B-B and B-LTA, signed by the unit, with no appearance, and tamper-evident."""

from __future__ import annotations

import pytest

from signing import DevPki, SignatureLevel, seal_invisibly, validate_pdf
from signing.errors import InvalidPdfError
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import SEALED_AT, UNIT
from tests.signing.pdfsig import assert_pdfsig_valid


def test_an_invisible_seal_is_valid_for_pyhanko_and_pdfsig(
    pki: DevPki, template_pdf: bytes
) -> None:
    sealed = seal_invisibly(
        template_pdf, pki.key(UNIT.key_id), SEALED_AT, reason="Đóng dấu", name=UNIT.unit_name
    )

    assert sealed.startswith(template_pdf)  # an incremental update
    report = validate_pdf(sealed, pki.trust_roots())
    (signature,) = report.signatures
    assert report.valid, report.summary_en
    assert signature.field_name == "ChuKySo" and signature.covers_whole_document
    assert signature.signing_time == SEALED_AT
    assert_pdfsig_valid(sealed, pki.root_cert_path, signatures=1)

    tampered = sealed.replace(b"/Type /Catalog", b"/Type  /Catalog", 1)
    assert not validate_pdf(tampered, pki.trust_roots()).valid


def test_an_invisible_seal_at_b_lta(trust_services: TrustServices, template_pdf: bytes) -> None:
    pki = trust_services.pki
    sealed = seal_invisibly(
        template_pdf,
        pki.key(UNIT.key_id),
        SEALED_AT,
        reason="Đóng dấu",
        field_name="DauDonVi",
        level=SignatureLevel.B_LTA,
        services=pki.trust_services(),
    )

    report = validate_pdf(sealed, pki.trust_roots())
    (signature,) = report.signatures
    assert report.valid, report.summary_en
    assert signature.level == SignatureLevel.B_LTA.value
    assert_pdfsig_valid(sealed, pki.root_cert_path, signatures=1)


def test_garbage_is_refused(pki: DevPki) -> None:
    with pytest.raises(InvalidPdfError):
        seal_invisibly(b"%PDF-1.7 not really", pki.key(UNIT.key_id), SEALED_AT, reason="x")
