"""Postal delivery of a level-4 result: the citizen gives an address and a phone number while the result is
ready; the desk reads them (`postal_request`) when it hands the result to the post."""
import re
import unicodedata

from ..i18n import N_, pattern
from ..auth.permissions import owns_application
from ..forms_common import MOBILE, normalize_mobile
from ..operations import Invalid, NotFound
from ..operations.transitions import check_version, touch
from ..timeutil import utcnow

ADDRESS_MIN, ADDRESS_MAX = 10, 300
ADDRESS_LENGTH = pattern(N_("Vui lòng nhập địa chỉ nhận đầy đủ (số nhà, thôn/xóm, xã/phường, huyện, tỉnh), "
                            "từ %(min)s đến %(max)s ký tự."))
NOT_AVAILABLE = N_("Chỉ đăng ký nhận kết quả qua bưu chính được khi hồ sơ trực tuyến mức độ 4 đã có kết quả "
                   "và chưa được trả.")


def postal_available(application) -> bool:
    return application.state == "result_ready" and application.service_version.online_level == 4


def can_request_postal_delivery(user, application) -> bool:
    return owns_application(user, application) and postal_available(application)


def postal_request(application) -> dict | None:
    """{"address", "phone", "requested_at"} when the citizen asked for the result by post, else None.
    For the desk's application page and the API."""
    delivery = application.delivery or {}
    if delivery.get("method") != "post":
        return None
    return {"address": delivery.get("address", ""), "phone": delivery.get("phone", ""),
            "requested_at": delivery.get("requested_at")}


def request_postal_delivery(application, citizen, address: str, phone: str,
                            expected_version: int | None = None) -> dict:
    """Records (or corrects) the postal address of a level-4 result. NotFound for anyone but the applicant;
    Invalid when it is not (or no longer) possible or the address or phone is wrong; Conflict when the
    application changed since the citizen saw it."""
    if not owns_application(citizen, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    check_version(application, expected_version)
    if not postal_available(application):
        raise Invalid(NOT_AVAILABLE, code="postal_not_available")
    address = re.sub(r"\s+", " ", unicodedata.normalize("NFC", address or "")).strip()
    phone = normalize_mobile(phone or "")
    errors = {}
    if not ADDRESS_MIN <= len(address) <= ADDRESS_MAX:
        errors["address"] = [ADDRESS_LENGTH % {"min": ADDRESS_MIN, "max": ADDRESS_MAX}]
    if not MOBILE.match(phone):
        errors["phone"] = [N_("Số điện thoại di động không hợp lệ "
                              "(10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09).")]
    if errors:
        raise Invalid(N_("Thông tin nhận kết quả qua bưu chính chưa hợp lệ."), errors=errors)
    # A new dict, not an in-place change: the JSON column only notices assignment.
    application.delivery = {"method": "post", "address": address, "phone": phone,
                            "requested_at": utcnow().isoformat()}
    touch(application)
    return postal_request(application)
