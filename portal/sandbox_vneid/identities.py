"""The test identities offered on the sandbox's authorization page (the tester may also type one). The
first two are the demo citizens (portal/operations/seed.py), so signing in as them links their accounts;
the third has no account yet."""
import hashlib
import hmac
import re

from ..auth.national_identity_settings import CLAIM_EMAIL, CLAIM_NAME, CLAIM_NATIONAL_ID, CLAIM_PHONE

PRESETS = [
    {"national_id": "026090001234", "full_name": "Nguyễn Văn An", "phone": "0912345678"},
    {"national_id": "026185005678", "full_name": "Phạm Thị Bình", "phone": "0987654321"},
    {"national_id": "026195012345", "full_name": "Trần Thị Thu Hà", "phone": "0934567890"},
]
MOBILE = re.compile(r"^0(3|5|7|8|9)[0-9]{8}$")


def problems(person: dict) -> list[str]:
    found = []
    if not re.fullmatch(r"[0-9]{12}", person.get("national_id", "")):
        found.append("Số định danh cá nhân gồm đúng 12 chữ số.")
    if not person.get("full_name") or len(person["full_name"]) > 120:
        found.append("Vui lòng nhập họ và tên (tối đa 120 ký tự).")
    if person.get("phone") and not MOBILE.match(person["phone"]):
        found.append("Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.")
    if person.get("email") and ("@" not in person["email"] or len(person["email"]) > 254):
        found.append("Thư điện tử không hợp lệ.")
    return found


def subject(secret: str, national_id: str) -> str:
    # Opaque and stable per person, as a real provider's `sub`: not the identification number itself.
    return hmac.new(secret.encode(), f"vneid-sub:{national_id}".encode(), hashlib.sha256).hexdigest()[:32]


def claims(person: dict) -> dict:
    out = {CLAIM_NATIONAL_ID: person["national_id"], CLAIM_NAME: person["full_name"]}
    if person.get("phone"):
        out[CLAIM_PHONE] = person["phone"]
    if person.get("email"):
        out[CLAIM_EMAIL] = person["email"]
    return out
