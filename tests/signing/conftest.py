"""Shared fixtures: a development PKI with one person and one unit, their images, a Kế hoạch
and the same document after each issuance step."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image

from signing import (
    VIETNAM_TZ,
    DevPki,
    DocumentLayout,
    PersonalAppearance,
    PersonIdentity,
    SealAppearance,
    UnitIdentity,
    ensure_dev_pki,
    fill_number_and_seal,
    render_document,
    seal_image,
    sign_personal,
    signature_image,
)
from signing.pkcs11_key import Pkcs11Key, import_p12_into_token
from tests.servers.pki_services import TrustServices, running_trust_services
from tests.servers.softhsm import SoftHsmToken, softhsm_token

LEADER = PersonIdentity(
    key_id="nguyen-phuc-linh",
    full_name="Nguyễn Phúc Linh",
    email="linh@ldld.bentre.vn",
    unit_name="Liên đoàn Lao động tỉnh Bến Tre",
)
UNIT = UnitIdentity(key_id="ldld-ben-tre", unit_name="Liên đoàn Lao động tỉnh Bến Tre")
SIGNED_AT = dt.datetime(2026, 11, 23, 9, 30, 5, tzinfo=VIETNAM_TZ)
SEALED_AT = dt.datetime(2026, 11, 23, 10, 57, 43, tzinfo=VIETNAM_TZ)
DATE_LINE = "Bến Tre, ngày 23 tháng 11 năm 2026"

BODY = """Thực hiện Chương trình công tác năm 2026 của Tổng Liên đoàn Lao động Việt Nam, Ban \
Thường vụ Liên đoàn Lao động tỉnh Bến Tre xây dựng Kế hoạch tổ chức Tháng Công nhân và Tháng \
hành động về an toàn, vệ sinh lao động năm 2026 như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Tuyên truyền sâu rộng về vai trò, vị trí của giai cấp công nhân, đội ngũ người lao động; \
động viên đoàn viên, người lao động thi đua lao động sản xuất.

2. Các hoạt động phải thiết thực, hiệu quả, đúng đối tượng; ưu tiên chăm lo cho đoàn viên, \
người lao động có hoàn cảnh khó khăn, bị tai nạn lao động, bệnh nghề nghiệp.

II. TỔ CHỨC THỰC HIỆN

Giao Văn phòng Liên đoàn Lao động tỉnh theo dõi, tổng hợp, báo cáo kết quả về Thường trực \
trước ngày 15 tháng 7 năm 2026."""


def plan_layout(body: str = BODY) -> DocumentLayout:
    return DocumentLayout(
        parent_name="TỔNG LĐLĐ VIỆT NAM",
        issuer_name="LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE",
        symbol="KH-LĐLĐ",
        place="Bến Tre",
        type_title="KẾ HOẠCH",
        subject="Tổ chức Tháng Công nhân và Tháng hành động về an toàn, vệ sinh lao động năm 2026",
        body=body,
        signer_authority="TM. BAN CHẤP HÀNH",
        signer_title="CHỦ TỊCH",
        signer_name="Nguyễn Phúc Linh",
        recipients=["Tổng LĐLĐ Việt Nam (b/c);", "Các LĐLĐ huyện, CĐ ngành;", "Lưu: VT, VP."],
    )


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return ensure_dev_pki(tmp_path_factory.mktemp("pki"), [LEADER], [UNIT])


@pytest.fixture(scope="session")
def personal_appearance() -> PersonalAppearance:
    return PersonalAppearance(
        title_lines=["TM. BAN CHẤP HÀNH", "CHỦ TỊCH"],
        full_name=LEADER.full_name,
        signature_png=signature_image(LEADER.full_name),
    )


@pytest.fixture(scope="session")
def seal_appearance() -> SealAppearance:
    return SealAppearance(unit_name=UNIT.unit_name, seal_png=seal_image(UNIT.unit_name))


@pytest.fixture(scope="session")
def template_pdf() -> bytes:
    return render_document(plan_layout())


@pytest.fixture(scope="session")
def personally_signed(
    template_pdf: bytes, pki: DevPki, personal_appearance: PersonalAppearance
) -> bytes:
    return sign_personal(template_pdf, pki.key(LEADER.key_id), personal_appearance, SIGNED_AT)


@pytest.fixture(scope="session")
def issued_pdf(personally_signed: bytes, pki: DevPki, seal_appearance: SealAppearance) -> bytes:
    return fill_number_and_seal(
        personally_signed, "35", DATE_LINE, pki.key(UNIT.key_id), seal_appearance, SEALED_AT
    )


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("artifacts")


def widget_rects(pdf: bytes, page_index: int = -1) -> dict[str, list[float]]:
    """The rectangles of the form widgets on a page, by field name."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[page_index]
    return {
        str(widget["/T"]): [float(v) for v in widget["/Rect"]]
        for widget in (ref.get_object() for ref in page.annotations or [])
    }


def field_values(pdf: bytes) -> dict[str, Any]:
    fields = pypdf.PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return {name: field.get("/V") for name, field in fields.items()}


def pixels(image: Image.Image) -> list[tuple[int, ...]]:
    """The pixels of an image as tuples of channel values."""
    return [p for p in image.get_flattened_data() if isinstance(p, tuple)]


@pytest.fixture(scope="session")
def trust_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrustServices]:
    """A second PKI whose certificates name a running OCSP responder, CRLs and TSA."""
    with running_trust_services(tmp_path_factory.mktemp("trusted-pki"), [LEADER], [UNIT]) as s:
        yield s


@pytest.fixture(scope="session")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsmToken]:
    """One SoftHSM2 token for the session (the library reads its configuration once per
    process): the leader's USB token and the CSC service's HSM keep their keys on it."""
    with softhsm_token(tmp_path_factory.mktemp("softhsm")) as token:
        yield token


@pytest.fixture(scope="session")
def keys_on_token(token: SoftHsmToken, trust_services: TrustServices) -> dict[str, Pkcs11Key]:
    """The leader's key put on the token twice, as their USB token (``leader``) and as the CSC
    service's HSM key (``csc``), both before any test logs in (a login holds for the process)."""
    material = trust_services.pki.key(LEADER.key_id)
    return {
        name: import_p12_into_token(material, token.module_path, token.label, token.user_pin, label)
        for name, label in (("leader", LEADER.key_id), ("csc", f"csc-{LEADER.key_id}"))
    }
