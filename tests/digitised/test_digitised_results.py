"""Digitised results: a result issued on paper (or by another system) scanned as the application's result,
with its number and date; listed on the application, in the citizen's store, downloadable by the citizen,
verifiable as "bản số hóa" (not signed by the portal); refused by field, with nothing saved."""
import hashlib
import io

from pypdf import PdfReader
from sqlalchemy import func, select

from portal.models import Document
from tests.digitised.helpers import files_in
from tests.factories import api_token, login, make_application, pdf_bytes, png_bytes, post_form

NUMBER = "15/2026/GKS-UBND"


def _digitise(client, headers, application_id, data=None, filename="ket-qua.pdf", **fields):
    form = {"number": NUMBER, "date": "2026-11-20", **fields}
    if data is not False:
        form["file"] = (io.BytesIO(pdf_bytes("Ket qua giay") if data is None else data), filename)
    return client.post(f"/api/v1/applications/{application_id}/digitised-result", headers=headers, data=form,
                       content_type="multipart/form-data")


def _documents(db):
    return db.session.scalar(select(func.count()).select_from(Document))


def test_a_paper_result_is_digitised_listed_downloadable_and_verifiable_as_a_scan(client, demo, db, approved):
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    paper = pdf_bytes("Ket qua giay")
    answer = _digitise(client, desk, approved.id, data=paper)
    assert answer.status_code == 201, answer.get_json()
    out = answer.get_json()
    assert out["source"] == "scan" and out["kind"] == "result" and out["signed"] is False
    assert out["number"] == NUMBER and out["date"] == "2026-11-20"

    document = db.session.get(Document, out["id"])
    assert document.digitised_by_id == demo.staff("receiver", "tam-hong").id and document.digitised_at
    assert any(e.action == "digitise_result" and e.details["number"] == NUMBER for e in approved.events)

    citizen = api_token(client, "citizen@demo.vn")
    detail = client.get(f"/api/v1/applications/{approved.id}", headers=citizen).get_json()
    listed = next(d for d in detail["documents"] if d["id"] == out["id"])
    assert listed["source"] == "scan" and listed["document_date"] == "2026-11-20"
    downloaded = client.get(f"/api/v1/documents/{out['id']}", headers=citizen)
    assert downloaded.status_code == 200 and downloaded.data == paper  # a PDF is kept as it came

    store = client.get("/api/v1/me/digitised", headers=citizen).get_json()
    item = next(i for i in store if i["id"] == f"result-{out['id']}")
    assert item["digitised"] is True and item["source"] == "scan" and item["number"] == NUMBER

    verified = client.get(f"/api/v1/verify/{document.code}").get_json()
    assert verified["digitised"] is True and verified["source"] == "scan"
    assert verified["signature"]["status"] == "unsigned"
    page = client.get(f"/verify/{document.code}").get_data(as_text=True)
    assert "Bản số hóa" in page and "không phải văn bản do Cổng ký số" in page


def test_an_image_scan_is_kept_as_a_one_page_pdf(client, demo, db, approved):
    desk = api_token(client, "handler.tam-hong@demo.vn")
    image = png_bytes(40, 60)
    answer = _digitise(client, desk, approved.id, data=image, filename="ket-qua.png")
    assert answer.status_code == 201, answer.get_json()
    document = db.session.get(Document, answer.get_json()["id"])
    assert document.details["original"]["content_type"] == "image/png"
    pdf = client.get(f"/api/v1/documents/{document.id}", headers=api_token(client, "citizen@demo.vn")).data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_bad_input_is_refused_by_field_and_nothing_is_saved(client, demo, db, app, approved):
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    before, files_before = _documents(db), files_in(app.config["DOCUMENT_DIR"])

    not_a_scan = _digitise(client, desk, approved.id, data=b"just some text, not a scan", filename="x.pdf")
    assert not_a_scan.status_code == 415 and not_a_scan.mimetype == "application/problem+json"
    assert list(not_a_scan.get_json()["errors"]) == ["file"]

    wrong = _digitise(client, desk, approved.id, number="   ", date="20/11/2026")
    assert wrong.status_code == 422 and set(wrong.get_json()["errors"]) == {"number", "date"}
    future = _digitise(client, desk, approved.id, date="2999-01-01")
    assert future.status_code == 422 and "date" in future.get_json()["errors"]
    missing = _digitise(client, desk, approved.id, data=False)
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]

    assert _documents(db) == before and files_in(app.config["DOCUMENT_DIR"]) == files_before


def test_who_may_digitise_and_when(client, demo, db, advance, approved):
    assert _digitise(client, api_token(client, "citizen@demo.vn"), approved.id).status_code == 403
    assert _digitise(client, api_token(client, "receiver.dong-van@demo.vn"), approved.id).status_code == 404
    assert _digitise(client, api_token(client, "citizen2@demo.vn"), approved.id).status_code == 404

    waiting = make_application(db, demo.citizen)  # submitted, not received: nothing decided yet
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    assert _digitise(client, desk, waiting.id, decided_outside="true").status_code == 422
    advance(waiting, "accept")  # processing in the portal, decided on paper
    assert _digitise(client, desk, waiting.id).status_code == 422
    assert _digitise(client, desk, waiting.id, decided_outside="true").status_code == 201


def test_the_desk_page_digitises_a_result_and_the_pages_show_it(client, app, demo, db, approved):
    login(client, "receiver.tam-hong@demo.vn")
    desk_page = client.get(f"/can-bo/ho-so/{approved.id}").get_data(as_text=True)
    assert "Số hóa kết quả" in desk_page
    url = f"/can-bo/ho-so/{approved.id}/so-hoa-ket-qua"
    refused = post_form(client, url, {"number": NUMBER, "date": "2026-11-20",
                                      "file": (io.BytesIO(b"plain text"), "x.pdf")},
                        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "Chỉ chấp nhận tệp PDF, JPEG hoặc PNG" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Document).where(Document.source == "scan")) == 0

    done = post_form(client, url, {"number": NUMBER, "date": "2026-11-20",
                                   "file": (io.BytesIO(pdf_bytes("Ket qua")), "kq.pdf")},
                     content_type="multipart/form-data")
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    assert "Bản số hóa" in client.get(f"/can-bo/ho-so/{approved.id}").get_data(as_text=True)

    citizen = app.test_client()
    login(citizen, "citizen@demo.vn")
    assert "Bản số hóa" in citizen.get(f"/ho-so/{approved.id}").get_data(as_text=True)
    store = citizen.get("/kho-du-lieu").get_data(as_text=True)
    assert NUMBER in store


def test_an_issued_result_is_offered_and_reused_as_a_document_of_a_new_application(client, demo, db, approved):
    citizen = api_token(client, "citizen@demo.vn")
    issued = next(d for d in approved.documents if d.kind == "result" and d.source == "portal")
    draft = client.post("/api/v1/applications", headers=citizen, json={
        "service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": {}}).get_json()
    offered = client.get(f"/api/v1/applications/{draft['id']}/reusable", headers=citizen).get_json()
    assert f"result-{issued.id}" in [item["id"] for item in offered]
    reused = client.post(f"/api/v1/applications/{draft['id']}/attachments", headers=citizen,
                         json={"document": "birth_notice", "reuse": f"result-{issued.id}"})
    assert reused.status_code == 201, reused.get_json()
    body = reused.get_json()
    assert body["reused_from"] == {"kind": "result", "id": issued.id} and body["sha256"] == issued.sha256
    assert body["content_type"] == "application/pdf"
    copy = client.get(f"/api/v1/applications/{draft['id']}/attachments/{body['id']}", headers=citizen)
    assert hashlib.sha256(copy.data).hexdigest() == issued.sha256
    copy.close()
