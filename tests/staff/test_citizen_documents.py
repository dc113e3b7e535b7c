"""The citizen's application page lists their issued documents with download and verification links; the
documents stay theirs: another citizen is told nothing exists."""
from tests.factories import login

from .conftest import document_item, links, result_of


def test_the_citizen_downloads_and_verifies_their_documents(client, db, approved):
    login(client, "citizen@demo.vn")
    page = client.get(f"/ho-so/{approved.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('id="issued-title"') == 1  # the documents list, not also the page's old fallback
    for document in approved.documents:
        item = document_item(html, document)
        assert document.number in item and document.code in item
        assert f"/van-ban/{document.id}" in links(item) and f"/verify/{document.code}" in links(item)
        assert "/thu-hoi" not in item and "phieu-kiem-soat" not in item
    assert "phieu-kiem-soat" not in html and "so-theo-doi" not in html

    result = result_of(approved)
    download = client.get(f"/van-ban/{result.id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF-")
    assert client.get(f"/verify/{result.code}").status_code == 200


def test_another_citizen_gets_404_for_the_download(app, client, db, approved):
    result = result_of(approved)
    login(client, "citizen2@demo.vn")
    assert client.get(f"/van-ban/{result.id}").status_code == 404
    assert client.get(f"/ho-so/{approved.id}").status_code == 404


def test_a_revoked_document_is_marked_for_the_citizen(app, client, db, demo, approved):
    from portal.documents.issue import revoke_document
    result = result_of(approved)
    with app.test_request_context():
        revoke_document(result, demo.staff("leader", "tam-hong"), "Cấp nhầm người")
        db.session.commit()
    login(client, "citizen@demo.vn")
    item = document_item(client.get(f"/ho-so/{approved.id}").get_data(as_text=True), result)
    assert "Đã thu hồi" in item and f"/verify/{result.code}" in links(item)
