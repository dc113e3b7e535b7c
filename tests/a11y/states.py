"""The demo data behind the audited page states: one application of the demo citizen in each main state of
the commune workflow, made through the operations as the pages make them."""
from dataclasses import dataclass, field

from tests.factories import make_application

UNIT = "tam-hong"
BIRTH = "dang-ky-khai-sinh"  # commune workflow, no fee
ONLINE_FEE = "dang-ky-thanh-lap-ho-kinh-doanh"  # a fee paid online: accepted into awaiting_payment
DESK_FEE = "chung-thuc-ban-sao-tu-ban-chinh"  # a fee taken at the desk
ROLES = {"accept": "receiver", "request_supplement": "receiver", "refuse": "receiver", "deliver": "receiver",
         "submit_for_approval": "handler", "approve": "leader"}


@dataclass
class States:
    """Application ids by state, the code and phone digits a lookup needs, a verifiable document code."""
    applications: dict = field(default_factory=dict)
    lookup_code: str = ""
    lookup_digits: str = ""
    document_code: str = ""
    document_id: int = 0


def build_states(app, db, demo) -> States:
    from portal.models import Application
    from portal.operations.processing import perform
    states = States()

    def advance(application, *actions, note="", legal_basis=None):
        for action in actions:
            with app.test_request_context():  # the e-mail templates read the request, as from a page
                perform(application, action, demo.staff(ROLES[action], UNIT), version=None, note=note,
                        legal_basis=legal_basis)
                db.session.commit()
        return application

    citizen = demo.citizen
    states.applications["draft"] = make_application(db, citizen, BIRTH, UNIT, submit=False).id
    submitted = make_application(db, citizen, BIRTH, UNIT)
    states.applications["submitted"] = submitted.id
    states.lookup_code, states.lookup_digits = submitted.code, citizen.phone[-4:]
    states.applications["supplement_requested"] = advance(
        make_application(db, citizen, BIRTH, UNIT), "request_supplement",
        note="Bản chụp giấy chứng sinh bị mờ, đề nghị chụp lại.").id
    states.applications["refused"] = advance(
        make_application(db, citizen, BIRTH, UNIT), "refuse", note="Không thuộc thẩm quyền của xã.",
        legal_basis="Điều 19 Nghị định 61/2018/NĐ-CP").id
    states.applications["processing"] = advance(make_application(db, citizen, BIRTH, UNIT), "accept").id
    states.applications["awaiting_approval"] = advance(
        make_application(db, citizen, BIRTH, UNIT), "accept", "submit_for_approval").id
    states.applications["awaiting_payment"] = advance(make_application(db, citizen, ONLINE_FEE, UNIT), "accept").id
    states.applications["awaiting_desk_payment"] = advance(
        make_application(db, citizen, DESK_FEE, UNIT), "accept").id
    ready = advance(make_application(db, citizen, BIRTH, UNIT), "accept", "submit_for_approval", "approve")
    states.applications["result_ready"] = ready.id
    result = next(d for d in ready.documents if d.kind == "result")
    states.document_code, states.document_id = result.code, result.id
    states.applications["completed"] = advance(
        make_application(db, citizen, BIRTH, UNIT), "accept", "submit_for_approval", "approve", "deliver").id
    for name, application_id in states.applications.items():  # each page audited is the state it is named for
        expected = "awaiting_payment" if name == "awaiting_desk_payment" else name
        assert db.session.get(Application, application_id).state == expected, name
    return states
