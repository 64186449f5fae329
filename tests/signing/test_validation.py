from __future__ import annotations

import json
import random
from pathlib import Path

from signing import DevPki, InvalidPdfError, UnitIdentity, ensure_dev_pki, validate_pdf


def test_unsigned_pdf_is_not_valid(template_pdf: bytes, pki: DevPki) -> None:
    report = validate_pdf(template_pdf, pki.trust_roots())

    assert not report.valid and report.signatures == []
    assert report.summary_vi == "Tệp PDF không có chữ ký số nào."


def test_signatures_from_another_root_are_untrusted(issued_pdf: bytes, tmp_path: Path) -> None:
    stranger = ensure_dev_pki(tmp_path, [], [UnitIdentity("other", "Đơn vị khác")])

    report = validate_pdf(issued_pdf, stranger.trust_roots())

    assert not report.valid
    assert all(s.intact and not s.trusted and not s.valid for s in report.signatures)
    assert "không thuộc tổ chức" in report.signatures[0].summary_vi
    assert "not trusted" in report.signatures[0].summary_en


def test_personally_signed_document_is_valid_before_issuance(
    personally_signed: bytes, pki: DevPki
) -> None:
    report = validate_pdf(personally_signed, pki.trust_roots())

    (leader,) = report.signatures
    assert report.valid and leader.covers_whole_document
    assert leader.modification_level == "none"


def test_report_is_json_serialisable(issued_pdf: bytes, pki: DevPki) -> None:
    data = json.loads(json.dumps(validate_pdf(issued_pdf, pki.trust_roots()).to_dict()))

    assert data["valid"] is True
    assert data["signatures"][1]["signing_time"] == "2026-11-23T10:57:43+07:00"


def test_damaged_files_give_a_verdict_or_invalid_pdf_error_only(
    issued_pdf: bytes, pki: DevPki
) -> None:
    rng = random.Random(30)
    for _ in range(25):
        data = bytearray(issued_pdf)
        start = rng.randrange(len(data))
        if rng.random() < 0.5:
            data[start : start + rng.randint(1, 400)] = b""
        else:
            data[start : start + 40] = bytes(rng.randrange(256) for _ in range(40))
        try:
            report = validate_pdf(bytes(data), pki.trust_roots())
        except InvalidPdfError as error:
            assert error.message_vi
        else:
            assert not report.valid
