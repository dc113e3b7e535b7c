"""Reusing what is already digitised (Decree 45/2020): the person's store by identification number for the
desk, the citizen's own store, reuse by `POST …/attachments {"document", "reuse"}` with the link recorded and
the bytes identical, and nothing of another person's store visible or reusable."""
import hashlib

from sqlalchemy import func, select

from portal import storage
from portal.models import Application, Attachment
from portal.operations import applications as ops
from tests.counter.helpers import start, walk_in
from tests.digitised.helpers import PERSON, KEY, counter_draft, desk, files_in, reuse, sha256_of
from tests.factories import api_token, pdf_bytes


def _submit(client, headers, application_id):
    return client.post(f"/api/v1/applications/{application_id}/submit", headers=headers)


def test_the_desk_reuses_a_scan_of_the_same_person_and_the_link_and_bytes_are_kept(client, demo, db, app):
    headers = desk(client)
    first = walk_in(client, headers)
    original = first["attachments"][0]
    second_id = start(client, headers).get_json()["id"]

    offered = client.get(f"/api/v1/applications/{second_id}/reusable", headers=headers)
    assert offered.status_code == 200
    (item,) = offered.get_json()
    assert item["id"] == f"attachment-{original['id']}" and item["document"] == KEY
    assert item["digitised"] is True and item["application"]["code"] == first["code"]

    reused = reuse(client, headers, second_id, item["id"])
    assert reused.status_code == 201, reused.get_json()
    body = reused.get_json()
    assert body["reused_from"] == {"kind": "attachment", "id": original["id"]}
    assert body["sha256"] == original["sha256"]

    copy = db.session.get(Attachment, body["id"])
    source = db.session.get(Attachment, original["id"])
    assert copy.reused_from_attachment_id == source.id and copy.stored_name != source.stored_name
    assert sha256_of(storage.path_of("uploads", copy.stored_name)) == source.sha256  # identical bytes
    assert copy.digitised_at == source.digitised_at and copy.digitised_by_id == source.digitised_by_id

    submitted = _submit(client, headers, second_id)  # the reused copy satisfies the required document
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["attachments"][0]["reused_from"] == {"kind": "attachment", "id": original["id"]}


def test_the_copy_outlives_the_deleted_draft_it_came_from(client, demo, db, app):
    headers = desk(client)
    draft_id, scanned = counter_draft(client, headers)
    second_id, _ = counter_draft(client, headers, data=pdf_bytes("Ban khac"))
    reused = reuse(client, headers, second_id, f"attachment-{scanned['id']}")
    assert reused.status_code == 201, reused.get_json()

    draft = db.session.get(Application, draft_id)
    old_path = storage.path_of("uploads", draft.attachments[0].stored_name)
    ops.delete_draft(draft, demo.staff("receiver", "tam-hong"))
    db.session.commit()
    old_path.unlink()  # as the draft page does after the commit

    copy = db.session.get(Attachment, reused.get_json()["id"])
    db.session.refresh(copy)
    assert copy.reused_from_attachment_id is None  # ON DELETE SET NULL: the link goes, the file stays
    assert sha256_of(storage.path_of("uploads", copy.stored_name)) == scanned["sha256"]
    assert _submit(client, headers, second_id).status_code == 200


def test_person_store_is_for_staff_of_a_unit_where_the_person_applied(client, demo):
    walk_in(client, desk(client))
    here = client.get(f"/api/v1/people/{PERSON['national_id']}/digitised", headers=desk(client))
    assert here.status_code == 200 and len(here.get_json()) == 1
    elsewhere = client.get(f"/api/v1/people/{PERSON['national_id']}/digitised", headers=desk(client, "dong-van"))
    assert elsewhere.status_code == 404
    unknown = client.get("/api/v1/people/026195009999/digitised", headers=desk(client))
    assert unknown.status_code == 404
    citizen = client.get(f"/api/v1/people/{PERSON['national_id']}/digitised",
                         headers=api_token(client, "citizen@demo.vn"))
    assert citizen.status_code == 404


def test_a_citizen_sees_only_their_own_store_and_cannot_reuse_another_persons(client, demo, db, app):
    owner = demo.citizen
    walk_in(client, desk(client), applicant={"full_name": owner.full_name, "national_id": owner.national_id,
                                             "phone": "0912345678"})
    mine = client.get("/api/v1/me/digitised", headers=api_token(client, "citizen@demo.vn"))
    assert mine.status_code == 200
    (item,) = mine.get_json()
    download = client.get(item["download"], headers=api_token(client, "citizen@demo.vn"))
    assert download.status_code == 200 and hashlib.sha256(download.data).hexdigest() == item["sha256"]
    download.close()

    other = api_token(client, "citizen2@demo.vn")
    assert client.get("/api/v1/me/digitised", headers=other).get_json() == []
    assert client.get(item["download"], headers=other).status_code == 404
    draft = client.post("/api/v1/applications", headers=other, json={
        "service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": {}})
    assert draft.status_code == 201, draft.get_json()
    draft_id = draft.get_json()["id"]
    files_before = files_in(app.config["UPLOAD_DIR"])
    refused = reuse(client, other, draft_id, item["id"])
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json" and "reuse" in refused.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.application_id == draft_id)) == 0
    assert files_in(app.config["UPLOAD_DIR"]) == files_before


def test_reuse_refuses_bad_input_by_field(client, demo, db):
    headers = desk(client)
    _, scanned = counter_draft(client, headers)
    second_id, _ = counter_draft(client, headers, data=pdf_bytes("Ban khac"))
    unknown_key = reuse(client, headers, second_id, f"attachment-{scanned['id']}", key="no_such_document")
    assert unknown_key.status_code == 422 and "document" in unknown_key.get_json()["errors"]
    for wrong in ("attachment-999999", "", True, None):
        answer = reuse(client, headers, second_id, wrong)
        assert answer.status_code == 422 and "reuse" in answer.get_json()["errors"], wrong
    # Only the one scan of the second draft: nothing was added by the refusals.
    assert db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.application_id == second_id)) == 1
