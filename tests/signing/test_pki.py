from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing import DevPki, PersonIdentity, SigningError, UnitIdentity, ensure_dev_pki
from signing.keys import KeyMaterial
from tests.signing.conftest import LEADER, UNIT


def _certificate(pki: DevPki, key_id: str) -> x509.Certificate:
    material = pki.key(key_id)
    _, cert, _ = pkcs12.load_key_and_certificates(
        material.p12_path.read_bytes(), material.passphrase
    )
    assert cert is not None
    return cert


def test_personal_certificate_names_the_person_and_allows_signing(pki: DevPki) -> None:
    cert = _certificate(pki, LEADER.key_id)

    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Phúc Linh"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == LEADER.unit_name
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH}
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert 5 * 365 - 1 <= lifetime.days <= 5 * 366


def test_root_is_the_development_ca(pki: DevPki) -> None:
    (root,) = pki.trust_roots()
    names = {attr.oid: attr.value for attr in root.subject}
    assert names[NameOID.COMMON_NAME] == "Công đoàn Việt Nam - CA thử nghiệm"
    assert names[NameOID.ORGANIZATIONAL_UNIT_NAME] == "Chỉ dùng để phát triển"
    assert x509.load_pem_x509_certificate(pki.root_cert_path.read_bytes()) == root


def test_second_call_reuses_everything_and_adds_only_what_is_missing(tmp_path: Path) -> None:
    first = ensure_dev_pki(tmp_path, [LEADER], [UNIT])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix in {".p12", ".pem"}}
    deputy = PersonIdentity("tran-thi-mai", "Trần Thị Mai", "mai@ldld.vn", UNIT.unit_name)

    second = ensure_dev_pki(tmp_path, [LEADER, deputy], [UNIT])

    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix in {".p12", ".pem"}}
    assert second == first
    assert set(after) - set(before) == {"tran-thi-mai.p12"}
    assert all(after[name] == content for name, content in before.items())
    assert second.key(LEADER.key_id) == first.key(LEADER.key_id)
    assert second.key("tran-thi-mai").signer().subject_name is not None


def test_unknown_key_and_bad_key_id_are_refused(tmp_path: Path) -> None:
    pki = ensure_dev_pki(tmp_path, [], [UnitIdentity("cdcs-phu-tan", "Công đoàn cơ sở Phú Tân")])
    with pytest.raises(KeyError):
        pki.key("nobody")
    with pytest.raises(ValueError):
        ensure_dev_pki(tmp_path, [], [UnitIdentity("../escape", "X")])


def test_long_unit_name_is_kept_whole_in_the_organisation(tmp_path: Path) -> None:
    name = "Công đoàn cơ sở Công ty Trách nhiệm hữu hạn May mặc xuất khẩu Việt Tiến Bến Tre"
    pki = ensure_dev_pki(tmp_path, [], [UnitIdentity("cdcs-viet-tien", name)])

    cert = _certificate(pki, "cdcs-viet-tien")

    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == name
    common_name = str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)
    assert name.startswith(common_name) and len(common_name.encode()) <= 64


def test_wrong_passphrase_is_a_signing_error(pki: DevPki) -> None:
    material = pki.key(LEADER.key_id)
    with pytest.raises(SigningError) as error:
        KeyMaterial(material.p12_path, b"wrong").signer()
    assert "mật khẩu" in str(error.value)
    assert "wrong" not in repr(KeyMaterial(material.p12_path, b"wrong"))
