"""The PKCS#11 signer against a real SoftHSM2 token: a development key is put on the token, the
leader's ND30 signature is made with it (B-B and B-LT), the unit seal follows from a PKCS#12
file, and pyHanko and pdfsig find both signatures valid."""

from __future__ import annotations

import time

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
from signing.pkcs11_key import Pkcs11Key
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import DATE_LINE, LEADER, SEALED_AT, SIGNED_AT, UNIT
from tests.signing.pdfsig import assert_pdfsig_valid


@pytest.fixture(scope="module")
def leader_on_token(keys_on_token: dict[str, Pkcs11Key]) -> Pkcs11Key:
    return keys_on_token["leader"]


@pytest.mark.parametrize("level", [SignatureLevel.B_B, SignatureLevel.B_LT], ids=lambda x: x.value)
def test_leader_signs_with_the_token_and_both_validators_agree(
    leader_on_token: Pkcs11Key,
    trust_services: TrustServices,
    template_pdf: bytes,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
    level: SignatureLevel,
) -> None:
    pki = trust_services.pki
    signed = sign_personal(
        template_pdf,
        leader_on_token,
        personal_appearance,
        SIGNED_AT,
        level=level,
        services=pki.trust_services(),
    )
    issued = fill_number_and_seal(
        signed,
        "35",
        DATE_LINE,
        pki.key(UNIT.key_id),
        seal_appearance,
        SEALED_AT,
        level=level,
        services=pki.trust_services(),
    )

    report = validate_pdf(issued, pki.trust_roots())

    assert report.valid, report.summary_en
    leader, seal = report.signatures
    assert leader.signer_name == LEADER.full_name and leader.level == level.value
    assert leader.modification_level == "form_filling"
    assert_pdfsig_valid(issued, pki.root_cert_path, signatures=2)


def test_token_signatures_are_quick(
    leader_on_token: Pkcs11Key, template_pdf: bytes, personal_appearance: PersonalAppearance
) -> None:
    start = time.perf_counter()
    for _ in range(3):
        sign_personal(template_pdf, leader_on_token, personal_appearance, SIGNED_AT)
    assert (time.perf_counter() - start) / 3 < 2.0


def test_wrong_pin_is_a_clear_signing_error(
    leader_on_token: Pkcs11Key, template_pdf: bytes, personal_appearance: PersonalAppearance
) -> None:
    wrong = Pkcs11Key(
        leader_on_token.module_path, leader_on_token.token_label, LEADER.key_id, "000000"
    )
    with pytest.raises(SigningError) as error:
        sign_personal(template_pdf, wrong, personal_appearance, SIGNED_AT)
    assert "mã PIN" in str(error.value)
    assert "000000" not in repr(wrong)
