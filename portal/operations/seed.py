"""The demo data of DESIGN.md §6: Vĩnh Phúc, two districts, four communes, and their accounts.
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

ROLE_TITLES = {
    ("receiver", "commune"): "Công chức Bộ phận Một cửa",
    ("handler", "commune"): "Công chức Tư pháp - Hộ tịch",
    ("leader", "commune"): "Chủ tịch Ủy ban nhân dân",
    ("receiver", "district"): "Công chức Bộ phận Một cửa",
    ("handler", "district"): "Chuyên viên",
    ("leader", "district"): "Phó Chủ tịch Ủy ban nhân dân",
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


def seed_demo(password: str) -> dict:
    from datetime import date
    created = {"units": 0, "users": 0}
    by_slug = {u.slug: u for u in db.session.execute(select(Unit)).scalars()}
    for slug, code, name, short, level, parent in UNITS:
        if slug not in by_slug:
            unit = Unit(slug=slug, code=code, name=name, short_name=short, level=level,
                        parent=by_slug.get(parent), address=f"{short}, tỉnh Vĩnh Phúc")
            db.session.add(unit)
            by_slug[slug] = unit
            created["units"] += 1
    db.session.flush()
    for email, name, phone, nid, dob, address in CITIZENS:
        _, new = _user(email, password, full_name=name, phone=phone, national_id=nid, kind="citizen",
                       date_of_birth=date.fromisoformat(dob), address=address)
        created["users"] += new
    _, new = _user("admin@demo.vn", password, full_name="Quản trị hệ thống", kind="admin")
    created["users"] += new
    for slug, unit in by_slug.items():
        if unit.level not in ("district", "commune"):
            continue
        for role in ("receiver", "handler", "leader"):
            _, new = _user(f"{role}.{slug}@demo.vn", password, full_name=STAFF_NAMES[role], kind="staff",
                           role=role, unit=unit, title=f"{ROLE_TITLES[(role, unit.level)]}")
            created["users"] += new
    return created
