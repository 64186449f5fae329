"""What a person can do next after a refusal, by HTTP status, shown under the message of every
error page (the message says what went wrong, the hint what to do about it)."""

from __future__ import annotations

NEXT_STEPS: dict[int, tuple[str, str]] = {
    400: (
        "Tải lại trang rồi gửi lại biểu mẫu.",
        "Reload the page, then send the form again.",
    ),
    403: (
        "Nếu công việc cần quyền này, hãy đề nghị quản trị hệ thống của đơn vị cấp vai trò "
        "phù hợp.",
        "If your work needs this, ask your unit's administrator for the right role.",
    ),
    404: (
        "Kiểm tra lại đường dẫn, hoặc tìm văn bản ở trang Tra cứu.",
        "Check the address, or find the document on the Search page.",
    ),
    405: (
        "Mở trang từ trình đơn của hệ thống thay vì gõ đường dẫn.",
        "Open the page from the menu instead of typing its address.",
    ),
    409: (
        "Người khác vừa xử lý việc này: tải lại trang để xem tình trạng mới nhất rồi làm lại "
        "nếu còn cần.",
        "Someone else has just acted on this: reload the page to see where it stands, "
        "then try again if still needed.",
    ),
    413: (
        "Chọn tệp nhỏ hơn (nén hoặc tách tệp PDF) rồi gửi lại.",
        "Choose a smaller file (compress or split the PDF), then send it again.",
    ),
    422: (
        "Quay lại, sửa thông tin nêu trên rồi gửi lại.",
        "Go back, correct what is named above, then send it again.",
    ),
    429: (
        "Chờ hết thời gian tạm khóa rồi đăng nhập lại, hoặc nhờ quản trị hệ thống mở khóa.",
        "Wait until the lock ends and sign in again, or ask the administrator to unlock you.",
    ),
    503: (
        "Dùng các chức năng khác trong lúc chờ, rồi thử lại sau ít phút; nếu kéo dài, báo "
        "quản trị hệ thống.",
        "Carry on with other work meanwhile and try again in a few minutes; if it lasts, "
        "tell the administrator.",
    ),
    500: (
        "Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị hệ thống kèm thời điểm xảy ra lỗi.",
        "Try again in a few minutes; if it still fails, tell the administrator when it happened.",
    ),
}
FALLBACK = NEXT_STEPS[500]


def next_step(status: int) -> tuple[str, str]:
    """The hint in Vietnamese and English for an error page answering with `status`."""
    return NEXT_STEPS.get(status, FALLBACK)
