"""Issue 14, point 3: "Tiếp tục" leads to one page with every answer and document, each with a link to
change it, and a required declaration before the draft is submitted."""
from urllib.parse import urlsplit

from tests.citizen.conftest import apply_url, form_payload, required_files
from tests.factories import csrf_token_from, login
from tests.ux.page import form_with_action, hidden_values, inputs_of, parse, text, the

BIRTH = "dang-ky-khai-sinh"
DECLARATION = ("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp "
               "luật về lời khai của mình.")


def draft_for_review(client, demo):
    login(client, "citizen@demo.vn")
    page = client.get(apply_url(BIRTH))
    data = form_payload(BIRTH, intent="review", files=required_files(demo, BIRTH))
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    answer = client.post(apply_url(BIRTH), data=data, content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:1500]
    return urlsplit(answer.headers["Location"]).path, data


def application_at(db, path):
    from portal.models import Application
    db.session.expire_all()
    return db.session.get(Application, int(path.split("/")[2]))


def test_continue_saves_the_draft_and_shows_every_answer_with_a_change_link(client, db, demo):
    path, data = draft_for_review(client, demo)
    application = application_at(db, path)
    assert path == f"/ho-so/{application.id}/kiem-tra" and application.state == "draft"
    page = parse(client.get(path))
    rows = {row.get("data-field"): row for row in the(page, "answers").xpath("./div")}
    from portal.operations.catalogue import definition_of
    definition = definition_of(application.service_version)
    assert list(rows) == [spec.name for spec in definition.fields]
    assert text(rows["child_full_name"].xpath("./dd")[0]) == data["child_full_name"]
    edit = f"/ho-so/{application.id}/sua"
    assert [a.get("href") for a in rows["child_full_name"].iter("a")] == [f"{edit}#child_full_name"]
    documents = {row.get("data-document"): row for row in the(page, "documents").xpath("./div")}
    for key in required_files(demo, BIRTH):
        assert text(documents[key].xpath("./dd")[0]) == f"{key}.pdf"
        assert f"{edit}#doc_{key}" in [a.get("href") for a in documents[key].iter("a")]
    form = form_with_action(page, path)
    box = inputs_of(form)["declaration"]
    assert box.get("type") == "checkbox"
    assert text(page.xpath(f'//label[@for="{box.get("id")}"]')[0]) == DECLARATION


def test_submitting_without_the_declaration_is_refused_beside_the_box(client, db, demo):
    path, _data = draft_for_review(client, demo)
    form = form_with_action(parse(client.get(path)), path)
    answer = client.post(path, data=hidden_values(form))
    assert answer.status_code == 422
    page = parse(answer)
    assert "Vui lòng đánh dấu lời cam đoan" in text(the(page, "declaration-error"))
    assert [a.get("href") for a in the(page, "error-summary").iter("a")] == ["#declaration"]
    assert application_at(db, path).state == "draft"


def test_the_declaration_submits_the_draft(client, db, demo):
    path, _data = draft_for_review(client, demo)
    form = form_with_action(parse(client.get(path)), path)
    answer = client.post(path, data={**hidden_values(form), "declaration": "y"})
    application = application_at(db, path)
    assert answer.status_code == 303
    assert urlsplit(answer.headers["Location"]).path == f"/ho-so/{application.id}"
    assert application.state == "submitted" and application.code


def test_a_stale_review_page_does_not_submit(client, db, demo):
    path, _data = draft_for_review(client, demo)
    form = form_with_action(parse(client.get(path)), path)
    payload = {**hidden_values(form), "declaration": "y"}
    payload["expected_version"] = str(int(payload["expected_version"]) + 5)
    answer = client.post(path, data=payload)
    assert answer.status_code == 303 and urlsplit(answer.headers["Location"]).path == path
    assert application_at(db, path).state == "draft"


def test_the_api_submit_needs_no_declaration(client, db, demo):
    from tests.factories import api_token, make_application
    application = make_application(db, demo.citizen, submit=False)
    answer = client.post(f"/api/v1/applications/{application.id}/submit", json={},
                         headers=api_token(client, "citizen@demo.vn"))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["state"] == "submitted"
