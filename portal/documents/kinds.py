"""The kinds of document the portal issues and their official titles (plain data)."""

TITLES = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement_request": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "stop_notice": "Thông báo dừng giải quyết hồ sơ",
    "control_sheet": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "register": "Sổ theo dõi hồ sơ",
    "result": "Kết quả giải quyết thủ tục hành chính",
    "denial": "Thông báo về việc không giải quyết hồ sơ",
    "payment_receipt": "Biên lai thu phí, lệ phí",
}

# Circular 03/2025/TT-VPCP (in force 15 September 2025), Annex I: the form number printed at the top right.
FORM_NUMBERS = {
    "receipt": "01",
    "supplement_request": "02",
    "refusal": "03",
    "apology": "04",
    "stop_notice": "05",
    "control_sheet": "06",
    "register": "07",
}
CIRCULAR = "Thông tư số 03/2025/TT-VPCP"
