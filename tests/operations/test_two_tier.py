"""The 2025 structure: the two-level demo province (every shipped service applied for at a commune, liên
thông to a provincial department and to another commune, and back), the switch of a live three-tier
province with open applications (they keep working and finish), and one supplement request per agency."""
import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, Demo, make_application
from tests.operations.helpers import (DISTRICT_SERVICE, LIEN_THONG_SERVICE, Api, fresh, page_fire,
                                      sign_in, staff)

WARD, COMMUNE, DEPARTMENT = "phuong-vinh-phuc", "xa-tam-hong", "so-xay-dung"
TWO_LEVEL_COMMUNES = {"phuong-vinh-phuc", "phuong-vinh-yen", "xa-yen-lac", "xa-tam-hong"}


@pytest.fixture
def two_level(app, db):
    from portal.operations.catalogue import load_catalogue
    from portal.operations.seed import seed_demo
    _published, _unchanged, errors = load_catalogue()
    assert not errors, errors
    created = seed_demo(PASSWORD, two_level=True)
    db.session.commit()
    assert created == {"units": 6, "users": 3 + 5 * 3, "routes": 1}
    return Demo(db)


def _run(api, application, steps):
    """Fires (who, action, expected state, unit slug where it waits afterwards) in order."""
    for who, action, state, at in steps:
        api.ok("citizen@demo.vn" if who == "citizen" else f"{who}@demo.vn", application, action,
               note="Ghi chú." if action in ("forward",) else "")
        now = fresh(api.db, application)
        assert (now.state, now.current_unit.slug) == (state, at), (action, now.state, now.current_unit.slug)


def test_two_level_seed_every_service_is_received_at_the_communes(client, db, two_level):
    from portal.models import Service
    from portal.operations.catalogue import intake_units
    from portal.operations.routing import deciding_unit
    services = db.session.execute(select(Service).where(Service.active.is_(True))).scalars().all()
    assert len(services) == 6
    api = Api(client, db)
    for service in services:
        assert {u.slug for u in intake_units(service.current)} == TWO_LEVEL_COMMUNES, service.slug
        application = make_application(db, two_level.citizen, service.slug, COMMUNE)
        assert application.state == "submitted" and application.code.startswith("000.00.04.H45-")
        # decided by the commune itself (the district procedures too: there is no district)
        assert deciding_unit(application.service_version, application.unit).slug == COMMUNE
        assert application.workflow in ("commune", "district"), (service.slug, application.workflow)
        api.ok(staff("receiver", COMMUNE), application, "accept")
    province = two_level.unit("phu-tho")
    assert {u.slug for u in province.children} == TWO_LEVEL_COMMUNES | {DEPARTMENT}
    assert two_level.staff("leader", DEPARTMENT).title == "Phó Giám đốc Sở"


def test_building_permit_through_the_department_and_back_to_the_ward(client, db, two_level):
    application = make_application(db, two_level.citizen, DISTRICT_SERVICE, WARD)
    assert application.workflow == "commune-to-district"  # the province routed it to the Sở Xây dựng
    _run(Api(client, db), application, [
        (f"receiver.{WARD}", "accept", "awaiting_payment", WARD),
        (f"receiver.{WARD}", "pay", "processing", WARD),
        (f"handler.{WARD}", "forward", "forwarded", DEPARTMENT),
        (f"receiver.{DEPARTMENT}", "accept_transfer", "processing", DEPARTMENT),
        (f"handler.{DEPARTMENT}", "submit_for_approval", "awaiting_approval", DEPARTMENT),
        (f"leader.{DEPARTMENT}", "approve", "result_ready", WARD),
        (f"receiver.{WARD}", "deliver", "completed", WARD),
    ])
    done = fresh(db, application)
    result = next(d for d in done.documents if d.kind == "result")
    assert result.unit.slug == DEPARTMENT and result.title == "Giấy phép xây dựng"


def test_a_route_to_another_commune(client, db, two_level):
    from portal.operations.catalogue import get_service
    from portal.operations.routing import set_route
    set_route(None, get_service(DISTRICT_SERVICE), two_level.unit("xa-yen-lac"), two_level.unit(COMMUNE),
              "Xã Tam Hồng giải quyết thay cho xã Yên Lạc.")
    db.session.commit()
    application = make_application(db, two_level.citizen, DISTRICT_SERVICE, "xa-yen-lac")
    _run(Api(client, db), application, [
        ("receiver.xa-yen-lac", "accept", "awaiting_payment", "xa-yen-lac"),
        ("receiver.xa-yen-lac", "pay", "processing", "xa-yen-lac"),
        ("receiver.xa-yen-lac", "forward", "forwarded", COMMUNE),
        (f"receiver.{COMMUNE}", "accept_transfer", "processing", COMMUNE),
        (f"handler.{COMMUNE}", "submit_for_approval", "awaiting_approval", COMMUNE),
        (f"leader.{COMMUNE}", "approve", "result_ready", "xa-yen-lac"),
        ("receiver.xa-yen-lac", "deliver", "completed", "xa-yen-lac"),
    ])


def test_a_route_needs_a_workflow_that_transfers(db, two_level):
    from portal.operations import Invalid
    from portal.operations.catalogue import get_service
    from portal.operations.routing import set_route
    with pytest.raises(Invalid) as refused:
        set_route(None, get_service("dang-ky-khai-sinh"), two_level.unit(COMMUNE), two_level.unit("xa-yen-lac"))
    assert "transfer_workflow" in refused.value.errors["service"][0]


# -- switching a live three-tier province ------------------------------------------------------------

def _open_applications(client, db, demo):
    """Applications in the states a switch meets, through the API as staff make them."""
    api = Api(client, db)
    at_district = make_application(db, demo.citizen, DISTRICT_SERVICE, "yen-lac")
    _run(api, at_district, [("receiver.yen-lac", "accept", "awaiting_payment", "yen-lac"),
                            ("receiver.yen-lac", "pay", "processing", "yen-lac")])
    forwarded = make_application(db, demo.citizen, LIEN_THONG_SERVICE, "tam-hong")
    _run(api, forwarded, [("receiver.tam-hong", "accept", "awaiting_payment", "tam-hong"),
                          ("receiver.tam-hong", "pay", "processing", "tam-hong"),
                          ("handler.tam-hong", "forward", "forwarded", "yen-lac")])
    transferred = make_application(db, demo.citizen, LIEN_THONG_SERVICE, "dong-van")
    _run(api, transferred, [("receiver.dong-van", "accept", "awaiting_payment", "dong-van"),
                            ("receiver.dong-van", "pay", "processing", "dong-van"),
                            ("handler.dong-van", "forward", "forwarded", "yen-lac"),
                            ("receiver.yen-lac", "accept_transfer", "processing", "yen-lac")])
    at_commune = make_application(db, demo.citizen, LIEN_THONG_SERVICE, "tich-son")
    _run(api, at_commune, [("receiver.tich-son", "accept", "awaiting_payment", "tich-son"),
                           ("receiver.tich-son", "pay", "processing", "tich-son")])
    birth = make_application(db, demo.citizen, "dang-ky-khai-sinh", "dong-da")
    return api, at_district, forwarded, transferred, at_commune, birth


def test_switching_a_live_province_from_the_admin_page(client, db, demo):
    from portal.models import Service, Unit
    from portal.operations.catalogue import intake_units
    from tests.admin.helpers import login_with_totp
    from tests.factories import post_form
    api, at_district, forwarded, transferred, at_commune, birth = _open_applications(client, db, demo)
    versions = {a.id: fresh(db, a).version for a in (at_district, forwarded, transferred)}

    login_with_totp(client, db, "admin@demo.vn")
    plan = client.get("/quan-tri/don-vi/vinh-phuc/hai-cap")
    html = plan.get_data(as_text=True)
    assert plan.status_code == 200
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in html and "Đăng ký thành lập hộ kinh doanh" in html
    assert "Ủy ban nhân dân xã Tam Hồng → Ủy ban nhân dân xã Tam Hồng" in html
    assert "000.21.31.H62" in html and "000.00.01.H62" in html  # the code now and the proposed one
    unconfirmed = post_form(client, "/quan-tri/don-vi/vinh-phuc/hai-cap", {"successor-yen-lac": "dong-van"})
    assert unconfirmed.status_code == 200 and "Vui lòng xác nhận" in unconfirmed.get_data(as_text=True)
    assert demo.unit("yen-lac").active  # nothing changed before the confirmation
    done = post_form(client, "/quan-tri/don-vi/vinh-phuc/hai-cap",
                     {"successor-yen-lac": "dong-van", "successor-vinh-yen": "tich-son", "confirm": "y",
                      "note": "Nghị quyết sắp xếp đơn vị hành chính năm 2025"})
    assert done.status_code == 302, done.get_data(as_text=True)[:1500]

    db.session.expire_all()
    communes = db.session.execute(select(Unit).where(Unit.level == "commune")).scalars().all()
    assert {c.parent.slug for c in communes} == {"vinh-phuc"}
    assert all(c.former_code and c.code != c.former_code for c in communes)
    assert len({c.code for c in communes}) == 4
    for service in db.session.execute(select(Service)).scalars():
        assert intake_units(service.current), service.slug  # no service left without a receiving unit
    assert {u.slug for u in intake_units(db.session.execute(select(Service).where(
        Service.slug == DISTRICT_SERVICE)).scalar_one().current)} == {"tam-hong", "dong-van", "tich-son", "dong-da"}
    moved = {a.id: fresh(db, a) for a in (at_district, forwarded, transferred)}
    assert (moved[at_district.id].unit.slug, moved[at_district.id].current_unit.slug) == ("dong-van", "dong-van")
    assert moved[forwarded.id].current_unit.slug == "tam-hong"
    assert moved[transferred.id].current_unit.slug == "dong-van"
    assert all(moved[i].version == versions[i] for i in versions)
    assert demo.staff("receiver", "yen-lac").unit.slug == "dong-van"

    # every open application goes on and finishes where it is decided now
    _run(api, at_district, [("handler.dong-van", "submit_for_approval", "awaiting_approval", "dong-van"),
                            ("leader.dong-van", "approve", "result_ready", "dong-van"),
                            ("receiver.dong-van", "deliver", "completed", "dong-van")])
    _run(api, forwarded, [("receiver.tam-hong", "accept_transfer", "processing", "tam-hong"),
                          ("handler.tam-hong", "submit_for_approval", "awaiting_approval", "tam-hong"),
                          ("leader.tam-hong", "approve", "result_ready", "tam-hong"),
                          ("receiver.tam-hong", "deliver", "completed", "tam-hong")])
    _run(api, transferred, [("handler.dong-van", "submit_for_approval", "awaiting_approval", "dong-van"),
                            ("leader.dong-van", "approve", "result_ready", "dong-van"),
                            ("receiver.dong-van", "deliver", "completed", "dong-van")])
    _run(api, at_commune, [("handler.tich-son", "forward", "forwarded", "tich-son"),
                           ("receiver.tich-son", "accept_transfer", "processing", "tich-son"),
                           ("handler.tich-son", "submit_for_approval", "awaiting_approval", "tich-son"),
                           ("leader.tich-son", "approve", "result_ready", "tich-son"),
                           ("receiver.tich-son", "deliver", "completed", "tich-son")])
    _run(api, birth, [("receiver.dong-da", "accept", "processing", "dong-da"),
                      ("handler.dong-da", "submit_for_approval", "awaiting_approval", "dong-da"),
                      ("leader.dong-da", "approve", "result_ready", "dong-da"),
                      ("receiver.dong-da", "deliver", "completed", "dong-da")])
    # new applications for the former district procedures are received and decided at the commune
    permit = make_application(db, demo.citizen, DISTRICT_SERVICE, "tam-hong")
    assert permit.workflow == "district" and permit.code.startswith(demo.unit("tam-hong").code + "-")
    business = make_application(db, demo.citizen, LIEN_THONG_SERVICE, "dong-da")
    assert business.workflow == "commune"


def test_switch_from_the_command_line_prints_the_plan_and_needs_yes(app, client, db, demo):
    _api, at_district, *_ = _open_applications(client, db, demo)
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["units", "two-levels", "vinh-phuc", "--successor", "yen-lac=dong-van"])
    assert shown.exit_code == 0, shown.output
    assert "yen-lac -> dong-van" in shown.output and "tam-hong: 000.21.31.H62 -> 000.00.01.H62" in shown.output
    assert f"#{at_district.id}: tiếp nhận dong-van, đang ở dong-van" in shown.output
    assert "--yes" in shown.output
    db.session.expire_all()
    assert demo.unit("yen-lac").active and fresh(db, at_district).current_unit.slug == "yen-lac"
    wrong = runner.invoke(args=["units", "two-levels", "vinh-phuc", "--successor", "yen-lac=tich-son", "--yes"])
    assert wrong.exit_code != 0 and "Yên Lạc" in wrong.output
    applied = runner.invoke(args=["units", "two-levels", "vinh-phuc", "--successor", "yen-lac=dong-van", "--yes"])
    assert applied.exit_code == 0, applied.output
    assert "Đã chuyển: 2 huyện, 4 xã, 3 hồ sơ" in applied.output
    db.session.expire_all()
    assert not demo.unit("yen-lac").active and fresh(db, at_district).current_unit.slug == "dong-van"
    again = runner.invoke(args=["units", "two-levels", "vinh-phuc"])
    assert again.exit_code != 0 and "không còn đơn vị cấp huyện" in again.output


# -- one supplement request per agency ------------------------------------------------------------

RULE = "Mỗi cơ quan chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ một lần"


def test_the_commune_and_the_district_may_each_ask_once(client, db, demo):
    api = Api(client, db)
    application = make_application(db, demo.citizen, LIEN_THONG_SERVICE, "tam-hong")
    api.ok(staff("receiver", "tam-hong"), application, "request_supplement", "Thiếu ảnh chân dung.")
    api.ok("citizen@demo.vn", application, "resubmit")
    api.ok(staff("receiver", "tam-hong"), application, "accept")
    api.ok(staff("receiver", "tam-hong"), application, "pay")
    second = api.fire(staff("handler", "tam-hong"), application, "request_supplement", "Thiếu nữa.")
    assert second.status_code == 422 and RULE in second.get_json()["detail"]
    assert "request_supplement" not in api.actions(staff("handler", "tam-hong"), application)
    api.ok(staff("handler", "tam-hong"), application, "forward")
    api.ok(staff("receiver", "yen-lac"), application, "accept_transfer")
    assert "request_supplement" in api.actions(staff("handler", "yen-lac"), application)
    api.ok(staff("handler", "yen-lac"), application, "request_supplement", "Thiếu hợp đồng thuê địa điểm.")
    api.ok("citizen@demo.vn", application, "resubmit")
    assert fresh(db, application).state == "processing"
    again = api.fire(staff("receiver", "yen-lac"), application, "request_supplement", "Thiếu bản vẽ.")
    assert again.status_code == 422 and RULE in again.get_json()["detail"]
    # the desk page says the same, beside nothing half-done
    sign_in(client, staff("handler", "yen-lac"))
    page = page_fire(client, application, "request_supplement", "Thiếu bản vẽ.",
                     version=fresh(db, application).version)
    assert page.status_code == 422 and RULE in page.get_data(as_text=True)
    assert fresh(db, application).state == "processing"


def test_switch_through_the_admin_api(client, db, demo):
    from tests.factories import api_token
    _api, at_district, forwarded, *_ = _open_applications(client, db, demo)
    headers = api_token(client, "admin@demo.vn")
    plan = client.get("/api/v1/admin/units/vinh-phuc/two-levels?successor-yen-lac=dong-van", headers=headers)
    assert plan.status_code == 200, plan.get_json()
    body = plan.get_json()
    assert body["successors"] == {"yen-lac": "dong-van", "vinh-yen": "dong-da"}  # first by name
    assert {"id": forwarded.id, "unit": "tam-hong", "current_unit": "tam-hong"} in body["applications"]
    assert {"service": DISTRICT_SERVICE, "district": "yen-lac",
            "deciders": {"tam-hong": "tam-hong", "dong-van": "dong-van"}} in body["services"]
    assert demo.unit("yen-lac").active
    bad = client.post("/api/v1/admin/units/vinh-phuc/two-levels", headers=headers,
                      json={"successors": {"yen-lac": "dong-da"}})
    assert bad.status_code == 422 and "successor-yen-lac" in bad.get_json()["errors"]
    done = client.post("/api/v1/admin/units/vinh-phuc/two-levels", headers=headers,
                       json={"successors": {"yen-lac": "dong-van"}})
    assert done.status_code == 200 and done.get_json()["totals"]["applications"] == 3
    db.session.expire_all()
    assert fresh(db, at_district).current_unit.slug == "dong-van" and not demo.unit("vinh-yen").active


def test_seed_demo_two_level_command_twice_changes_nothing(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--two-level"])
    assert first.exit_code == 0 and "6 units and 18 accounts created, 1 routes" in first.output, first.output
    second = runner.invoke(args=["seed-demo", "--two-level"])
    assert second.exit_code == 0 and "0 units and 0 accounts created, 0 routes" in second.output
    leader = Demo(db).staff("leader", DEPARTMENT)
    assert leader.unit.level == "department" and leader.unit.parent.slug == "phu-tho"
