"""Demo data loaded on first start: a small union tree, three officers per unit, one auditor, and
the development PKI (personal and unit certificates)."""

from __future__ import annotations

from dataclasses import dataclass

from api.passwords import hash_password
from documents.accounts import Role
from documents.units import UnitLevel, unit_id_for
from eoffice.bootstrap import Runtime, pki_services_url
from signing import PersonIdentity, UnitIdentity, ensure_dev_pki
from workflow.services import person_key_id, unit_key_id

DEMO_PASSWORD = "congdoan2026"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    abbreviation: str
    level: UnitLevel
    parent: str | None
    place: str


N, P, U, G = (
    UnitLevel.NATIONAL,
    UnitLevel.PROVINCIAL,
    UnitLevel.UPPER_GRASSROOTS,
    UnitLevel.GRASSROOTS,
)

DEMO_UNITS = [
    DemoUnit(
        "tld", "Tổng Liên đoàn Lao động Việt Nam", "Tổng LĐLĐ Việt Nam", "TLĐ", N, None, "Hà Nội"
    ),
    DemoUnit(
        "bentre",
        "Liên đoàn Lao động tỉnh Bến Tre",
        "LĐLĐ tỉnh Bến Tre",
        "LĐLĐ",
        P,
        "tld",
        "Bến Tre",
    ),
    DemoUnit(
        "bentre-tp",
        "Liên đoàn Lao động thành phố Bến Tre",
        "LĐLĐ thành phố Bến Tre",
        "LĐLĐ",
        U,
        "bentre",
        "Bến Tre",
    ),
    DemoUnit(
        "thcs-phutan",
        "Công đoàn cơ sở Trường THCS Phú Tân",
        "CĐCS Trường THCS Phú Tân",
        "CĐCS",
        G,
        "bentre-tp",
        "Bến Tre",
    ),
    DemoUnit(
        "may-viettien",
        "Công đoàn cơ sở Công ty TNHH May Việt Tiến Bến Tre",
        "CĐCS Công ty May Việt Tiến",
        "CĐCS",
        G,
        "bentre-tp",
        "Bến Tre",
    ),
    DemoUnit(
        "bentre-kcn",
        "Công đoàn các Khu công nghiệp tỉnh Bến Tre",
        "CĐ các KCN tỉnh Bến Tre",
        "CĐKCN",
        U,
        "bentre",
        "Bến Tre",
    ),
    DemoUnit(
        "thuysan-bentre",
        "Công đoàn cơ sở Công ty CP Thủy sản Bến Tre",
        "CĐCS Công ty Thủy sản Bến Tre",
        "CĐCS",
        G,
        "bentre-kcn",
        "Bến Tre",
    ),
    DemoUnit(
        "dientu-giaolong",
        "Công đoàn cơ sở Công ty TNHH Điện tử Giao Long",
        "CĐCS Công ty Điện tử Giao Long",
        "CĐCS",
        G,
        "bentre-kcn",
        "Bến Tre",
    ),
    DemoUnit(
        "thanhhoa",
        "Liên đoàn Lao động tỉnh Thanh Hóa",
        "LĐLĐ tỉnh Thanh Hóa",
        "LĐLĐ",
        P,
        "tld",
        "Thanh Hóa",
    ),
    DemoUnit(
        "yendinh",
        "Liên đoàn Lao động huyện Yên Định",
        "LĐLĐ huyện Yên Định",
        "LĐLĐ",
        U,
        "thanhhoa",
        "Yên Định",
    ),
    DemoUnit(
        "th-quanlao",
        "Công đoàn cơ sở Trường Tiểu học Quán Lào",
        "CĐCS Trường TH Quán Lào",
        "CĐCS",
        G,
        "yendinh",
        "Yên Định",
    ),
    DemoUnit(
        "bv-yendinh",
        "Công đoàn cơ sở Bệnh viện Đa khoa huyện Yên Định",
        "CĐCS Bệnh viện ĐK Yên Định",
        "CĐCS",
        G,
        "yendinh",
        "Yên Định",
    ),
    DemoUnit(
        "thanhhoa-vc",
        "Công đoàn Viên chức tỉnh Thanh Hóa",
        "CĐ Viên chức tỉnh Thanh Hóa",
        "CĐVC",
        U,
        "thanhhoa",
        "Thanh Hóa",
    ),
    DemoUnit(
        "stttt-thanhhoa",
        "Công đoàn cơ sở Sở Thông tin và Truyền thông",
        "CĐCS Sở TT&TT Thanh Hóa",
        "CĐCS",
        G,
        "thanhhoa-vc",
        "Thanh Hóa",
    ),
    DemoUnit(
        "cdyt-thanhhoa",
        "Công đoàn cơ sở Trường Cao đẳng Y tế Thanh Hóa",
        "CĐCS Trường CĐ Y tế Thanh Hóa",
        "CĐCS",
        G,
        "thanhhoa-vc",
        "Thanh Hóa",
    ),
]

_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
]
_MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Phúc", "Thanh", "Hữu", "Kim"]
_GIVEN = [
    "Linh",
    "Hùng",
    "Lan",
    "Dũng",
    "Hương",
    "Tuấn",
    "Mai",
    "Sơn",
    "Hà",
    "Nam",
    "Thảo",
    "Long",
    "Yến",
    "Quân",
    "Trang",
    "Khánh",
]

# (role, username suffix, title)
DEMO_ROLES = [
    (Role.LEADER, "lanhdao", "Chủ tịch"),
    (Role.DRAFTER, "chuyenvien", "Chuyên viên"),
    (Role.CLERK, "vanthu", "Văn thư"),
]
AUDITOR_USERNAME = "kiemtra"
ADMIN_USERNAME = "quantri"


def _person_name(index: int) -> str:
    return (
        f"{_FAMILY[index % len(_FAMILY)]} {_MIDDLE[(index * 7) % len(_MIDDLE)]} "
        f"{_GIVEN[(index * 5) % len(_GIVEN)]}"
    )


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit_code: str
    role: Role
    title: str


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount(f"{unit.code}.{suffix}", _person_name(i * 3 + j), unit.code, role, title)
        for i, unit in enumerate(DEMO_UNITS)
        for j, (role, suffix, title) in enumerate(DEMO_ROLES)
    ]
    accounts.append(
        DemoAccount(AUDITOR_USERNAME, "Đỗ Thị Kiểm", "tld", Role.AUDITOR, "Ủy viên Ủy ban Kiểm tra")
    )
    accounts.append(
        DemoAccount(ADMIN_USERNAME, "Ngô Quản Trị", "tld", Role.ADMIN, "Quản trị hệ thống")
    )
    return accounts


def load_demo_data(runtime: Runtime) -> bool:
    """Loads the demo tree and accounts unless already there; returns whether it loaded them."""
    app = runtime.app
    if app.has_unit(DEMO_UNITS[0].code):
        return False
    accounts = demo_accounts()
    names = {unit.code: unit.name for unit in DEMO_UNITS}
    ensure_dev_pki(
        runtime.settings.pki_path,
        [
            PersonIdentity(
                person_key_id(a.username),
                a.full_name,
                f"{a.username}@congdoan.vn",
                names[a.unit_code],
            )
            for a in accounts
            if a.role is Role.LEADER
        ],
        [UnitIdentity(unit_key_id(unit.code), unit.name) for unit in DEMO_UNITS],
        services_url=pki_services_url(runtime.settings),
    )
    for unit in DEMO_UNITS:
        app.register_unit(
            unit.code,
            unit.name,
            unit.short_name,
            unit.abbreviation,
            unit.level.value,
            unit.parent,
            unit.place,
        )
    password_hash = hash_password(DEMO_PASSWORD)
    for account in accounts:
        app.open_account(
            account.username,
            account.full_name,
            unit_id_for(account.unit_code),
            [account.role.value],
            account.title,
            password_hash,
            person_key_id(account.username) if account.role is Role.LEADER else None,
        )
    return True


def demo_logins_text() -> str:
    lines = [
        f"Tài khoản thử (mật khẩu «{DEMO_PASSWORD}») / demo logins (password '{DEMO_PASSWORD}'):"
    ]
    for unit in DEMO_UNITS[:3]:
        users = ", ".join(f"{unit.code}.{suffix}" for _, suffix, _ in DEMO_ROLES)
        lines.append(f"  {unit.name}: {users}")
    lines.append(
        "  ... <mã đơn vị>.lanhdao | .chuyenvien | .vanthu cho mọi đơn vị / for every unit"
    )
    lines.append(f"  Kiểm tra / auditor: {AUDITOR_USERNAME}; quản trị / admin: {ADMIN_USERNAME}")
    return "\n".join(lines)
