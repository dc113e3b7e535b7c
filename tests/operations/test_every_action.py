"""Every action of the three shipped workflows, fired through the API and through the staff desk pages
(citizen steps always go through the API: the staff pages are for staff). Each step checks the new state,
where the application now waits, and the event it appended (actor, role, unit, from and to state, note)."""
from dataclasses import dataclass, field

import pytest

from tests.factories import make_application
from tests.operations.helpers import (COMMUNE_SERVICE, DISTRICT_SERVICE, FEE_COMMUNE_SERVICE,
                                      LIEN_THONG_SERVICE, Api, events_of, fresh, page_fire, sign_in)


@dataclass(frozen=True)
class Step:
    who: str  # "citizen" or "<role>.<unit slug>"
    action: str
    to: str
    at: str  # the unit slug where the application waits afterwards
    note: str = ""
    new_date: bool = False  # reschedule: two working days after the current due date


def s(who, action, to, at, note="", new_date=False):
    return Step(who, action, to, at, note, new_date)


@dataclass(frozen=True)
class Scenario:
    name: str
    service: str
    unit: str
    steps: tuple = field(default_factory=tuple)


TH, YL = "tam-hong", "yen-lac"
SCENARIOS = [
    Scenario("commune: approve, returned once, rescheduled, delivered at the desk", COMMUNE_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "processing", TH),
        s(f"handler.{TH}", "submit_for_approval", "awaiting_approval", TH),
        s(f"leader.{TH}", "return_to_handler", "processing", TH, "Bổ sung ý kiến thẩm định."),
        s(f"handler.{TH}", "submit_for_approval", "awaiting_approval", TH),
        s(f"leader.{TH}", "reschedule", "awaiting_approval", TH, "Cần xác minh thêm.", new_date=True),
        s(f"leader.{TH}", "approve_reschedule", "awaiting_approval", TH),
        s(f"leader.{TH}", "approve", "result_ready", TH),
        s(f"receiver.{TH}", "deliver", "completed", TH),
    )),
    Scenario("commune: supplement before acceptance, then refused", COMMUNE_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "request_supplement", "supplement_requested", TH, "Thiếu bản sao CCCD rõ nét."),
        s("citizen", "resubmit", "submitted", TH),
        s(f"receiver.{TH}", "refuse", "refused", TH, "Không thuộc thẩm quyền giải quyết."),
    )),
    Scenario("commune: supplement while processing, rescheduled, denied", COMMUNE_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "processing", TH),
        s(f"handler.{TH}", "request_supplement", "supplement_requested", TH, "Thiếu giấy tờ chứng minh."),
        s("citizen", "resubmit", "processing", TH),
        s(f"receiver.{TH}", "reschedule", "processing", TH, "Chờ xác minh.", new_date=True),
        s(f"leader.{TH}", "approve_reschedule", "processing", TH),
        s(f"handler.{TH}", "submit_for_approval", "awaiting_approval", TH),
        s(f"leader.{TH}", "deny", "denied", TH, "Không đủ điều kiện xác nhận."),
    )),
    Scenario("commune: result received online", COMMUNE_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "processing", TH),
        s(f"handler.{TH}", "submit_for_approval", "awaiting_approval", TH),
        s(f"leader.{TH}", "approve", "result_ready", TH),
        s("citizen", "deliver", "completed", TH),
    )),
    Scenario("commune: withdrawn while processing", COMMUNE_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "processing", TH),
        s("citizen", "withdraw", "withdrawn", TH, "Không còn nhu cầu."),
    )),
    Scenario("commune, level 3 with a fee: paid and delivered at the desk", FEE_COMMUNE_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "awaiting_payment", TH),
        s(f"receiver.{TH}", "pay", "processing", TH),
        s(f"handler.{TH}", "submit_for_approval", "awaiting_approval", TH),
        s(f"leader.{TH}", "approve", "result_ready", TH),
        s(f"receiver.{TH}", "deliver", "completed", TH),
    )),
    Scenario("district: fee paid at the desk, approved, delivered", DISTRICT_SERVICE, YL, (
        s("citizen", "submit", "submitted", YL),
        s(f"receiver.{YL}", "accept", "awaiting_payment", YL),
        s(f"receiver.{YL}", "pay", "processing", YL),
        s(f"handler.{YL}", "submit_for_approval", "awaiting_approval", YL),
        s(f"leader.{YL}", "approve", "result_ready", YL),
        s(f"receiver.{YL}", "deliver", "completed", YL),
    )),
    Scenario("district: supplements, reschedule, returned, denied", DISTRICT_SERVICE, YL, (
        s("citizen", "submit", "submitted", YL),
        s(f"receiver.{YL}", "request_supplement", "supplement_requested", YL, "Thiếu bản vẽ thiết kế."),
        s("citizen", "resubmit", "submitted", YL),
        s(f"receiver.{YL}", "accept", "awaiting_payment", YL),
        s(f"receiver.{YL}", "pay", "processing", YL),
        s(f"handler.{YL}", "reschedule", "processing", YL, "Chờ ý kiến phòng Quản lý đô thị.", new_date=True),
        s(f"leader.{YL}", "approve_reschedule", "processing", YL),
        s(f"handler.{YL}", "submit_for_approval", "awaiting_approval", YL),
        s(f"leader.{YL}", "return_to_handler", "processing", YL, "Kiểm tra lại chỉ giới xây dựng."),
        s(f"handler.{YL}", "submit_for_approval", "awaiting_approval", YL),
        s(f"leader.{YL}", "deny", "denied", YL, "Vi phạm chỉ giới xây dựng."),
    )),
    Scenario("district: withdrawn while waiting for payment", DISTRICT_SERVICE, YL, (
        s("citizen", "submit", "submitted", YL),
        s(f"receiver.{YL}", "accept", "awaiting_payment", YL),
        s("citizen", "withdraw", "withdrawn", YL),
    )),
    Scenario("district: refused at the desk", DISTRICT_SERVICE, YL, (
        s("citizen", "submit", "submitted", YL),
        s(f"receiver.{YL}", "refuse", "refused", YL, "Hồ sơ không hợp lệ."),
    )),
    Scenario("liên thông: commune desk -> district -> back to the commune desk", LIEN_THONG_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "awaiting_payment", TH),
        s(f"receiver.{TH}", "pay", "processing", TH),
        s(f"handler.{TH}", "forward", "forwarded", YL),
        s(f"leader.{YL}", "reschedule", "forwarded", YL, "Tồn đọng hồ sơ liên thông.", new_date=True),
        s(f"leader.{YL}", "approve_reschedule", "forwarded", YL),
        s(f"receiver.{YL}", "accept_transfer", "processing", YL),
        s(f"handler.{YL}", "request_supplement", "supplement_requested", YL, "Thiếu hợp đồng thuê nhà."),
        s("citizen", "resubmit", "processing", YL),
        s(f"handler.{YL}", "submit_for_approval", "awaiting_approval", YL),
        s(f"leader.{YL}", "return_to_handler", "processing", YL, "Ghi rõ ngành nghề."),
        s(f"handler.{YL}", "submit_for_approval", "awaiting_approval", YL),
        s(f"leader.{YL}", "approve", "result_ready", TH),
        s(f"receiver.{TH}", "deliver", "completed", TH),
    )),
    Scenario("liên thông: supplement at the commune, refused by the district", LIEN_THONG_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "request_supplement", "supplement_requested", TH, "Thiếu ảnh chân dung."),
        s("citizen", "resubmit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "awaiting_payment", TH),
        s(f"receiver.{TH}", "pay", "processing", TH),
        s(f"receiver.{TH}", "forward", "forwarded", YL),
        s(f"receiver.{YL}", "refuse", "refused", YL, "Ngành nghề kinh doanh có điều kiện, không tiếp nhận."),
    )),
    Scenario("liên thông: denied at the district, and received online", LIEN_THONG_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "awaiting_payment", TH),
        s(f"receiver.{TH}", "pay", "processing", TH),
        s(f"handler.{TH}", "forward", "forwarded", YL),
        s(f"receiver.{YL}", "accept_transfer", "processing", YL),
        s(f"handler.{YL}", "submit_for_approval", "awaiting_approval", YL),
        s(f"leader.{YL}", "deny", "denied", YL, "Trùng tên hộ kinh doanh."),
    )),
    Scenario("liên thông: result received online", LIEN_THONG_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "awaiting_payment", TH),
        s(f"receiver.{TH}", "pay", "processing", TH),
        s(f"handler.{TH}", "forward", "forwarded", YL),
        s(f"receiver.{YL}", "accept_transfer", "processing", YL),
        s(f"handler.{YL}", "submit_for_approval", "awaiting_approval", YL),
        s(f"leader.{YL}", "approve", "result_ready", TH),
        s("citizen", "deliver", "completed", TH),
    )),
    Scenario("liên thông: withdrawn while forwarded", LIEN_THONG_SERVICE, TH, (
        s("citizen", "submit", "submitted", TH),
        s(f"receiver.{TH}", "accept", "awaiting_payment", TH),
        s(f"receiver.{TH}", "pay", "processing", TH),
        s(f"receiver.{TH}", "forward", "forwarded", YL),
        s("citizen", "withdraw", "withdrawn", YL),
    )),
]


def test_the_scenarios_cover_every_action_of_every_workflow(app):
    from portal.workflows_registry import all_workflows
    covered = {}
    workflow_of = {COMMUNE_SERVICE: "commune", FEE_COMMUNE_SERVICE: "commune", DISTRICT_SERVICE: "district",
                   LIEN_THONG_SERVICE: "commune-to-district"}
    for scenario in SCENARIOS:
        actions = {step.action for step in scenario.steps}
        covered.setdefault(workflow_of[scenario.service], set()).update(actions)
    for name, workflow in all_workflows().items():
        missing = set(workflow.action_names) - covered.get(name, set())
        assert not missing, (name, missing)


class PageDriver:
    """Staff steps through the desk pages (signing in as each person in turn); citizen steps through the
    API."""

    def __init__(self, client, api):
        self.client, self.api, self.who = client, api, None

    def fire(self, who, application, action, note, extra):
        if who == "citizen":
            return self.api.fire("citizen@demo.vn", application, action, note, **extra)
        if self.who != who:
            sign_in(self.client, f"{who}@demo.vn")
            self.who = who
        return page_fire(self.client, application, action, note, **extra)


def _new_due_date(db, application):
    from portal.operations.calendar import current_calendar
    return current_calendar().add_working_days(fresh(db, application).due_date, 2).isoformat()


@pytest.mark.parametrize("channel", ["api", "pages"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_scenario(client, db, demo, scenario, channel):
    application = make_application(db, demo.citizen, scenario.service, scenario.unit, submit=False)
    api = Api(client, db)
    pages = PageDriver(client, api)
    for step in scenario.steps:
        before = fresh(db, application)
        from_state, version, count = before.state, before.version, len(events_of(db, application))
        extra = {"new_due_date": _new_due_date(db, application)} if step.new_date else {}
        if step.action == "refuse":  # a refusal cites its legal provision (Circular 03/2025/TT-VPCP form 03)
            extra["legal_basis"] = "Điều 9 Nghị định số 118/2025/NĐ-CP"
        if channel == "api" or step.who == "citizen":
            response = api.fire("citizen@demo.vn" if step.who == "citizen" else f"{step.who}@demo.vn",
                                application, step.action, step.note, **extra)
            assert response.status_code == 200, (step, response.get_json())
            assert response.get_json()["state"] == step.to
        else:
            response = pages.fire(step.who, application, step.action, step.note, extra)
            assert response.status_code == 303, (step, response.status_code,
                                                 response.get_data(as_text=True)[:2000])
            assert response.headers["Location"].endswith(f"/can-bo/ho-so/{application.id}")
        after = fresh(db, application)
        assert after.state == step.to, step
        assert after.current_unit == demo.unit(step.at), step
        assert after.version == version + 1, step  # one version step per action, whatever its effects
        events = events_of(db, application)
        assert len(events) == count + 1, step
        event = events[-1]
        actor = demo.citizen if step.who == "citizen" else demo.user(f"{step.who}@demo.vn")
        assert (event.action, event.from_state, event.to_state) == (step.action, from_state, step.to)
        assert event.actor_id == actor.id
        assert event.role == ("citizen" if step.who == "citizen" else step.who.split(".")[0])
        if step.who != "citizen":
            assert event.unit_id == actor.unit_id
        assert event.note == (step.note or event.note)
        if step.new_date:
            # A request: the head of the agency approves the new date (approve_reschedule) before it counts.
            assert after.due_date == before.due_date
            requested = extra["new_due_date"]
        if step.action == "approve_reschedule":
            assert after.due_date.isoformat() == requested
