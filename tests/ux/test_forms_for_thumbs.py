"""Issue 14, point 5: autofill names, number keyboards and tel inputs; numbers typed in groups stored clean;
passwords never echoed but the other answers kept after an error; focus on the error summary."""
from sqlalchemy import select

from tests.citizen.conftest import apply_url, form_payload
from tests.factories import csrf_token_from, login
from tests.ux.page import form_with_action, inputs_of, parse, the

BIRTH = "dang-ky-khai-sinh"


def main_form(response):
    forms = parse(response).xpath("//main//form[@method='post']")
    assert forms, "no form in <main>"
    return inputs_of(forms[0])


def attrs(element, *names):
    return tuple(element.get(name) for name in names)


def test_register_and_sign_in_fields_say_what_they_hold(client):
    fields = main_form(client.get("/dang-ky"))
    assert fields["full_name"].get("autocomplete") == "name"
    assert attrs(fields["email"], "type", "autocomplete") == ("email", "email")
    assert attrs(fields["phone"], "type", "autocomplete") == ("tel", "tel")
    assert attrs(fields["national_id"], "inputmode", "autocomplete") == ("numeric", "off")
    assert fields["password"].get("autocomplete") == fields["confirm"].get("autocomplete") == "new-password"
    fields = main_form(client.get("/dang-nhap"))
    assert fields["email"].get("autocomplete") == "username"
    assert fields["password"].get("autocomplete") == "current-password"


def register(client, **overrides):
    page = client.get("/dang-ky")
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), "full_name": "Lê Thị Mai",
            "email": "mai@example.vn", "phone": "0912.345.678", "national_id": "026 199 001 234",
            "password": "Hoa-sen-2026", "confirm": "Hoa-sen-2026"}
    data.update(overrides)
    return client.post("/dang-ky", data=data)


def test_numbers_typed_in_groups_are_accepted_and_stored_clean(client, db):
    from portal.models import User
    assert register(client).status_code == 302
    user = db.session.execute(select(User).where(User.email == "mai@example.vn")).scalar_one()
    assert (user.phone, user.national_id) == ("0912345678", "026199001234")


def test_after_an_error_the_answers_stay_but_passwords_are_not_echoed(client, db):
    answer = register(client, confirm="Khac-hoan-toan-1")
    assert answer.status_code == 200
    fields = main_form(answer)
    assert fields["full_name"].get("value") == "Lê Thị Mai"
    assert fields["email"].get("value") == "mai@example.vn"
    assert fields["phone"].get("value") == "0912345678"
    assert fields["password"].get("value") in (None, "") and fields["confirm"].get("value") in (None, "")


def test_focus_goes_to_the_error_summary_after_a_failed_submit(client):
    page = parse(register(client, email="khong-phai-email"))
    summary = the(page, "error-summary")
    assert summary.get("tabindex") == "-1" and summary.get("autofocus") is not None
    assert len(page.xpath("//*[@autofocus]")) == 1
    assert [a.get("href") for a in summary.iter("a")] == ["#email"]


def test_service_fields_use_autofill_and_the_number_keyboard(client, demo):
    login(client, "citizen@demo.vn")
    form = form_with_action(parse(client.get(apply_url(BIRTH))), "")
    fields = inputs_of(form)
    assert fields["requester_full_name"].get("autocomplete") == "name"
    for name in ("requester_national_id", "mother_national_id"):
        assert fields[name].get("inputmode") == "numeric"
    assert fields["requester_national_id"].get("autocomplete") == "off"
    death = inputs_of(parse(client.get(apply_url("dang-ky-khai-tu"))).xpath("//form[@enctype]")[0])
    phones = [el for el in death.values() if el.get("type") == "tel"]
    assert phones and all(el.get("autocomplete") == "tel" for el in phones)


def test_an_identification_number_with_dots_is_stored_as_digits(client, db, demo):
    from portal.models import Application
    login(client, "citizen@demo.vn")
    page = client.get(apply_url(BIRTH))
    data = form_payload(BIRTH, intent="save", mother_national_id="026.190.001.234")
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    answer = client.post(apply_url(BIRTH), data=data, content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:1500]
    draft = db.session.execute(select(Application).order_by(Application.id.desc())).scalars().first()
    assert draft.data["mother_national_id"] == "026190001234"
