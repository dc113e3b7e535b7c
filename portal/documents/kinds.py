"""The kinds of document the portal issues and their official titles (plain data)."""

TITLES = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement_request": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "control_sheet": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "register": "Sổ theo dõi hồ sơ",
    "result": "Kết quả giải quyết thủ tục hành chính",
    "denial": "Thông báo về việc không giải quyết hồ sơ",
    "payment_receipt": "Biên lai thu phí, lệ phí",
}
