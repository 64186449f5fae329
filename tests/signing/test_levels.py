"""PAdES levels B-B, B-T, B-LT and B-LTA for both signatures of the ND30 issuance, against the
running development OCSP responder, CRLs and TSA: each validated by pyHanko (the level
reached, the timestamp, the revocation status) and by poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from signing import (
    PersonalAppearance,
    SealAppearance,
    SignatureLevel,
    SigningError,
    fill_number_and_seal,
    sign_personal,
    validate_pdf,
)
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import DATE_LINE, LEADER, SEALED_AT, SIGNED_AT, UNIT
from tests.signing.pdfsig import assert_pdfsig_valid

B_B, B_T, B_LT, B_LTA = (
    SignatureLevel.B_B,
    SignatureLevel.B_T,
    SignatureLevel.B_LT,
    SignatureLevel.B_LTA,
)


def issue(
    services: TrustServices,
    template_pdf: bytes,
    personal: PersonalAppearance,
    seal: SealAppearance,
    leader_level: SignatureLevel,
    seal_level: SignatureLevel,
) -> bytes:
    pki = services.pki
    trust = pki.trust_services()
    signed = sign_personal(
        template_pdf,
        pki.key(LEADER.key_id),
        personal,
        SIGNED_AT,
        level=leader_level,
        services=trust,
    )
    return fill_number_and_seal(
        signed,
        "35",
        DATE_LINE,
        pki.key(UNIT.key_id),
        seal,
        SEALED_AT,
        level=seal_level,
        services=trust,
    )


@pytest.mark.parametrize(
    ("leader_level", "seal_level", "reached"),
    [
        (B_B, B_B, (B_B, B_B)),
        (B_T, B_T, (B_T, B_T)),
        (B_LT, B_LT, (B_LT, B_LT)),
        (B_LTA, B_LTA, (B_LTA, B_LTA)),
        # the ND30 practice: the person at B-LT, the unit's seal at B-LTA, whose document
        # timestamp covers the person's signature too
        (B_LT, B_LTA, (B_LTA, B_LTA)),
    ],
    ids=["B-B", "B-T", "B-LT", "B-LTA", "person-B-LT+seal-B-LTA"],
)
def test_each_level_is_reached_and_checked_by_pyhanko_and_pdfsig(
    trust_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
    leader_level: SignatureLevel,
    seal_level: SignatureLevel,
    reached: tuple[SignatureLevel, SignatureLevel],
) -> None:
    issued = issue(
        trust_services,
        template_pdf,
        personal_appearance,
        seal_appearance,
        leader_level,
        seal_level,
    )

    report = validate_pdf(issued, trust_services.pki.trust_roots())

    assert report.valid, report.summary_en
    leader, seal = report.signatures
    assert (leader.level, seal.level) == (reached[0].value, reached[1].value)
    assert leader.modification_level == "form_filling"
    assert "điền số, ngày" in leader.summary_vi
    for signature, level in zip((leader, seal), reached, strict=True):
        if level is B_B:
            assert signature.timestamp_time is None
        else:
            assert signature.timestamp_time is not None
            now = dt.datetime.now(dt.UTC)
            assert abs(signature.timestamp_time - now) < dt.timedelta(minutes=5)
            assert f"Mức chữ ký {level.value}" in signature.summary_vi
        expected = "good" if level.rank >= B_LT.rank else "unknown"
        assert signature.revocation_status == expected
    data = json.loads(json.dumps(report.to_dict()))
    assert data["signatures"][1]["level"] == reached[1].value
    assert_pdfsig_valid(issued, trust_services.pki.root_cert_path, signatures=2)


def test_online_validation_checks_revocation_of_a_b_t_signature(
    trust_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
) -> None:
    issued = issue(trust_services, template_pdf, personal_appearance, seal_appearance, B_T, B_T)

    offline = validate_pdf(issued, trust_services.pki.trust_roots())
    online = validate_pdf(issued, trust_services.pki.trust_roots(), online=True)

    assert offline.valid and online.valid
    assert {s.revocation_status for s in offline.signatures} == {"unknown"}
    assert {s.revocation_status for s in online.signatures} == {"good"}


def test_levels_above_b_b_need_a_timestamp_authority(
    template_pdf: bytes, trust_services: TrustServices, personal_appearance: PersonalAppearance
) -> None:
    with pytest.raises(SigningError) as error:
        sign_personal(
            template_pdf,
            trust_services.pki.key(LEADER.key_id),
            personal_appearance,
            SIGNED_AT,
            level=B_T,
        )
    assert "dấu thời gian" in str(error.value)
