from sqlalchemy import select

from portal.admin import units
from portal.models import Application, AuditLog, Event, Unit, User
from portal.operations.inbox import applications_for
from portal.operations.transitions import fire
from tests.admin.helpers import login_with_totp
from tests.factories import make_application, post_form


def test_merge_moves_open_applications_with_an_event_and_the_staff(client, db, demo):
    citizen = demo.citizen
    waiting = make_application(db, citizen, unit_slug="dong-van")
    processing = make_application(db, citizen, unit_slug="dong-van")
    fire(processing, "accept", demo.staff("receiver", "dong-van"))
    finished = make_application(db, citizen, unit_slug="dong-van")
    fire(finished, "refuse", demo.staff("receiver", "dong-van"), note="Không thuộc thẩm quyền",
         inputs={"legal_basis": "Điều 9 Nghị định số 118/2025/NĐ-CP"})
    db.session.commit()
    versions = {a.id: a.version for a in (waiting, processing, finished)}
    due_date = processing.due_date

    login_with_totp(client, db, "admin@demo.vn")
    response = post_form(client, "/quan-tri/don-vi/dong-van", {
        "survivor": "tam-hong", "note": "Nghị quyết sắp xếp đơn vị hành chính cấp xã", "confirm": "y"},
        post_url="/quan-tri/don-vi/dong-van/sap-nhap")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    db.session.expire_all()
    tam_hong, dong_van = demo.unit("tam-hong"), demo.unit("dong-van")
    for application in (waiting, processing):
        db.session.refresh(application)
        assert (application.unit_id, application.current_unit_id) == (tam_hong.id, tam_hong.id)
        assert application.version == versions[application.id]  # nothing else changed
        event = application.events[-1]
        assert (event.action, event.role, event.from_state, event.to_state) == (
            "reorganize", "admin", application.state, application.state)
        assert event.note == "Nghị quyết sắp xếp đơn vị hành chính cấp xã"
        assert event.actor_id == demo.user("admin@demo.vn").id
        assert event.details == {"from_unit_id": dong_van.id, "to_unit_id": tam_hong.id}
    assert processing.due_date == due_date
    db.session.refresh(finished)
    assert finished.unit_id == dong_van.id and finished.events[-1].action == "refuse"
    assert not dong_van.active and dong_van.merged_into_id == tam_hong.id
    moved_staff = db.session.execute(
        select(User).where(User.email.like("%.dong-van@demo.vn"))).scalars().all()
    assert {u.unit_id for u in moved_staff} == {tam_hong.id}
    # the survivor's desk now has them in its inbox
    inbox = db.session.execute(applications_for(demo.staff("receiver", "tam-hong"))).scalars().all()
    assert waiting in inbox
    assert db.session.execute(select(AuditLog).where(AuditLog.action == "unit.merge")).scalar_one().details[
        "applications"] == 2


def test_merge_refuses_units_of_different_levels(db, demo):
    import pytest
    from portal.operations import Invalid
    with pytest.raises(Invalid) as refused:
        units.merge_units(demo.user("admin@demo.vn"), demo.unit("dong-van"), demo.unit("yen-lac"))
    assert "survivor" in refused.value.errors
    db.session.rollback()
    assert demo.unit("dong-van").active


def test_switch_to_two_levels(db, demo):
    forwarded = make_application(db, demo.citizen, service_slug="dang-ky-thanh-lap-ho-kinh-doanh",
                                 unit_slug="tam-hong")
    forwarded.current_unit_id = demo.unit("yen-lac").id  # as after `forward`
    forwarded.state = "forwarded"
    db.session.commit()
    totals = units.switch_to_two_levels(demo.user("admin@demo.vn"), demo.unit("vinh-phuc"))
    db.session.commit()
    province = demo.unit("vinh-phuc")
    assert totals["districts"] == 2 and totals["communes"] == 4 and totals["applications"] == 1
    assert {u.parent_id for u in db.session.execute(select(Unit).where(Unit.level == "commune")).scalars()} \
        == {province.id}
    assert not demo.unit("yen-lac").active and demo.unit("yen-lac").merged_into_id == province.id
    db.session.refresh(forwarded)
    # the district's procedure is decided by the commune now: the forwarded file goes back to it
    assert forwarded.current_unit_id == demo.unit("tam-hong").id and forwarded.unit_id == demo.unit("tam-hong").id
    assert forwarded.events[-1].action == "reorganize"
    assert demo.staff("leader", "yen-lac").unit_id == demo.unit("tam-hong").id  # the district's successor
    assert demo.unit("tam-hong").former_code == "000.21.31.H62" and demo.unit("tam-hong").code != "000.21.31.H62"


def test_unit_create_and_edit_pages(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    assert "Tam Hồng" in client.get("/quan-tri/don-vi").get_data(as_text=True)
    bad = post_form(client, "/quan-tri/don-vi/moi", {
        "slug": "Tam Hong", "code": "000.21.31.H62", "name": "X", "short_name": "X", "level": "commune",
        "parent": "yen-lac"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Chỉ gồm chữ thường" in html and "đã được dùng" in html
    made = post_form(client, "/quan-tri/don-vi/moi", {
        "slug": "trung-kien", "code": "000.23.31.H62", "name": "Ủy ban nhân dân xã Trung Kiên",
        "short_name": "Trung Kiên", "level": "commune", "parent": "yen-lac"})
    assert made.status_code == 302
    unit = demo.unit("trung-kien")
    assert unit.parent.slug == "yen-lac"
    cycle = post_form(client, "/quan-tri/don-vi/yen-lac", {
        "slug": "yen-lac", "code": "000.00.31.H62", "name": "Ủy ban nhân dân huyện Yên Lạc",
        "short_name": "Yên Lạc",
        "level": "district", "parent": "trung-kien", "active": "y"})
    assert "cấp dưới của chính nó" in cycle.get_data(as_text=True)


def test_moved_application_is_visible_in_events_count(db, demo):
    application = make_application(db, demo.citizen, unit_slug="dong-van")
    units.merge_units(None, demo.unit("dong-van"), demo.unit("tam-hong"))
    db.session.commit()
    assert db.session.execute(select(Event).where(Event.application_id == application.id,
                                                  Event.action == "reorganize")).scalar_one().actor_id is None
    assert db.session.get(Application, application.id).unit_id == demo.unit("tam-hong").id
