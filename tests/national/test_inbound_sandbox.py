"""The sandbox national portal's "submit an application" pages: a tester submits for any shipped service, the
sandbox signs the message and POSTs it to the portal's receiving endpoint, and shows the portal's answer."""
import io
import re

from sqlalchemy import func, select

from portal.models import Application
from portal.operations.catalogue import definition_of
from tests.factories import csrf_token_from, pdf_bytes, post_form, sample_value

PAGE = "/sandbox/dvcqg/nop-ho-so"
PERSON = {"ChuHoSo": "Phạm Văn Nam", "SoDinhDanh": "026090005555", "SoDienThoai": "0987654321",
          "Email": "nam@example.vn", "DiaChi": "Tam Hồng"}


def _form(demo, slug, unit_slug, files=True):
    definition = definition_of(demo.service(slug).current)
    data = {**PERSON, "MaDonVi": demo.unit(unit_slug).code}
    for spec in definition.fields:
        value = sample_value(spec)
        if spec.type == "checkbox":
            if value:
                data[spec.name] = "y"
        else:
            data[spec.name] = str(value)
    if files:
        for d in definition.documents:
            data[f"doc_{d.key}"] = (io.BytesIO(pdf_bytes(d.key)), f"{d.key}.pdf")
    return data


def test_the_sandbox_lists_every_shipped_service_and_is_labelled(client, demo):
    page = client.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "MÔI TRƯỜNG THỬ NGHIỆM" in html
    for slug in ("dang-ky-khai-sinh", "cap-giay-phep-xay-dung-nha-o-rieng-le", "chung-thuc-ban-sao-tu-ban-chinh"):
        assert f"{PAGE}/{slug}" in html
    form = client.get(f"{PAGE}/dang-ky-khai-sinh").get_data(as_text=True)
    assert "Môi trường thử nghiệm" in form and 'name="csrf_token"' in form and 'type="file"' in form


def test_a_tester_submits_through_the_sandbox_end_to_end(client, db, demo):
    url = f"{PAGE}/dang-ky-khai-sinh"
    response = post_form(client, url, _form(demo, "dang-ky-khai-sinh", "tam-hong"),
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cổng tỉnh đã nhận hồ sơ" in html, html[-3000:]
    application = db.session.execute(select(Application)).scalar_one()
    assert application.channel == "national" and application.state == "submitted"
    assert application.code in html and application.national_code in html
    assert application.applicant_name == "Phạm Văn Nam" and len(application.attachments) >= 1

    # "Send the same message again": the portal answers as before, no second application.
    again = client.post(f"{PAGE}/gui-lai/{application.national_code}",
                        data={"csrf_token": csrf_token_from(html)})
    again_html = again.get_data(as_text=True)
    assert again.status_code == 200 and "đã được nhận trước đó" in again_html and application.code in again_html
    assert db.session.execute(select(func.count()).select_from(Application)).scalar_one() == 1


def test_the_sandbox_shows_the_portals_refusal(client, db, demo):
    url = f"{PAGE}/dang-ky-khai-sinh"
    data = _form(demo, "dang-ky-khai-sinh", "tam-hong", files=False)
    response = post_form(client, url, data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cổng tỉnh từ chối hồ sơ (HTTP 422)" in html
    assert re.search(r"documents\.birth_notice", html)
    assert db.session.execute(select(func.count()).select_from(Application)).scalar_one() == 0


def test_the_sandbox_form_needs_its_csrf_token(client, demo):
    response = client.post(f"{PAGE}/dang-ky-khai-sinh", data=_form(demo, "dang-ky-khai-sinh", "tam-hong"),
                           content_type="multipart/form-data")
    assert response.status_code == 400


def test_the_sandbox_is_off_with_a_real_national_portal(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "DVCQG_URL", "https://dichvucong.gov.vn")
    assert client.get(PAGE).status_code == 404


def test_every_shipped_service_can_be_submitted_from_the_sandbox(client, db, demo):
    from portal.models import Service
    from portal.operations.catalogue import intake_units
    slugs = db.session.execute(select(Service.slug).order_by(Service.slug)).scalars().all()
    assert len(slugs) >= 5
    for slug in slugs:
        unit = intake_units(demo.service(slug).current)[0]
        response = post_form(client, f"{PAGE}/{slug}", _form(demo, slug, unit.slug),
                             content_type="multipart/form-data")
        html = response.get_data(as_text=True)
        assert "Cổng tỉnh đã nhận hồ sơ" in html, (slug, html[-2500:])
    channels = db.session.execute(select(Application.channel)).scalars().all()
    assert channels == ["national"] * len(slugs)
