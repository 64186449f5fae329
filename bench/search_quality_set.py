"""The labelled set of the search quality benchmark: 30 short documents and 60 queries.

Labels were written by reading the documents, never from an engine's output: a document is
relevant to a query when a clerk typing that query would want it. Every query comes twice,
as typed with diacritics and as typed without (the way many users type on a phone), and both
forms carry the same labels. Distractors are deliberate: "cổng" (gate, portal), "cống"
(drain) and "công" (work, public) fold to the same word; "Mai" is also a person's name;
"tai nạn" (accident) and "tài chính" (finance) share "tai"; "thỏa thuận" is not "thỏa ước".
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DOCUMENTS", "QUERIES", "LabelledDocument", "LabelledQuery"]


@dataclass(frozen=True)
class LabelledDocument:
    id: str
    doc_type: str
    subject: str
    body: str
    signer: str = "Nguyễn Văn An"


@dataclass(frozen=True)
class LabelledQuery:
    text: str
    relevant: frozenset[str]

    @property
    def has_diacritics(self) -> bool:
        return not self.text.isascii()


D = LabelledDocument
DOCUMENTS = (
    D("d01", "Kế hoạch", "Kế hoạch chuyển đổi số trong hoạt động công đoàn giai đoạn 2023 - 2028",
      "Đẩy mạnh ứng dụng công nghệ thông tin, số hóa hồ sơ, xử lý văn bản trên môi trường mạng "
      "ở tất cả các cấp công đoàn trong tỉnh."),
    D("d02", "Báo cáo", "Báo cáo kết quả chuyển đổi số quý III năm 2025",
      "Số đoàn viên được cập nhật lên phần mềm quản lý đoàn viên; số cán bộ chuyên trách có "
      "chữ ký số; tỷ lệ hồ sơ xử lý trên môi trường mạng đạt 85%."),
    D("d03", "Hướng dẫn", "Hướng dẫn sử dụng chữ ký số SmartCA cho cán bộ công đoàn",
      "Cán bộ chuyên trách đăng ký chữ ký số từ xa, ký văn bản điện tử trên điện thoại, góp phần "
      "thực hiện chuyển đổi số trong cơ quan công đoàn."),
    D("d04", "Kế hoạch", "Kế hoạch thương lượng, ký kết thỏa ước lao động tập thể năm 2025",
      "Công đoàn cơ sở chủ động đề xuất nội dung thương lượng tập thể về tiền lương, thời giờ "
      "làm việc, bữa ăn giữa ca và phúc lợi cho người lao động."),
    D("d05", "Báo cáo", "Báo cáo tình hình ký kết thỏa ước lao động tập thể ngành dệt may",
      "Toàn ngành có 214 bản thỏa ước còn hiệu lực, trong đó 61 bản có nhiều nội dung có lợi hơn "
      "cho người lao động so với quy định của pháp luật."),
    D("d06", "Công văn", "V/v tổ chức đối thoại định kỳ tại nơi làm việc",
      "Đề nghị các công đoàn cơ sở phối hợp với người sử dụng lao động tổ chức đối thoại, đạt "
      "được thỏa thuận về điều kiện làm việc, phòng ngừa tranh chấp lao động."),
    D("d07", "Kế hoạch", "Kế hoạch tổ chức Tháng Công nhân năm 2026",
      "Thăm hỏi, tặng quà công nhân lao động tại các khu công nghiệp; tổ chức ngày hội công nhân "
      "và chương trình phúc lợi cho đoàn viên."),
    D("d08", "Thông báo", "Thông báo Tháng hành động về an toàn, vệ sinh lao động năm 2025",
      "Tuyên truyền phòng ngừa tai nạn lao động, bệnh nghề nghiệp; kiểm tra điều kiện an toàn, "
      "vệ sinh lao động tại doanh nghiệp."),
    D("d09", "Báo cáo", "Báo cáo vụ tai nạn lao động tại Công ty TNHH May Việt Tiến",
      "Nguyên nhân ban đầu: người sử dụng lao động vi phạm quy định về an toàn, vệ sinh lao động; "
      "công đoàn đã thăm hỏi, hỗ trợ gia đình người lao động bị nạn."),
    D("d10", "Hướng dẫn", "Hướng dẫn quyết toán tài chính công đoàn năm 2024",
      "Các đơn vị lập báo cáo quyết toán thu, chi tài chính công đoàn, gửi về Ban Tài chính trước "
      "ngày 31 tháng 3."),
    D("d11", "Kế hoạch", "Kế hoạch xây dựng cổng thông tin điện tử Công đoàn tỉnh",
      "Cổng thông tin điện tử là kênh đăng tải văn bản chỉ đạo, tin tức hoạt động và tiếp nhận "
      "ý kiến của đoàn viên trên mạng."),
    D("d12", "Công văn", "V/v kiện toàn công tác cán bộ công đoàn cơ sở",
      "Rà soát, bổ sung cán bộ công đoàn cơ sở còn thiếu; báo cáo thông tin nhân sự về Ban Tổ "
      "chức."),
    D("d13", "Thông báo", "Thông báo công khai tình hình tài chính công đoàn năm 2024",
      "Công khai thông tin thu, chi tài chính công đoàn và quỹ xã hội trước hội nghị cán bộ."),
    D("d14", "Chương trình", "Chương trình Mái ấm Công đoàn năm 2025",
      "Hỗ trợ xây mới, sửa chữa nhà ở cho đoàn viên có hoàn cảnh đặc biệt khó khăn, mỗi nhà 50 "
      "triệu đồng từ quỹ Mái ấm Công đoàn."),
    D("d15", "Thông báo", "Thông báo phân công nhiệm vụ Ủy viên Ban Thường vụ",
      "Đồng chí Trần Thị Mai phụ trách công tác nữ công; đồng chí Lê Văn Âm phụ trách công tác "
      "tuyên giáo.", signer="Trần Thị Mai"),
    D("d16", "Kế hoạch", "Kế hoạch chăm lo Tết Nguyên đán cho đoàn viên, người lao động",
      "Tặng quà Tết cho đoàn viên có hoàn cảnh khó khăn, tổ chức chương trình Tết Sum vầy và hỗ "
      "trợ vé xe cho công nhân về quê đón Tết."),
    D("d17", "Quyết định", "Quyết định thành lập Công đoàn cơ sở Trường Tiểu học Quán Lào",
      "Công nhận 32 đoàn viên và Ban Chấp hành lâm thời Công đoàn cơ sở Trường Tiểu học Quán Lào, "
      "huyện Yên Định."),
    D("d18", "Hướng dẫn", "Hướng dẫn tổ chức Đại hội Công đoàn cơ sở nhiệm kỳ 2023 - 2028",
      "Quy trình chuẩn bị văn kiện, nhân sự Ban Chấp hành và bầu cử tại đại hội công đoàn cơ sở."),
    D("d19", "Báo cáo", "Báo cáo kết quả giám sát thực hiện bảo hiểm xã hội cho người lao động",
      "Phát hiện 12 doanh nghiệp chậm đóng bảo hiểm xã hội, bảo hiểm y tế; đã kiến nghị cơ quan "
      "bảo hiểm xã hội đôn đốc thu hồi."),
    D("d20", "Kế hoạch", "Kế hoạch phát triển đoàn viên năm 2025",
      "Chỉ tiêu kết nạp 5.000 đoàn viên mới tại doanh nghiệp ngoài nhà nước; tuyên truyền lợi ích "
      "khi gia nhập công đoàn."),
    D("d21", "Công văn", "V/v đôn đốc đóng kinh phí công đoàn năm 2025",
      "Các doanh nghiệp chưa đóng kinh phí công đoàn 2% quỹ tiền lương đề nghị nộp trước quý IV."),
    D("d22", "Thông báo", "Thông báo lịch tập huấn nghiệp vụ cho cán bộ công đoàn cơ sở",
      "Lớp tập huấn kỹ năng thương lượng và nghiệp vụ tài chính mở tại hội trường Liên đoàn."),
    D("d23", "Kế hoạch", "Kế hoạch phát động phong trào thi đua lao động giỏi, lao động sáng tạo",
      "Biểu dương sáng kiến cải tiến kỹ thuật của công nhân, khen thưởng tập thể tiêu biểu."),
    D("d24", "Báo cáo", "Báo cáo công tác phòng, chống tác hại của thuốc lá",
      "Treo biển cấm hút thuốc lá tại nơi làm việc, truyền thông về tác hại của thuốc lá điện tử."),
    D("d25", "Công văn", "V/v sửa chữa cống thoát nước khu nhà trọ công nhân",
      "Cống thoát nước bị tắc gây ngập úng khu nhà trọ; đề nghị chính quyền địa phương khắc phục."),
    D("d26", "Thông báo", "Thông báo mức lương tối thiểu vùng áp dụng từ năm 2026",
      "Công đoàn cơ sở giám sát doanh nghiệp điều chỉnh tiền lương theo mức lương tối thiểu mới."),
    D("d27", "Kế hoạch", "Kế hoạch tổ chức Hội nghị người lao động năm 2025",
      "Hội nghị người lao động bàn về nội quy, quy chế dân chủ ở cơ sở và thỏa thuận tiền thưởng."),
    D("d28", "Công văn", "V/v giải quyết tranh chấp lao động tập thể về tiền lương",
      "Công đoàn cấp trên trực tiếp cơ sở hỗ trợ người lao động trong hòa giải tranh chấp."),
    D("d29", "Báo cáo", "Báo cáo khảo sát chất lượng bữa ăn ca của công nhân",
      "Giá trị bữa ăn giữa ca bình quân 18.000 đồng; kiến nghị nâng mức và bảo đảm an toàn thực "
      "phẩm."),
    D("d30", "Hướng dẫn", "Hướng dẫn thanh toán không dùng tiền mặt cho đoàn viên",
      "Đoàn viên nhận trợ cấp qua tài khoản ngân hàng, ví điện tử; công đoàn cơ sở hướng dẫn mở "
      "tài khoản."),
)  # fmt: skip


def _pair(with_marks: str, without: str, *relevant: str) -> tuple[LabelledQuery, LabelledQuery]:
    ids = frozenset(relevant)
    return LabelledQuery(with_marks, ids), LabelledQuery(without, ids)


QUERIES = tuple(
    query
    for pair in (
        _pair("chuyển đổi số", "chuyen doi so", "d01", "d02", "d03"),
        _pair("thỏa ước lao động tập thể", "thoa uoc lao dong tap the", "d04", "d05"),
        _pair("thỏa ước", "thoa uoc", "d04", "d05"),
        _pair("cổng thông tin điện tử", "cong thong tin dien tu", "d11"),
        _pair("cổng thông tin", "cong thong tin", "d11"),
        _pair("cống thoát nước", "cong thoat nuoc", "d25"),
        _pair("tai nạn lao động", "tai nan lao dong", "d08", "d09"),
        _pair("tài chính công đoàn", "tai chinh cong doan", "d10", "d13"),
        _pair("Mái ấm Công đoàn", "mai am cong doan", "d14"),
        _pair("an toàn vệ sinh lao động", "an toan ve sinh lao dong", "d08", "d09"),
        _pair("Tháng Công nhân", "thang cong nhan", "d07"),
        _pair("đại hội công đoàn cơ sở", "dai hoi cong doan co so", "d18"),
        _pair("chữ ký số", "chu ky so", "d02", "d03"),
        _pair("bảo hiểm xã hội", "bao hiem xa hoi", "d19"),
        _pair("phát triển đoàn viên", "phat trien doan vien", "d20"),
        _pair("tập huấn", "tap huan", "d22"),
        _pair("thi đua lao động giỏi", "thi dua lao dong gioi", "d23"),
        _pair("thuốc lá", "thuoc la", "d24"),
        _pair("lương tối thiểu", "luong toi thieu", "d26"),
        _pair("tranh chấp lao động", "tranh chap lao dong", "d06", "d28"),
        _pair("bữa ăn ca", "bua an ca", "d29"),
        _pair("thanh toán không dùng tiền mặt", "thanh toan khong dung tien mat", "d30"),
        _pair("Tết", "tet", "d16"),
        _pair("hội nghị người lao động", "hoi nghi nguoi lao dong", "d27"),
        _pair("kinh phí công đoàn", "kinh phi cong doan", "d21"),
        _pair("Quán Lào", "quan lao", "d17"),
        _pair("tiền lương", "tien luong", "d04", "d26", "d28"),
        _pair("chữ ký điện tử", "chu ky dien tu", "d02", "d03"),  # d02 says "chữ ký số"
        _pair("hỗ trợ nhà ở đoàn viên", "ho tro nha o doan vien", "d14"),
        _pair("nhà trọ công nhân", "nha tro cong nhan", "d25"),
    )
    for query in pair
)
