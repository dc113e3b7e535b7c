"""The "Dùng lại giấy tờ đã số hóa" choice on the pages: the citizen's apply page and the counter intake page
offer the person's digitised documents beside each slot; picking one instead of a file attaches a copy."""
from portal.models import Application, Attachment
from tests.citizen.conftest import apply_url, form_payload
from tests.counter.helpers import PERSON, SERVICE, walk_in
from tests.digitised.helpers import KEY, desk
from tests.factories import login, post_form, valid_data


def _own_walk_in(client, demo):
    owner = demo.citizen
    return walk_in(client, desk(client), applicant={"full_name": owner.full_name,
                                                    "national_id": owner.national_id, "phone": "0912345678"})


def test_the_apply_page_offers_the_citizens_scans_and_submits_with_a_reused_one(client, app, demo, db):
    first = _own_walk_in(client, demo)
    scan_id = first["attachments"][0]["id"]
    browser = app.test_client()
    login(browser, "citizen@demo.vn")
    page = browser.get(apply_url(SERVICE)).get_data(as_text=True)
    assert "Dùng lại giấy tờ đã số hóa" in page and f'value="attachment-{scan_id}"' in page

    answer = post_form(browser, apply_url(SERVICE), {**form_payload(SERVICE), f"reuse_{KEY}": f"attachment-{scan_id}"},
                       content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:3000]
    application = db.session.query(Application).filter(Application.channel == "online").one()
    assert application.state == "submitted"
    (copy,) = application.attachments
    assert copy.reused_from_attachment_id == scan_id
    assert copy.sha256 == db.session.get(Attachment, scan_id).sha256


def test_the_apply_page_offers_nothing_of_another_citizen(client, app, demo):
    first = _own_walk_in(client, demo)
    browser = app.test_client()
    login(browser, "citizen2@demo.vn")
    page = browser.get(apply_url(SERVICE)).get_data(as_text=True)
    assert f"attachment-{first['attachments'][0]['id']}" not in page
    refused = post_form(browser, apply_url(SERVICE),
                        {**form_payload(SERVICE), f"reuse_{KEY}": f"attachment-{first['attachments'][0]['id']}"},
                        content_type="multipart/form-data")
    assert refused.status_code == 200
    assert "Không tìm thấy giấy tờ này trong kho dữ liệu" in refused.get_data(as_text=True)


def _intake(extra):
    data = {"applicant_national_id": PERSON["national_id"], "applicant_full_name": "Lê Thị Hoa",
            "applicant_phone": "0912345679", f"checked_{KEY}": "y", **extra}
    data.update({name: str(value) for name, value in valid_data(SERVICE).items() if value not in (None, False)})
    return data


def test_the_counter_intake_finds_the_persons_store_and_reuses_a_scan(client, app, demo, db):
    first = walk_in(client, desk(client))
    scan_id = first["attachments"][0]["id"]
    browser = app.test_client()
    login(browser, "receiver.tam-hong@demo.vn")
    url = f"/can-bo/tiep-nhan-truc-tiep/{SERVICE}"
    assert "Tìm giấy tờ đã số hóa của người nộp" in browser.get(url).get_data(as_text=True)
    found = post_form(browser, url, _intake({"intent": "find_reusable"}), content_type="multipart/form-data")
    assert found.status_code == 200 and f'value="attachment-{scan_id}"' in found.get_data(as_text=True)
    assert db.session.query(Application).count() == 1  # looking saves nothing

    done = post_form(browser, url, _intake({"intent": "submit", f"reuse_{KEY}": f"attachment-{scan_id}"}),
                     content_type="multipart/form-data")
    assert done.status_code == 303, done.get_data(as_text=True)[:3000]
    second = db.session.query(Application).filter(Application.id != first["id"]).one()
    assert second.state == "processing" and second.channel == "counter"
    (copy,) = second.attachments
    assert copy.reused_from_attachment_id == scan_id and copy.digitised_at is not None
