"""Synthetic Vietnamese documents for the search benchmark, generated fast and seeded.

Issuers and recipients come from `bench.union_tree` (the real system's shape, ~126,000 units),
so every document carries real ancestor paths and the authorisation filters are meaningful.
Subjects, bodies (~2 KB), types, numbers/symbols, dates and signers are drawn from a phrase
bank written in the vocabulary of union directives, plans and reports (the style of the
seeds: chuyển đổi số, thỏa ước lao động tập thể, Tháng Công nhân, Mái ấm Công đoàn…).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from uuid import UUID

from bench.union_tree import union_tree_rows
from documents.units import unit_id_for
from search.port import IndexedDocument

__all__ = ["BODY_TARGET_CHARS", "Corpus", "SyntheticTree", "Unit"]

VIETNAM = timezone(timedelta(hours=7))
BODY_TARGET_CHARS = 1_500

TYPES = (
    ("ke_hoach", "Kế hoạch", "KH", 30),
    ("cong_van", "Công văn", "", 25),
    ("bao_cao", "Báo cáo", "BC", 15),
    ("thong_bao", "Thông báo", "TB", 10),
    ("huong_dan", "Hướng dẫn", "HD", 8),
    ("quyet_dinh", "Quyết định", "QĐ", 6),
    ("chuong_trinh", "Chương trình", "CTr", 3),
    ("nghi_quyet", "Nghị quyết", "NQ", 2),
    ("chi_thi", "Chỉ thị", "CT", 1),
)
TOPICS = (
    "chuyển đổi số trong hoạt động công đoàn",
    "thương lượng, ký kết thỏa ước lao động tập thể",
    "công tác an toàn, vệ sinh lao động",
    "Tháng Công nhân và Tháng hành động về an toàn, vệ sinh lao động",
    "chương trình Mái ấm Công đoàn",
    "phát triển đoàn viên, thành lập công đoàn cơ sở",
    "Đại hội Công đoàn cơ sở nhiệm kỳ 2023 - 2028",
    "quản lý thu, chi tài chính công đoàn",
    "chăm lo Tết cho đoàn viên, người lao động có hoàn cảnh khó khăn",
    "tổ chức Hội nghị người lao động",
    "phong trào thi đua lao động giỏi, lao động sáng tạo",
    "tập huấn nghiệp vụ cho cán bộ công đoàn cơ sở",
    "cập nhật dữ liệu đoàn viên lên phần mềm quản lý đoàn viên",
    "xây dựng cổng thông tin điện tử của công đoàn",
    "sử dụng chữ ký số cho cán bộ công đoàn chuyên trách",
    "thanh toán không dùng tiền mặt cho đoàn viên",
    "đối thoại tại nơi làm việc",
    "giám sát việc thực hiện chính sách bảo hiểm xã hội",
    "xây dựng quan hệ lao động hài hòa, ổn định, tiến bộ",
    "phòng, chống tác hại của thuốc lá tại nơi làm việc",
)
SUBJECT_LEADS = {
    "ke_hoach": ("Kế hoạch triển khai", "Kế hoạch thực hiện", "Kế hoạch tổ chức"),
    "cong_van": ("V/v triển khai", "V/v báo cáo kết quả", "V/v đôn đốc thực hiện"),
    "bao_cao": ("Báo cáo kết quả", "Báo cáo sơ kết", "Báo cáo tổng kết"),
    "thong_bao": ("Thông báo kết luận về", "Thông báo triển khai", "Thông báo về"),
    "huong_dan": ("Hướng dẫn thực hiện", "Hướng dẫn tổ chức", "Hướng dẫn về"),
    "quyet_dinh": ("Quyết định ban hành quy chế về", "Quyết định thành lập Ban chỉ đạo về"),
    "chuong_trinh": ("Chương trình hành động về", "Chương trình công tác về"),
    "nghi_quyet": ("Nghị quyết về", "Nghị quyết chuyên đề về"),
    "chi_thi": ("Chỉ thị về tăng cường", "Chỉ thị về"),
}
HEADINGS = (
    "I. MỤC ĐÍCH, YÊU CẦU",
    "II. NỘI DUNG",
    "III. TỔ CHỨC THỰC HIỆN",
    "IV. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ",
)
SENTENCES = (
    "Thực hiện Nghị quyết Đại hội Công đoàn {place} nhiệm kỳ 2023 - 2028, Ban Thường vụ ban hành "
    "văn bản này để các cấp công đoàn triển khai thực hiện.",
    "Nâng cao nhận thức của cán bộ, đoàn viên, người lao động về vai trò của {topic}.",
    "Các công đoàn cơ sở tổ chức quán triệt, phổ biến đến toàn thể đoàn viên, người lao động.",
    "Phấn đấu đến năm {year} có {pct}% công đoàn cơ sở ứng dụng công nghệ thông tin trong quản "
    "lý đoàn viên.",
    "Đẩy mạnh chuyển đổi số, ứng dụng công nghệ thông tin trong chỉ đạo, điều hành và xử lý "
    "hồ sơ công việc trên môi trường mạng.",
    "Tổ chức thương lượng tập thể, ký kết thỏa ước lao động tập thể có nhiều nội dung có lợi hơn "
    "cho người lao động so với quy định của pháp luật.",
    "Phối hợp với người sử dụng lao động kiểm tra điều kiện an toàn, vệ sinh lao động tại "
    "doanh nghiệp, phòng ngừa tai nạn lao động và bệnh nghề nghiệp.",
    "Vận động đoàn viên đóng góp xây dựng Mái ấm Công đoàn, hỗ trợ {count} đoàn viên có hoàn "
    "cảnh khó khăn về nhà ở.",
    "Chăm lo đời sống vật chất, tinh thần, bảo vệ quyền, lợi ích hợp pháp, chính đáng của đoàn "
    "viên, người lao động.",
    "Cập nhật thông tin của {count} đoàn viên lên phần mềm quản lý đoàn viên công đoàn Việt Nam.",
    "Cán bộ công đoàn chuyên trách sử dụng chữ ký số SmartCA trong ký ban hành văn bản điện tử.",
    "Hướng dẫn đoàn viên cài đặt và sử dụng ứng dụng Công đoàn Việt Nam trên điện thoại di động.",
    "Duy trì hoạt động của trang thông tin điện tử, Fanpage và nhóm Zalo của công đoàn.",
    "Tổ chức {count} lớp tập huấn kỹ năng số cho cán bộ công đoàn cơ sở trong quý {quarter}.",
    "Tổng hợp, báo cáo kết quả về Ban Tuyên giáo trước ngày {day}/{month}/{year}.",
    "Kinh phí thực hiện từ nguồn tài chính công đoàn theo quy định hiện hành.",
    "Ban Tài chính hướng dẫn quyết toán thu, chi tài chính công đoàn năm {year}.",
    "Tổ chức Hội nghị người lao động, đối thoại định kỳ tại nơi làm việc theo quy định.",
    "Tuyên truyền, vận động người lao động gia nhập tổ chức công đoàn, phát triển {count} đoàn "
    "viên mới.",
    "Phát động phong trào thi đua lao động giỏi, lao động sáng tạo gắn với Tháng Công nhân.",
    "Giám sát việc đóng bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp cho người lao động.",
    "Xây dựng cổng thông tin điện tử thống nhất, kết nối với cổng thông tin của Tổng Liên đoàn.",
    "Kịp thời nắm bắt tâm tư, nguyện vọng của đoàn viên, người lao động, giải quyết tranh chấp "
    "lao động tại cơ sở.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc đề nghị phản ánh về Liên đoàn Lao "
    "động tỉnh {place} để được hướng dẫn.",
    "Bảo đảm an toàn thông tin, an ninh mạng trong hệ thống công đoàn.",
    "Rà soát, sửa đổi quy chế làm việc, quy chế phối hợp giữa công đoàn với chuyên môn cùng cấp.",
    "Đánh giá kết quả thực hiện Chỉ thị số {number}-CT/TLĐ của Đoàn Chủ tịch Tổng Liên đoàn.",
    "Tặng quà cho {count} công nhân, lao động nhân dịp Tết Nguyên đán, mỗi suất trị giá "
    "{money}.000 đồng.",
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Quang", "Thanh", "Ngọc", "Đức", "Thu", "Hồng")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hưởng", "Lan", "Linh", "Mai", "Nam",
         "Phương", "Quân", "Sơn", "Thảo", "Tuấn", "Việt", "Yến", "Đông", "Hùng")  # fmt: skip
ISSUER_LEVELS = (("grassroots", 55), ("upper_grassroots", 28), ("provincial", 14), ("national", 3))
FIRST_DAY = datetime(2022, 1, 3, 7, 30, tzinfo=VIETNAM)
DAYS = 4 * 365


@dataclass(frozen=True)
class Unit:
    id: str
    code: str
    name: str
    abbreviation: str
    level: str
    place: str
    parent: str | None
    path: tuple[str, ...]
    """This unit and every unit above it, nearest first."""


class SyntheticTree:
    """`bench.union_tree` with ids as the system computes them and ancestor paths."""

    def __init__(self, level2_limit: int | None = None, seed: int = 2026) -> None:
        by_code: dict[str, Unit] = {}
        self.children: dict[str, list[str]] = {}
        self.by_level: dict[str, list[str]] = {}
        level2 = 0
        for row in union_tree_rows(seed):
            if row["level"] == "provincial":
                level2 += 1
            if level2_limit is not None and level2 > level2_limit:
                break  # rows come depth first, a level-2 unit before everything under it
            parent = by_code[row["parent_code"]] if row["parent_code"] else None
            unit_id = str(unit_id_for(row["code"]))
            unit = Unit(
                id=unit_id,
                code=row["code"],
                name=row["name"],
                abbreviation=row["abbreviation"],
                level=row["level"],
                place=row["place"],
                parent=parent.id if parent else None,
                path=(unit_id, *(parent.path if parent else ())),
            )
            by_code[unit.code] = unit
            self.by_level.setdefault(unit.level, []).append(unit.id)
            if parent is not None:
                self.children.setdefault(parent.id, []).append(unit.id)
        self.rows = [row for row in union_tree_rows(seed) if row["code"] in by_code]
        self.units = {unit.id: unit for unit in by_code.values()}

    def code(self, code: str) -> Unit:
        return self.units[str(unit_id_for(code))]


@dataclass(frozen=True)
class Draft:
    """One synthetic document before it becomes events or an `IndexedDocument`."""

    document_id: str
    type_code: str
    type_name: str
    number: int
    number_symbol: str
    subject: str
    body: str
    issuer: Unit
    recipients: list[str]
    signer_name: str
    issued_at: datetime


class Corpus:
    """Seeded documents over `tree`; the same seed gives the same documents."""

    def __init__(self, tree: SyntheticTree, seed: int = 7) -> None:
        self.tree = tree
        self.rng = random.Random(seed)
        self.numbers: dict[tuple[str, str], int] = {}
        self.party_counts: Counter[str] = Counter()
        """Documents per party unit so far: the benchmark's readers are busy units."""
        levels = [(level, w) for level, w in ISSUER_LEVELS if tree.by_level.get(level)]
        self._levels = [level for level, _ in levels]
        self._level_weights = [w for _, w in levels]
        self._type_weights = [t[3] for t in TYPES]

    def drafts(self, count: int) -> Iterator[Draft]:
        for _ in range(count):
            yield self.draft()

    def documents(self, count: int) -> Iterator[IndexedDocument]:
        for draft in self.drafts(count):
            yield indexed(draft, self.tree)

    def draft(self) -> Draft:
        rng, tree = self.rng, self.tree
        level = rng.choices(self._levels, self._level_weights)[0]
        issuer = tree.units[rng.choice(tree.by_level[level])]
        code, type_name, abbreviation, _ = rng.choices(TYPES, self._type_weights)[0]
        topic = rng.choice(TOPICS)
        issued_at = FIRST_DAY + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(600))
        key = (issuer.id, str(issued_at.year))
        number = self.numbers[key] = self.numbers.get(key, 0) + 1
        symbol = f"{abbreviation}-{issuer.abbreviation}" if abbreviation else issuer.abbreviation
        lead = rng.choice(SUBJECT_LEADS[code])
        recipients = self.recipients(issuer)
        self.party_counts.update([issuer.id, *recipients])
        return Draft(
            document_id=str(UUID(int=rng.getrandbits(128), version=4)),
            type_code=code,
            type_name=type_name,
            number=number,
            number_symbol=f"{number}/{symbol}",
            subject=f"{lead} {topic} năm {issued_at.year}",
            body=self.body(issuer, topic, issued_at.year),
            issuer=issuer,
            recipients=recipients,
            signer_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            issued_at=issued_at,
        )

    def recipients(self, issuer: Unit) -> list[str]:
        """Downwards to 1–5 of its units, or up to its parent (a report, a grassroots union)."""
        rng = self.rng
        below = self.tree.children.get(issuer.id, [])
        if below and (issuer.parent is None or rng.random() < 0.8):
            return rng.sample(below, min(len(below), rng.randint(1, 5)))
        return [issuer.parent] if issuer.parent else []

    def body(self, issuer: Unit, topic: str, year: int) -> str:
        rng = self.rng
        parts: list[str] = []
        size = 0
        heading = 0
        while size < BODY_TARGET_CHARS:
            if heading < len(HEADINGS) and size >= heading * BODY_TARGET_CHARS // 4:
                parts.append("\n" + HEADINGS[heading])
                heading += 1
            sentence = rng.choice(SENTENCES).format(
                place=issuer.place,
                topic=topic,
                year=year,
                pct=rng.randint(50, 100),
                count=rng.randint(10, 5000),
                quarter=rng.choice(("I", "II", "III", "IV")),
                day=rng.randint(1, 28),
                month=rng.randint(1, 12),
                number=rng.randint(1, 40),
                money=rng.randint(3, 20) * 100,
            )
            parts.append(sentence)
            size += len(sentence) + 1
        return "\n".join(parts)


def indexed(draft: Draft, tree: SyntheticTree) -> IndexedDocument:
    """What the projection would index for `draft` (ancestors of every party, issuer path)."""
    parties = [draft.issuer.id, *draft.recipients]
    scope = {ancestor for unit in parties for ancestor in tree.units[unit].path[1:]}
    return IndexedDocument(
        document_id=draft.document_id,
        number_symbol=draft.number_symbol,
        doc_type=draft.type_name,
        subject=draft.subject,
        body_text=draft.body,
        issuer_unit_id=draft.issuer.id,
        issuer_name=draft.issuer.name,
        signer_name=draft.signer_name,
        status="dispatched",
        urgency="thuong",
        issued_at=draft.issued_at,
        party_unit_ids=parties,
        scope_unit_ids=sorted(scope),
        issuer_path_ids=list(draft.issuer.path),
    )
