"""Đính chính: the leader of the issuing unit corrects what was recorded wrong, and a new signed result
supersedes the old one; the change and its reason are in the history."""
import email
from email import policy
from pathlib import Path

from tests.documents.conftest import login_leader, pdf_text
from tests.factories import api_token, csrf_token_from, login

TH = "tam-hong"


def _approved(flow, demo):
    flow.submitted(service_slug="dang-ky-khai-sinh", unit_slug=TH)
    flow.fire("accept", demo.staff("receiver", TH))
    flow.fire("submit_for_approval", demo.staff("handler", TH))
    flow.fire("approve", demo.staff("leader", TH), note="Đủ điều kiện.")
    [result] = flow.documents("result")
    return result


def _name_field(flow):
    from portal.operations.catalogue import definition_of
    definition = definition_of(flow.application.service_version)
    return next(f.name for f in definition.fields if f.type == "text" and f.required)


def test_the_leader_corrects_a_result_on_the_desk(app, db, client, flow, demo):
    old = _approved(flow, demo)
    field = _name_field(flow)
    login_leader(client, db, f"leader.{TH}@demo.vn")
    desk = client.get(f"/can-bo/ho-so/{flow.application.id}").get_data(as_text=True)
    assert f"/van-ban/{old.id}/dinh-chinh" in desk
    page = client.get(f"/van-ban/{old.id}/dinh-chinh")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    form = {}
    from portal.operations.catalogue import definition_of
    from tests.factories import sample_value
    for spec in definition_of(flow.application.service_version).fields:
        value = flow.application.data.get(spec.name, sample_value(spec))
        form[spec.name] = "y" if value is True else ("" if value is False else str(value))
    form[field] = "Nguyễn Minh Khôi"
    form["reason"] = "Ghi sai tên so với giấy chứng sinh."
    form["csrf_token"] = csrf_token_from(html)
    response = client.post(f"/van-ban/{old.id}/dinh-chinh", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    new = [d for d in flow.documents("result") if d.id != old.id][0]
    assert old.superseded_by_id == new.id and new.number != old.number
    assert "Nguyễn Minh Khôi" in pdf_text(client.get(f"/van-ban/{new.id}").data)
    event = flow.application.events[-1]
    assert (event.action, event.role, event.note) == ("correct", "leader", "Ghi sai tên so với giấy chứng sinh.")
    assert event.details["changed"][field][1] == "Nguyễn Minh Khôi"
    assert "Đính chính kết quả" in client.get(f"/can-bo/ho-so/{flow.application.id}").get_data(as_text=True)
    verified = client.get(f"/api/v1/verify/{old.code}").get_json()
    assert verified["state"] == "superseded" and verified["superseded_by"]["code"] == new.code
    mails = [email.message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))]
    told = [m for m in mails if "đính chính" in m["Subject"]]
    assert len(told) == 1 and told[0]["To"] == demo.citizen.email
    assert new.number in told[0].get_body(("plain",)).get_content()


def test_correction_needs_a_reason_a_change_and_the_right_person(app, db, client, flow, demo):
    old = _approved(flow, demo)
    field = _name_field(flow)
    handler = api_token(client, f"handler.{TH}@demo.vn")
    url = f"/api/v1/documents/{old.id}/correct"
    assert client.post(url, headers=handler, json={"reason": "x", "data": {field: "A"}}).status_code == 403
    other_leader = api_token(client, "leader.dong-van@demo.vn")
    assert client.post(url, headers=other_leader, json={"reason": "x", "data": {field: "A"}}).status_code == 404
    leader = api_token(client, f"leader.{TH}@demo.vn")
    no_reason = client.post(url, headers=leader, json={"reason": " ", "data": {field: "Trần Văn Bảo"}})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    unchanged = client.post(url, headers=leader, json={"reason": "Sửa", "data": {}})
    assert unchanged.status_code == 422
    invalid = client.post(url, headers=leader, json={"reason": "Sửa", "data": {field: "x" * 500}})
    assert invalid.status_code == 422 and field in invalid.get_json()["errors"]
    ok = client.post(url, headers=leader, json={"reason": "Sai tên", "data": {field: "Trần Văn Bảo"}})
    assert ok.status_code == 201 and ok.get_json()["kind"] == "result"
    again = client.post(url, headers=leader, json={"reason": "Lần nữa", "data": {field: "Trần Văn Cảnh"}})
    assert again.status_code == 422  # the old one is superseded: correct the new one instead
    db.session.expire_all()
    assert flow.application.data[field] == "Trần Văn Bảo"
    citizen = app.test_client()
    login(citizen, "citizen@demo.vn")
    # The applicant may see the document but not correct it.
    assert citizen.get(f"/van-ban/{old.id}/dinh-chinh").status_code == 403
