"""The desk's page "Tiếp nhận hồ sơ trực tiếp": the same form built from the service, one scan per document
with its "đã đối chiếu bản chính" mark, submitted for the person; errors beside the fields; nothing kept on
refusal; receivers of their own unit only."""
import io

import pytest
from sqlalchemy import func, select

from portal.models import Application, Attachment
from tests.counter.helpers import SERVICE, stored_files
from tests.factories import login, pdf_bytes, post_form, valid_data

URL = f"/can-bo/tiep-nhan-truc-tiep/{SERVICE}"


def _form(**overrides):
    data = {key: value for key, value in valid_data(SERVICE).items() if value is not True}
    data.update({"applicant_national_id": "026195004321", "applicant_full_name": "Lê Thị Hoa",
                 "applicant_phone": "0912 345 679", "checked_birth_notice": "y", "intent": "submit",
                 "doc_birth_notice": (io.BytesIO(pdf_bytes("Giay chung sinh")), "giay-chung-sinh.pdf")})
    data.update(overrides)
    return data


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_inbox_leads_receivers_to_the_counter(client, demo):
    login(client, "receiver.tam-hong@demo.vn")
    inbox = client.get("/can-bo/hop-viec").get_data(as_text=True)
    assert "Tiếp nhận hồ sơ trực tiếp" in inbox
    choose = client.get("/can-bo/tiep-nhan-truc-tiep")
    assert choose.status_code == 200 and URL in choose.get_data(as_text=True)
    page = client.get(URL).get_data(as_text=True)
    assert 'name="applicant_national_id"' in page and 'name="doc_birth_notice"' in page
    assert "Đã đối chiếu bản chính" in page
    assert 'name="child_full_name"' in page  # the service's own fields, from its definition


def test_walk_in_on_the_page_then_print_form_01(client, demo, db):
    login(client, "receiver.tam-hong@demo.vn")
    response = post_form(client, URL, _form(), content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    application = db.session.execute(select(Application)).scalar_one()
    assert application.channel == "counter" and application.state == "processing"
    assert application.applicant_phone == "0912345679" and application.applicant_id is None
    (attachment,) = application.attachments
    assert attachment.checked_against_original and attachment.digitised_at is not None
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert application.code in done and "In giấy tiếp nhận" in done and "/tra-cuu" in done
    receipt = next(d for d in application.documents if d.kind == "receipt")
    pdf = client.get(f"/van-ban/{receipt.id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    desk_page = client.get(f"/can-bo/ho-so/{application.id}").get_data(as_text=True)
    assert "Trực tiếp tại Bộ phận Một cửa" in desk_page and "đã đối chiếu bản chính" in desk_page


def test_unchecked_box_is_recorded_as_not_checked(client, demo, db):
    login(client, "receiver.tam-hong@demo.vn")
    data = _form()
    del data["checked_birth_notice"]
    assert post_form(client, URL, data, content_type="multipart/form-data").status_code == 303
    assert db.session.execute(select(Attachment)).scalar_one().checked_against_original is False


@pytest.mark.parametrize("field, value, message", [
    ("applicant_national_id", "099195004321", "ba chữ số đầu là mã tỉnh"),
    ("applicant_full_name", "   ", "Vui lòng nhập họ, chữ đệm và tên của người nộp hồ sơ."),
    ("applicant_phone", "0241234567", "Số điện thoại di động không hợp lệ"),
])
def test_bad_person_data_beside_the_field_nothing_kept(client, demo, db, app, field, value, message):
    login(client, "receiver.tam-hong@demo.vn")
    response = post_form(client, URL, _form(**{field: value}), content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert _count(db, Application) == 0 and _count(db, Attachment) == 0 and stored_files(app) == []


def test_a_missing_scan_and_a_bad_file_are_refused_beside_the_input(client, demo, db, app):
    login(client, "receiver.tam-hong@demo.vn")
    data = _form()
    del data["doc_birth_notice"]
    response = post_form(client, URL, data, content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="doc_birth_notice-error"' in response.get_data(as_text=True)
    bad = _form(doc_birth_notice=(io.BytesIO(b"MZ not a document"), "virus.exe"))
    response = post_form(client, URL, bad, content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="doc_birth_notice-error"' in response.get_data(as_text=True)
    assert _count(db, Application) == 0 and _count(db, Attachment) == 0 and stored_files(app) == []


@pytest.mark.parametrize("email, status", [("citizen@demo.vn", 403), ("handler.tam-hong@demo.vn", 403)])
def test_others_cannot_open_the_counter(client, demo, email, status):
    login(client, email)
    assert client.get("/can-bo/tiep-nhan-truc-tiep").status_code == status
    assert client.get(URL).status_code == status


def test_a_service_not_received_here_is_not_found(client, demo):
    login(client, "receiver.yen-lac@demo.vn")  # a district desk: the birth registration is a commune's
    assert client.get(URL).status_code == 404


def test_the_done_page_of_another_unit_is_not_found(client, demo, db):
    login(client, "receiver.tam-hong@demo.vn")
    post_form(client, URL, _form(), content_type="multipart/form-data")
    application = db.session.execute(select(Application)).scalar_one()
    client.get("/dang-xuat")
    other = client.application.test_client()
    login(other, "receiver.dong-van@demo.vn")
    assert other.get(f"/can-bo/tiep-nhan-truc-tiep/ho-so/{application.id}").status_code == 404
    assert other.get(f"/can-bo/ho-so/{application.id}").status_code == 404
