"""A filled-in context for every template: what designers preview (`flask --app portal documents preview`),
what the tests read back and what the benchmark renders. Plain data, the same shape issue.py builds."""
from __future__ import annotations

from datetime import date, datetime, timezone

from .kinds import TITLES

SAMPLE_DATA = {
    "full_name": "Nguyễn Văn An",
    "child_full_name": "Nguyễn Minh Khôi",
    "child_date_of_birth": "2026-11-02",
    "child_gender": "Nam",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "place_of_birth": "Bệnh viện Đa khoa tỉnh Vĩnh Phúc",
    "hometown": "Xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc",
    "mother_full_name": "Trần Thị Hương",
    "mother_ethnicity": "Kinh",
    "mother_nationality": "Việt Nam",
    "father_full_name": "Nguyễn Văn An",
    "father_ethnicity": "Kinh",
    "father_nationality": "Việt Nam",
    "deceased_full_name": "Lê Văn Bảy",
    "date_of_death": "2026-11-20",
    "time_of_death": "08 giờ 30 phút",
    "place_of_death": "Tại nhà riêng, thôn Đông, xã Tam Hồng",
    "cause_of_death": "Tuổi già",
    "relationship": "Con",
    "date_of_birth": "1990-05-14",
    "gender": "Nam",
    "marital_status": "Chưa đăng ký kết hôn với ai",
    "purpose": "Kết hôn",
    "document_name": "Bằng tốt nghiệp đại học",
    "issued_by": "Trường Đại học Sư phạm Hà Nội 2",
    "copies": 2,
    "pages": 1,
    "business_name": "Hộ kinh doanh Tạp hóa An Bình",
    "business_address": "Thôn Đông, xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc",
    "business_lines": "Bán lẻ lương thực, thực phẩm, đồ uống",
    "capital": 150000000,
    "employees": 2,
    "site_address": "Thôn Đông, xã Tam Hồng, huyện Yên Lạc",
    "lot_number": "125",
    "map_sheet": "12",
    "lot_area": "120",
    "construction_area": "80",
    "total_floor_area": "240",
    "height": "11,5",
    "floors": "3",
}


# The result.title of the shipped service using each result template (services/*.toml).
SAMPLE_RESULT_TITLES = {
    "birth_certificate": "Giấy khai sinh",
    "death_certificate": "Trích lục khai tử",
    "marital_status_certificate": "Giấy xác nhận tình trạng hôn nhân",
    "certified_copy": "Bản sao được chứng thực từ bản chính",
    "household_business_certificate": "Giấy chứng nhận đăng ký hộ kinh doanh",
    "building_permit": "Giấy phép xây dựng",
}


def _application(data=None):
    data = dict(SAMPLE_DATA if data is None else data)
    return {
        "code": "000.00.21.H62-261127-0001",
        "service_name": "Đăng ký khai sinh",
        "service_code": "1.001193",
        "applicant": {
            "name": "Nguyễn Văn An",
            "national_id": "026090001234",
            "address": "Thôn Đông, xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc",
            "phone": "0912345678",
            "email": "citizen@demo.vn",
        },
        "documents": ["Giấy chứng sinh (bản chính)", "Căn cước công dân của cha, mẹ (bản sao)"],
        "document_rows": [{"label": "Giấy chứng sinh (bản chính)", "form": "Bản điện tử", "copies": 1},
                          {"label": "Căn cước công dân của cha, mẹ (bản sao)", "form": "Bản điện tử",
                           "copies": 2}],
        "sets": 1,
        "processing_days": 3,
        "received_at": datetime(2026, 11, 27, 7, 5, tzinfo=timezone.utc),
        "due_date": date(2026, 12, 2),
        "return_at": datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc),
        "return_place": "Bộ phận Một cửa Ủy ban nhân dân xã Tam Hồng",
        "return_method": "nhận trực tuyến",
        "register_book": "01/2026",
        "register_serial": 128,
        "lookup": {"url": "http://localhost/tra-cuu", "national": "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)"},
        "data": data,
        "fields": [("Họ, chữ đệm và tên", data.get("full_name", "")),
                   ("Mục đích sử dụng", data.get("purpose", ""))],
    }


def sample_context(template: str, *, data=None, code="K7Q2-M4XD-9PTA") -> dict:
    context = {
        "title": template.replace("_", " "),
        "number": "12/2026/KQ",
        "date": date(2026, 11, 27),
        "unit": {
            "header_lines": ["UBND huyện Yên Lạc", "UBND xã Tam Hồng"],
            "place": "Tam Hồng",
            "authority_name": "Ủy ban nhân dân xã Tam Hồng",
            "agency_name": "Ủy ban nhân dân xã Tam Hồng",
            "desk_name": "Bộ phận Một cửa Ủy ban nhân dân xã Tam Hồng",
            "one_stop_name": "Bộ phận Một cửa",
        },
        "signer": {"title": "Chủ tịch", "name": "Phạm Đức Thắng"},
        "verification": {"code": code, "url": f"http://localhost/verify/{code}"},
        "application": _application(data),
        "decision": {"text": "", "note": ""},
        "reason": "Thiếu bản sao giấy chứng sinh có chứng thực.",
        "legal_basis": "Khoản 1 Điều 16 Luật Hộ tịch năm 2014",
        "stopped_at": datetime(2026, 11, 30, 2, 30, tzinfo=timezone.utc),
        "requested_by": "Vũ Văn Hải",
        "missing": [{"label": "Giấy chứng sinh", "reason": "Bản sao không có chứng thực"}],
        "contact": {"name": "Đỗ Thị Lan", "phone": "0211 3888 123", "address": "UBND xã Tam Hồng"},
        "original_due_date": date(2026, 12, 2),
        "new_due_date": date(2026, 12, 7),
        "handovers": [
            {"from_unit": "Bộ phận một cửa xã Tam Hồng", "to_unit": "Công chức Tư pháp - Hộ tịch",
             "at": datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc), "giver": "Đỗ Thị Lan",
             "taker": "Vũ Văn Hải", "status": "on_time", "note": ""},
        ],
        "period_from": date(2026, 11, 1),
        "period_to": date(2026, 11, 30),
        "rows": [
            {"serial": 128, "code": "000.00.21.H62-261127-0001",
             "received_at": datetime(2026, 11, 27, 7, 5, tzinfo=timezone.utc),
             "applicant": "Nguyễn Văn An", "address": "Thôn Đông, xã Tam Hồng", "phone": "0912345678", "sets": 1,
             "service_name": "Đăng ký khai sinh", "due_date": date(2026, 12, 2),
             "lead_agency": "Ủy ban nhân dân xã Tam Hồng", "transfer": None,
             "resolved_at": None, "returned_at": None, "returned_to": "", "note": "Đang giải quyết",
             "state_label": "Đang giải quyết"},
        ],
        "totals": {"received": 1, "resolved": 0, "in_progress": 1},
        "payment": {"amount": 8000, "fee_name": "Lệ phí đăng ký khai sinh",
                    "method": "Thanh toán trực tuyến (VNPAY)",
                    "txn_ref": "DVC261127000001", "gateway_txn_no": "14234567",
                    "paid_at": datetime(2026, 11, 27, 9, 15, tzinfo=timezone.utc)},
    }
    # Result templates print their title (a service's result.title); the samples have the shipped services'
    # titles, and generic_result the generic words.
    context["title"] = (TITLES.get(template) or SAMPLE_RESULT_TITLES.get(template)
                        or (TITLES["result"] if template == "generic_result" else context["title"]))
    return context
