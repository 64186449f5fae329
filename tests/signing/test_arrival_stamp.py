"""The receiving unit's incoming stamp (dấu đến): a third signature, by the receiving unit, into
the field the issuer left for it. The sender's personal signature and seal stay valid (pyHanko:
the stamp is an allowed change; pdfsig: all three valid), at B-B and at B-LTA; the stamp's text
reads back in Vietnamese; a change after the stamp is caught."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from signing import (
    VIETNAM_TZ,
    AlreadySignedError,
    ArrivalStamp,
    DevPki,
    PersonalAppearance,
    SealAppearance,
    SignatureLevel,
    SigningError,
    UnitIdentity,
    can_stamp_arrival,
    ensure_dev_pki,
    stamp_arrival,
    validate_pdf,
)
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import LEADER, UNIT, widget_rects
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.signing.test_levels import issue

RECEIVER = UnitIdentity(key_id="ldld-tp-ben-tre", unit_name="Liên đoàn Lao động thành phố Bến Tre")
RECEIVED_AT = dt.datetime(2026, 11, 24, 8, 15, 2, tzinfo=VIETNAM_TZ)
STAMP = ArrivalStamp(unit_name=RECEIVER.unit_name, arrival_number=7, received_at=RECEIVED_AT)


@pytest.fixture(scope="module")
def receiving_pki(pki: DevPki) -> DevPki:
    """The session PKI with the receiving unit's certificate added."""
    return ensure_dev_pki(pki.directory, [LEADER], [UNIT, RECEIVER])


@pytest.fixture(scope="module")
def stamped(issued_pdf: bytes, receiving_pki: DevPki) -> bytes:
    return stamp_arrival(issued_pdf, receiving_pki.key(RECEIVER.key_id), STAMP)


def test_the_stamp_keeps_the_senders_signatures_valid_at_b_b(
    stamped: bytes, issued_pdf: bytes, receiving_pki: DevPki, artifacts: Path
) -> None:
    (artifacts / "arrival-stamped.pdf").write_bytes(stamped)
    assert stamped.startswith(issued_pdf)  # an incremental update: the original is untouched

    report = validate_pdf(stamped, receiving_pki.trust_roots())

    assert report.valid, report.summary_en
    leader, seal, arrival = report.signatures
    assert (leader.field_name, seal.field_name, arrival.field_name) == (
        "leader_signature",
        "unit_seal",
        "arrival_stamp",
    )
    assert leader.modification_level == seal.modification_level == "form_filling"
    assert "đóng dấu đến của đơn vị nhận (được phép)" in seal.summary_vi
    assert "điền số, ngày và đóng dấu đến" in leader.summary_vi
    assert arrival.signer_name == RECEIVER.unit_name and arrival.modification_level == "none"
    assert arrival.signing_time == RECEIVED_AT
    assert_pdfsig_valid(stamped, receiving_pki.root_cert_path, 3)


def test_the_stamp_reads_den_number_date_time_and_unit(stamped: bytes) -> None:
    # the stamp is the signature's appearance, which poppler draws (pypdf reads page content)
    assert shutil.which("pdftotext"), "pdftotext missing: apt-get install poppler-utils"
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-", "-"],
        input=stamped,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    for line in (
        "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ BẾN TRE",
        "ĐẾN",
        "Số đến: 07",
        "Ngày: 24/11/2026",
        "Giờ: 08:15:02 (+07:00)",
    ):
        assert line in text, (line, text)


def test_the_stamp_sits_in_the_top_margin_clear_of_the_header_and_the_seal(
    stamped: bytes,
) -> None:
    page = pypdf.PdfReader(io.BytesIO(stamped)).pages[0]
    left, bottom, right, top = widget_rects(stamped, 0)["arrival_stamp"]
    page_top = float(page.mediabox.top)
    assert page_top - 57 <= bottom < top <= page_top  # within the 20 mm top margin

    lowest_text: list[float] = []
    page.extract_text(
        visitor_text=lambda text, cm, tm, *_: (
            lowest_text.append(tm[5] * cm[3] + cm[5])
            if text.strip() and "ĐẾN" not in text and "Số đến" not in text
            else None
        )
    )
    printed = [y for y in lowest_text if y < bottom]
    assert printed, "the header is printed below the stamp"


def test_stamping_twice_or_before_the_seal_is_refused(
    stamped: bytes, personally_signed: bytes, receiving_pki: DevPki
) -> None:
    key = receiving_pki.key(RECEIVER.key_id)
    assert not can_stamp_arrival(stamped)
    with pytest.raises(AlreadySignedError):
        stamp_arrival(stamped, key, STAMP)
    with pytest.raises(SigningError, match="chưa được ban hành"):
        stamp_arrival(personally_signed, key, STAMP)


def test_a_change_after_the_stamp_is_caught(stamped: bytes, receiving_pki: DevPki) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(stamped))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    overlay = writer.add_object(
        generic.StreamObject(stream_data=b"q 1 1 1 rg 60 790 180 50 re f Q")
    )
    existing = page["/Contents"]
    parts = list(existing) if isinstance(existing, generic.ArrayObject) else [existing]
    page[generic.NameObject("/Contents")] = generic.ArrayObject([*parts, overlay])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    report = validate_pdf(out.getvalue(), receiving_pki.trust_roots())

    assert not report.valid
    assert {s.problem for s in report.signatures} == {"forbidden_changes"}


def test_a_changed_byte_in_the_stamp_breaks_it(stamped: bytes, receiving_pki: DevPki) -> None:
    data = bytearray(stamped)
    marker = b"/M (D\\07220261124"  # the stamp's signing time, as pyHanko writes it
    at = data.rindex(marker) + len(marker) - 1  # the day's last digit
    data[at : at + 1] = b"5"

    report = validate_pdf(bytes(data), receiving_pki.trust_roots())

    leader, seal, arrival = report.signatures
    assert not arrival.valid and arrival.problem == "altered"
    assert leader.valid and seal.valid  # the sender's revisions are untouched


@pytest.fixture(scope="module")
def lta_services(trust_services: TrustServices) -> TrustServices:
    """The running trust services' PKI, with the receiving unit's certificate."""
    ensure_dev_pki(
        trust_services.pki.directory,
        [LEADER],
        [UNIT, RECEIVER],
        services_url=trust_services.base_url,
    )
    return trust_services


def test_the_stamp_keeps_the_senders_signatures_valid_at_b_lta(
    lta_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
    artifacts: Path,
) -> None:
    pki = lta_services.pki
    issued = issue(
        lta_services,
        template_pdf,
        personal_appearance,
        seal_appearance,
        SignatureLevel.B_LT,
        SignatureLevel.B_LTA,
    )
    stamped = stamp_arrival(
        issued,
        pki.key(RECEIVER.key_id),
        STAMP,
        level=SignatureLevel.B_LTA,
        services=pki.trust_services(),
    )
    (artifacts / "arrival-stamped-lta.pdf").write_bytes(stamped)

    report = validate_pdf(stamped, pki.trust_roots())

    assert report.valid, [s.summary_en for s in report.signatures]
    assert [s.level for s in report.signatures] == ["PAdES-B-LTA"] * 3
    assert [s.revocation_status for s in report.signatures] == ["good"] * 3
    assert_pdfsig_valid(stamped, pki.root_cert_path, 3)
