import io
import re
from datetime import date

from sqlalchemy import select

from portal.models import AuditLog, CalendarOverride, ServiceVersion
from portal.operations.catalogue import get_service
from tests.admin.helpers import login_with_totp
from tests.factories import csrf_token_from, login, make_application, post_form


def _text(response):
    import html
    return html.unescape(response.get_data(as_text=True))


def _audit(db, action):
    return db.session.execute(select(AuditLog).where(AuditLog.action == action)).scalars().all()


def test_staff_lifecycle_is_logged(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    created = post_form(client, "/quan-tri/can-bo/moi", {
        "email": "Lan.Nguyen@Vinhphuc.gov.vn", "full_name": "Nguyễn Thị Lan", "role": "receiver",
        "unit": "tam-hong",
        "title": "Công chức Bộ phận Một cửa"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="temporary-password">([^<]+)<', html).group(1)
    person = demo.user("lan.nguyen@vinhphuc.gov.vn")
    assert person.kind == "staff" and person.unit.slug == "tam-hong"
    assert password not in str([a.details for a in _audit(db, "staff.create")])

    moved = post_form(client, f"/quan-tri/can-bo/{person.id}", {"role": "handler", "unit": "dong-van",
                                                                "title": ""})
    assert moved.status_code == 302
    db.session.refresh(person)
    assert (person.role, person.unit.slug) == ("handler", "dong-van")
    assert _audit(db, "staff.assign")[0].details["changes"]["unit"] == ["tam-hong", "dong-van"]

    page = client.get(f"/quan-tri/can-bo/{person.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    assert client.post(f"/quan-tri/can-bo/{person.id}/khoa", data={"csrf_token": token}).status_code == 302
    db.session.refresh(person)
    assert not person.active and _audit(db, "staff.deactivate")
    reset = client.post(f"/quan-tri/can-bo/{person.id}/dat-lai-mat-khau", data={"csrf_token": token})
    new_password = re.search(r'id="temporary-password">([^<]+)<', reset.get_data(as_text=True)).group(1)
    client.post(f"/quan-tri/can-bo/{person.id}/mo-khoa", data={"csrf_token": token})
    assert _audit(db, "staff.reset_password") and _audit(db, "staff.activate")
    # Every row points at the account by id, not by its e-mail, and the account's page lists them all.
    rows = db.session.execute(select(AuditLog).where(AuditLog.action.like("staff.%"))).scalars().all()
    assert {(a.target_user_id, a.target) for a in rows} == {(person.id, f"user:{person.id}")}
    page = client.get(f"/quan-tri/can-bo/{person.id}").get_data(as_text=True)
    assert all(f"<code>{a.action}</code>" in page for a in rows)
    other = client.application.test_client()
    login(other, "lan.nguyen@vinhphuc.gov.vn", new_password)


def test_staff_form_errors_leave_nothing(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    response = post_form(client, "/quan-tri/can-bo/moi", {"email": "citizen@demo.vn", "full_name": "A",
                                                          "role": "receiver", "unit": "tam-hong"})
    assert "Email này đã được dùng" in response.get_data(as_text=True)
    assert not _audit(db, "staff.create")


TOML_CHANGE = ('processing_days = 0', 'processing_days = 2')  # birth registration is a same-day service


def test_service_edit_preview_and_publish_keeps_open_applications_on_their_version(client, db, demo):
    open_application = make_application(db, demo.citizen)
    old_version = open_application.service_version_id
    login_with_totp(client, db, "admin@demo.vn")
    page = client.get("/quan-tri/thu-tuc/dang-ky-khai-sinh")
    html = page.get_data(as_text=True)
    text = re.search(r'<textarea[^>]*>(.*?)</textarea>', html, re.S).group(1)
    import html as htmllib
    text = htmllib.unescape(text).lstrip("\n")
    assert TOML_CHANGE[0] in text
    broken = post_form(client, "/quan-tri/thu-tuc/dang-ky-khai-sinh",
                       {"toml": text.replace('workflow = "commune"', 'workflow = "nowhere"'), "preview": "1"})
    assert "không có quy trình 'nowhere'" in _text(broken)
    preview = post_form(client, "/quan-tri/thu-tuc/dang-ky-khai-sinh",
                        {"toml": text.replace(*TOML_CHANGE), "preview": "1"})
    assert "Xem trước biểu mẫu" in _text(preview) and "Họ, chữ đệm và tên của trẻ" in _text(preview)
    published = post_form(client, "/quan-tri/thu-tuc/dang-ky-khai-sinh",
                          {"toml": text.replace(*TOML_CHANGE), "publish": "1"})
    assert published.status_code == 302
    db.session.expire_all()
    service = get_service("dang-ky-khai-sinh")
    assert service.current.version == 2 and service.current.processing_days == 2
    db.session.refresh(open_application)
    assert open_application.service_version_id == old_version
    assert _audit(db, "service.publish")[0].details["version"] == 2


def test_service_export_and_import(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    exported = client.get("/quan-tri/thu-tuc/xac-nhan-tinh-trang-hon-nhan.toml")
    assert exported.status_code == 200 and exported.mimetype == "application/toml"
    text = exported.get_data(as_text=True)
    new = text.replace('slug = "xac-nhan-tinh-trang-hon-nhan"', 'slug = "xac-nhan-hon-nhan-thu"') \
        .replace('code = "1.004873"', 'code = "1.999999"')
    page = client.get("/quan-tri/thu-tuc")
    response = client.post("/quan-tri/thu-tuc/nhap", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "file": (io.BytesIO(new.encode()), "moi.toml")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert get_service("xac-nhan-hon-nhan-thu").current.code == "1.999999"
    bad = client.post("/quan-tri/thu-tuc/nhap", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "file": (io.BytesIO(b"slug = 'x"), "bad.toml")}, content_type="multipart/form-data")
    assert bad.status_code == 200 and "lỗi cú pháp TOML" in _text(bad)
    assert db.session.execute(select(ServiceVersion).where(ServiceVersion.code == "1.999999")).scalar_one()


def test_calendar_overrides(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    added = post_form(client, "/quan-tri/lich", {"day": "2026-09-04", "kind": "off", "note": "Nghỉ thêm"})
    assert added.status_code == 302
    saturday = post_form(client, "/quan-tri/lich", {"day": "2026-09-12", "kind": "work", "note": "Làm bù"})
    assert saturday.status_code == 302
    again = post_form(client, "/quan-tri/lich", {"day": "2026-09-04", "kind": "off"})
    assert "đã có điều chỉnh" in again.get_data(as_text=True)
    weekend_off = post_form(client, "/quan-tri/lich", {"day": "2026-09-13", "kind": "off"})
    assert "vốn đã là ngày nghỉ" in weekend_off.get_data(as_text=True)
    from portal.operations.calendar import current_calendar, forget_calendar
    forget_calendar()
    calendar = current_calendar()
    assert not calendar.is_working_day(date(2026, 9, 4)) and calendar.is_working_day(date(2026, 9, 12))
    row_id = db.session.execute(
        select(CalendarOverride.id).where(CalendarOverride.day == date(2026, 9, 4))).scalar_one()
    page = client.get("/quan-tri/lich")
    removed = client.post(f"/quan-tri/lich/{row_id}/xoa",
                          data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert removed.status_code == 302
    assert db.session.execute(
        select(CalendarOverride.id).where(CalendarOverride.id == row_id)).first() is None
    assert [a.action for a in db.session.execute(select(AuditLog).order_by(AuditLog.id)).scalars()] == [
        "calendar.add", "calendar.add", "calendar.remove"]


def test_workflow_diagrams(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    page = client.get("/quan-tri/quy-trinh").get_data(as_text=True)
    assert page.count("<svg") >= 3 and "Liên thông từ cấp xã lên cấp huyện" in page
    svg = client.get("/quan-tri/quy-trinh/commune-to-district.svg")
    assert svg.mimetype == "image/svg+xml"
    from xml.etree import ElementTree
    root = ElementTree.fromstring(svg.get_data())
    ns = "{http://www.w3.org/2000/svg}"
    states = {g.get("data-state") for g in root.iter(f"{ns}g")}
    assert {"draft", "forwarded", "completed", "withdrawn"} <= states
    labels = {t.text for t in root.iter(f"{ns}text")}
    assert "Chuyển hồ sơ lên cấp huyện" in labels and "Đã chuyển cấp trên" in labels
    assert client.get("/quan-tri/quy-trinh/nowhere.svg").status_code == 404
