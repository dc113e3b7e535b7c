"""A citizen's values are validated once per request, and the page and the API refuse the same bad values
with the same field messages (both go through services.forms' one validation pass)."""
import html as html_lib
import re

import pytest
import wtforms.validators

from tests.citizen.conftest import apply_url, form_payload, pdf_file, post_page, required_files
from tests.factories import api_token, make_application, post_form, valid_data

BIRTH = "dang-ky-khai-sinh"
BUSINESS = "dang-ky-thanh-lap-ho-kinh-doanh"


@pytest.fixture
def length_checks(monkeypatch):
    """The field names WTForms' own Length validator checks, in call order. services.forms builds its text
    fields with `wtforms.validators.Length`, looked up when a form class is built, so a counting subclass
    put there counts every validation pass of a service form (the portal's own forms bound Length at import
    and are not counted)."""
    calls = []

    class CountingLength(wtforms.validators.Length):
        def __call__(self, form, field):
            calls.append(field.name)
            return super().__call__(form, field)

    monkeypatch.setattr(wtforms.validators, "Length", CountingLength)
    return calls


def one_pass(demo, slug, data, calls):
    """The calls one validation of `data` makes (measured, then forgotten)."""
    from portal.operations.catalogue import definition_of
    from services.forms import validate_data
    calls.clear()
    validate_data(definition_of(demo.service(slug).current), data)
    measured = sorted(calls)
    calls.clear()
    assert measured, "the service has text fields, so one pass checks some lengths"
    return measured


def page_errors(html):
    """{field name: message} of the messages shown beside the fields."""
    return {name: html_lib.unescape(re.sub(r"<[^>]+>", " ", text)).split()
            for name, text in re.findall(r'<div class="invalid-feedback d-block" id="([\w-]+)-error">(.*?)</div>',
                                         html, re.S)}


def api_errors(problem):
    return {name: " ".join(messages).split() for name, messages in problem["errors"].items()}


# ---------------------------------------------------------------- once per request

def test_submission_from_the_page_validates_once(app, client, db, demo, citizen, length_checks):
    expected = one_pass(demo, BIRTH, valid_data(BIRTH), length_checks)
    response = post_form(client, apply_url(BIRTH), form_payload(BIRTH, files=required_files(demo, BIRTH)),
                         content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert sorted(length_checks) == expected


def test_draft_from_the_page_validates_once(app, client, db, demo, citizen, length_checks):
    expected = one_pass(demo, BIRTH, valid_data(BIRTH), length_checks)
    response = post_form(client, apply_url(BIRTH), form_payload(BIRTH, intent="save"),
                         content_type="multipart/form-data")
    assert response.status_code == 303
    assert sorted(length_checks) == expected


def test_refused_submission_from_the_page_validates_once(app, client, db, demo, citizen, length_checks):
    bad = form_payload(BIRTH, files=required_files(demo, BIRTH), mother_national_id="123")
    expected = one_pass(demo, BIRTH, valid_data(BIRTH, mother_national_id="123"), length_checks)
    response = post_form(client, apply_url(BIRTH), bad, content_type="multipart/form-data")
    assert response.status_code == 200
    assert sorted(length_checks) == expected


def test_supplement_answer_validates_once(app, client, db, demo, citizen, length_checks):
    from portal.operations.transitions import fire
    application = make_application(db, demo.citizen)
    fire(application, "request_supplement", demo.staff("receiver", "tam-hong"), note="Bổ sung giấy chứng sinh")
    db.session.commit()
    data = {k: v for k, v in valid_data(BIRTH).items() if v is not None}
    expected = one_pass(demo, BIRTH, data, length_checks)
    url = f"/ho-so/{application.id}"
    response = post_page(client, url, {**data, "doc_birth_notice": pdf_file("ro-net.pdf")},
                         post_url=f"{url}/bo-sung")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.refresh(application)
    assert application.state == "submitted"
    assert sorted(length_checks) == expected


def test_api_draft_and_submission_validate_once_each(app, client, db, demo, length_checks):
    from tests.api.test_applications_api import _attach_all
    headers = api_token(client, "citizen@demo.vn")
    expected = one_pass(demo, BIRTH, valid_data(BIRTH), length_checks)
    created = client.post("/api/v1/applications", headers=headers,
                          json={"service": BIRTH, "unit": "tam-hong", "data": valid_data(BIRTH)})
    assert created.status_code == 201, created.get_json()
    assert sorted(length_checks) == expected
    draft_id = created.get_json()["id"]
    _attach_all(client, headers, draft_id)
    length_checks.clear()
    submitted = client.post(f"/api/v1/applications/{draft_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.get_json()
    assert sorted(length_checks) == expected


# ---------------------------------------------------------------- the same messages

BAD_VALUES = {"owner_phone": "12345", "owner_email": "khong-phai-email", "owner_national_id": "12",
              "owner_date_of_birth": "2026-02-30", "capital": "1e3", "employees": "10001",
              "business_lines": "x" * 2001}


def test_page_and_api_refuse_bad_draft_values_with_the_same_field_messages(app, client, db, demo, citizen):
    page = post_form(client, apply_url(BUSINESS), form_payload(BUSINESS, intent="save", **BAD_VALUES),
                     content_type="multipart/form-data")
    assert page.status_code == 200
    shown = page_errors(page.get_data(as_text=True))

    headers = api_token(client, "citizen@demo.vn")
    api = client.post("/api/v1/applications", headers=headers,
                      json={"service": BUSINESS, "unit": "tam-hong", "data": valid_data(BUSINESS, **BAD_VALUES)})
    assert api.status_code == 422 and api.mimetype == "application/problem+json"
    answered = api_errors(api.get_json())

    assert set(answered) == set(BAD_VALUES)
    assert {name: shown.get(name) for name in BAD_VALUES} == answered


def test_page_and_api_report_missing_required_values_alike(app, client, db, demo, citizen):
    missing = ("owner_full_name", "business_name", "registrant", "declaration")
    page = post_form(client, apply_url(BUSINESS),
                     form_payload(BUSINESS, files=required_files(demo, BUSINESS), omit=missing),
                     content_type="multipart/form-data")
    assert page.status_code == 200
    shown = page_errors(page.get_data(as_text=True))

    from tests.api.test_applications_api import _attach_all
    headers = api_token(client, "citizen@demo.vn")
    data = {k: v for k, v in valid_data(BUSINESS).items() if k not in missing}
    created = client.post("/api/v1/applications", headers=headers,
                          json={"service": BUSINESS, "unit": "tam-hong", "data": data})
    assert created.status_code == 201, created.get_json()  # a draft may be incomplete
    _attach_all(client, headers, created.get_json()["id"], service=BUSINESS)
    api = client.post(f"/api/v1/applications/{created.get_json()['id']}/submit", headers=headers)
    assert api.status_code == 422
    answered = api_errors(api.get_json())

    assert set(answered) == set(missing)
    assert {name: shown.get(name) for name in missing} == answered
