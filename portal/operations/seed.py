"""The demo data of DESIGN.md §6: Vĩnh Phúc, two districts, four communes, and their accounts; or, with
`two_level`, the 2025 structure: Phú Thọ (which absorbed Vĩnh Phúc and Hòa Bình on 1 July 2025) directly
above a handful of its real post-2025 communes and wards, with the Sở Xây dựng taking liên thông.
Running it again changes nothing."""
from sqlalchemy import select

from ..auth.loaders import new_session_token
from ..auth.passwords import hash_password, verify_password
from ..extensions import db
from ..models import Unit, User

# slug, code (Circular 01/2018 shape V1V2V3.Z1Z2.Y1Y2.MX1X2), name, short name, level, parent slug
UNITS = [
    ("vinh-phuc", "000.00.00.H62", "Ủy ban nhân dân tỉnh Vĩnh Phúc", "Vĩnh Phúc", "province", None),
    ("yen-lac", "000.00.31.H62", "Ủy ban nhân dân huyện Yên Lạc", "Yên Lạc", "district", "vinh-phuc"),
    ("vinh-yen", "000.00.24.H62", "Ủy ban nhân dân thành phố Vĩnh Yên", "Vĩnh Yên", "district", "vinh-phuc"),
    ("tam-hong", "000.21.31.H62", "Ủy ban nhân dân xã Tam Hồng", "Tam Hồng", "commune", "yen-lac"),
    ("dong-van", "000.22.31.H62", "Ủy ban nhân dân xã Đồng Văn", "Đồng Văn", "commune", "yen-lac"),
    ("tich-son", "000.21.24.H62", "Ủy ban nhân dân xã Tích Sơn", "Tích Sơn", "commune", "vinh-yen"),
    ("dong-da", "000.22.24.H62", "Ủy ban nhân dân phường Đống Đa", "Đống Đa", "commune", "vinh-yen"),
]

# The 2025 province: real names of Phú Thọ's communes and wards (Resolution 202/2025/QH15 merged the
# provinces; the province's commune-level plan of 2025 made the wards and communes). Codes are plausible,
# not the official ones. Slugs differ from the three-tier demo's so both can live in one database.
TWO_LEVEL_UNITS = [
    ("phu-tho", "000.00.00.H45", "Ủy ban nhân dân tỉnh Phú Thọ", "Phú Thọ", "province", None),
    ("phuong-vinh-phuc", "000.00.01.H45", "Ủy ban nhân dân phường Vĩnh Phúc", "Vĩnh Phúc", "commune", "phu-tho"),
    ("phuong-vinh-yen", "000.00.02.H45", "Ủy ban nhân dân phường Vĩnh Yên", "Vĩnh Yên", "commune", "phu-tho"),
    ("xa-yen-lac", "000.00.03.H45", "Ủy ban nhân dân xã Yên Lạc", "Yên Lạc", "commune", "phu-tho"),
    ("xa-tam-hong", "000.00.04.H45", "Ủy ban nhân dân xã Tam Hồng", "Tam Hồng", "commune", "phu-tho"),
    ("so-xay-dung", "000.12.00.H45", "Sở Xây dựng tỉnh Phú Thọ", "Phú Thọ", "department", "phu-tho"),
]
# Demo data: the province has the Sở Xây dựng decide building permits received in one ward, so the demo
# shows a liên thông commune -> department -> back to the ward desk (operations/routing.py).
TWO_LEVEL_ROUTES = [
    ("cap-giay-phep-xay-dung-nha-o-rieng-le", "phuong-vinh-phuc", "so-xay-dung",
     "Dữ liệu mẫu: UBND tỉnh giao Sở Xây dựng cấp giấy phép xây dựng trên địa bàn phường Vĩnh Phúc."),
]
STAFFED_LEVELS = ("district", "commune", "department")

ROLE_TITLES = {
    ("receiver", "commune"): "Công chức Bộ phận Một cửa",
    ("handler", "commune"): "Công chức Tư pháp - Hộ tịch",
    ("leader", "commune"): "Chủ tịch Ủy ban nhân dân",
    ("receiver", "district"): "Công chức Bộ phận Một cửa",
    ("handler", "district"): "Chuyên viên",
    ("leader", "district"): "Phó Chủ tịch Ủy ban nhân dân",
    ("receiver", "department"): "Công chức tiếp nhận hồ sơ",
    ("handler", "department"): "Chuyên viên Phòng Quản lý hoạt động xây dựng",
    ("leader", "department"): "Phó Giám đốc Sở",
}
STAFF_NAMES = {"receiver": "Nguyễn Thị Lan", "handler": "Trần Văn Minh", "leader": "Lê Quang Huy"}

CITIZENS = [
    ("citizen@demo.vn", "Nguyễn Văn An", "0912345678", "026090001234", "1990-05-12",
     "Thôn Nhân Lý, xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc"),
    ("citizen2@demo.vn", "Phạm Thị Bình", "0987654321", "026185005678", "1985-09-03",
     "Phường Đống Đa, thành phố Vĩnh Yên, tỉnh Vĩnh Phúc"),
]


def _user(email, password, **attrs):
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, password_hash=hash_password(password), session_token=new_session_token(),
                    **attrs)
        db.session.add(user)
        return user, True
    if not verify_password(user.password_hash, password):
        user.password_hash = hash_password(password)
    return user, False


def seed_demo(password: str, two_level: bool = False) -> dict:
    from datetime import date
    created = {"units": 0, "users": 0, "routes": 0}
    by_slug = {u.slug: u for u in db.session.execute(select(Unit)).scalars()}
    units, province = (TWO_LEVEL_UNITS, "Phú Thọ") if two_level else (UNITS, "Vĩnh Phúc")
    seeded = []
    for slug, code, name, short, level, parent in units:
        if slug not in by_slug:
            unit = Unit(slug=slug, code=code, name=name, short_name=short, level=level,
                        parent=by_slug.get(parent), address=f"{short}, tỉnh {province}")
            db.session.add(unit)
            by_slug[slug] = unit
            created["units"] += 1
        seeded.append(by_slug[slug])
    db.session.flush()
    if two_level:
        created["routes"] = _seed_routes(by_slug)
    for email, name, phone, nid, dob, address in CITIZENS:
        _, new = _user(email, password, full_name=name, phone=phone, national_id=nid, kind="citizen",
                       date_of_birth=date.fromisoformat(dob), address=address)
        created["users"] += new
    _, new = _user("admin@demo.vn", password, full_name="Quản trị hệ thống", kind="admin")
    created["users"] += new
    for unit in seeded:
        slug = unit.slug
        if unit.level not in STAFFED_LEVELS:
            continue
        for role in ("receiver", "handler", "leader"):
            _, new = _user(f"{role}.{slug}@demo.vn", password, full_name=STAFF_NAMES[role], kind="staff",
                           role=role, unit=unit, title=f"{ROLE_TITLES[(role, unit.level)]}")
            created["users"] += new
    return created


def _seed_routes(by_slug) -> int:
    from ..models import Service, ServiceRoute
    from .routing import set_route
    made = 0
    for service_slug, unit_slug, deciding_slug, note in TWO_LEVEL_ROUTES:
        service = db.session.execute(select(Service).where(Service.slug == service_slug)).scalar_one_or_none()
        if service is None or service.current is None:
            continue  # the catalogue was not loaded: nothing to route
        exists = db.session.execute(select(ServiceRoute).where(
            ServiceRoute.service_id == service.id, ServiceRoute.unit_id == by_slug[unit_slug].id)).first()
        if exists is None:
            set_route(None, service, by_slug[unit_slug], by_slug[deciding_slug], note)
            made += 1
    return made
