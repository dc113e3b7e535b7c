"""Issue 14, point 1: the public lookup form posts with its token, a page to type a document code, files
chosen on a refused apply form are kept in the draft, and "Đăng ký" keeps `next`."""
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from portal.operations.transitions import fire
from tests.citizen.conftest import apply_url, form_payload, pdf_file
from tests.factories import csrf_token_from, login, make_application
from tests.ux.page import form_with_action, hidden_values, inputs_of, parse, text, the

BIRTH = "dang-ky-khai-sinh"


# -- /tra-cuu -----------------------------------------------------------------------------------------

def test_the_lookup_form_as_rendered_posts_its_own_token(client, db, demo):
    application = make_application(db, demo.citizen)
    fire(application, "accept", demo.staff("receiver", "tam-hong"))
    db.session.commit()
    form = form_with_action(parse(client.get("/tra-cuu")), "/tra-cuu")
    assert form.get("method") == "post"
    payload = hidden_values(form)  # only what this form carries, as a browser sends it
    assert payload.get("csrf_token")
    payload.update(code=application.code, phone=application.applicant_phone[-4:])
    answer = client.post("/tra-cuu", data=payload)
    assert answer.status_code == 200
    assert parse(answer).xpath('//*[@data-state="processing"]')


# -- /verify and /xac-minh ----------------------------------------------------------------------------

def test_a_page_to_type_a_document_code(client):
    for url in ("/verify", "/xac-minh"):
        page = client.get(url)
        assert page.status_code == 200
        form = form_with_action(parse(page), "/xac-minh")
        assert form.get("method") == "get" and "code" in inputs_of(form)
    answer = client.get("/xac-minh?code=abcd efgh jklm npqr")
    assert answer.status_code == 303
    assert urlsplit(answer.headers["Location"]).path == "/verify/ABCD-EFGH-JKLM-NPQR"


def test_an_empty_code_is_explained_beside_the_field(client):
    answer = client.get("/xac-minh?code=")
    assert answer.status_code == 422
    assert "Vui lòng nhập mã xác thực" in text(the(parse(answer), "code-error"))


def test_an_unknown_code_gets_a_specific_message_and_the_form_again(client, db, demo):
    answer = client.get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    assert answer.status_code == 404
    page = parse(answer)
    message = text(the(page, "verify-not-found"))
    assert "Không tìm thấy văn bản nào có mã xác thực ZZZZ-ZZZZ-ZZZZ-ZZZZ" in message
    form = form_with_action(page, "/xac-minh")
    assert inputs_of(form)["code"].get("value") == "ZZZZ-ZZZZ-ZZZZ-ZZZZ"


# -- files kept on a refused apply form ---------------------------------------------------------------

def _latest(db):
    from portal.models import Application
    db.session.expire_all()
    return db.session.execute(select(Application).order_by(Application.id.desc())).scalars().first()


def test_files_chosen_on_a_refused_form_are_kept_in_the_draft(app, client, db, demo):
    login(client, "citizen@demo.vn")
    page = client.get(apply_url(BIRTH))
    data = form_payload(BIRTH, files={"birth_notice": pdf_file("chung-sinh.pdf"),
                                      "parents_marriage_certificate": pdf_file("ket-hon.pdf")})
    data["child_date_of_birth"] = "31/02/2026"  # a wrong date: the form is refused
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    answer = client.post(apply_url(BIRTH), data=data, content_type="multipart/form-data")
    assert answer.status_code == 200
    draft = _latest(db)
    assert draft is not None and draft.state == "draft"
    attached = {a.document_key: a.filename for a in draft.attachments if not a.superseded}
    assert attached == {"birth_notice": "chung-sinh.pdf", "parents_marriage_certificate": "ket-hon.pdf"}
    assert "child_date_of_birth" not in draft.data  # what was wrong is not stored

    html = parse(answer)
    assert the(html, "child_date_of_birth-error") is not None
    form = form_with_action(html, f"/ho-so/{draft.id}/sua")
    links = [a for a in form.iter("a") if "/tep/" in (a.get("href") or "")]
    assert sorted(text(a) for a in links) == ["chung-sinh.pdf", "ket-hon.pdf"]
    assert inputs_of(form)["child_full_name"].get("value") == data["child_full_name"]

    # Corrected, and submitted without choosing the files again.
    fixed = {name: value for name, value in data.items() if not name.startswith("doc_")}
    fixed.update(hidden_values(form), child_date_of_birth="2026-02-20", intent="submit")
    fixed.pop("receiving_unit")
    done = client.post(f"/ho-so/{draft.id}/sua", data=fixed, content_type="multipart/form-data")
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    assert _latest(db).state == "submitted"


# -- "Đăng ký" keeps next -------------------------------------------------------------------------------

def test_the_register_link_keeps_next_and_registration_lands_there(client, demo):
    target = apply_url(BIRTH)
    login_page = parse(client.get(f"/dang-nhap?next={target}"))
    register_links = [a.get("href") for a in the(login_page, "main").iter("a") if text(a) == "Đăng ký"]
    assert len(register_links) == 1
    href = register_links[0]
    assert parse_qs(urlsplit(href).query)["next"] == [target]
    page = client.get(href)
    answer = client.post(href, data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "full_name": "Lê Thị Mai",
        "email": "mai@example.vn", "phone": "0912 345 678", "national_id": "026 199 001 234",
        "password": "Hoa-sen-2026", "confirm": "Hoa-sen-2026"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert answer.headers["Location"] == target


def test_a_foreign_next_is_dropped_from_the_register_link(client):
    login_page = parse(client.get("/dang-nhap?next=//evil.example/x"))
    hrefs = [a.get("href") for a in the(login_page, "main").iter("a") if text(a) == "Đăng ký"]
    assert hrefs == ["/dang-ky"]
