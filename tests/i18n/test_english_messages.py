"""Messages raised by operations read in English where they are shown: a refusal on the desk page, the API's
problem+json (Accept-Language: en), the error page; the same requests stay Vietnamese by default, word for
word. The catalogues of texts marked outside their modules stay in step with those modules."""
import html as html_module
import re

import pytest

from tests.factories import api_token, csrf_token_from, login, make_application
from tests.i18n.conftest import switch_language

UNIT = "tam-hong"
NO_LEGAL_BASIS_VI = "Vui lòng nêu căn cứ pháp lý (điều, khoản, văn bản quy định) của việc từ chối."
NO_LEGAL_BASIS_EN = "Please give the legal basis (article, clause, regulation) for the refusal."


def desk(application):
    return f"/can-bo/ho-so/{application.id}"


def refuse_without_legal_basis(client, db, application):
    page = client.get(desk(application)).get_data(as_text=True)
    db.session.refresh(application)
    return client.post(f"{desk(application)}/thao-tac/refuse", data={
        "csrf_token": csrf_token_from(page), "version": application.version, "note": "Thiếu giấy tờ",
        "confirm": "y"})


def text_of(response):
    return html_module.unescape(response.get_data(as_text=True))


def test_a_refusal_without_legal_basis_is_explained_in_english(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, f"receiver.{UNIT}@demo.vn")
    switch_language(client, "en", from_page=desk(application))
    response = refuse_without_legal_basis(client, db, application)
    assert response.status_code == 422
    text = text_of(response)
    assert NO_LEGAL_BASIS_EN in text
    assert NO_LEGAL_BASIS_VI not in text
    db.session.refresh(application)
    assert application.state == "submitted"


def test_the_same_refusal_stays_vietnamese_by_default(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, f"receiver.{UNIT}@demo.vn")
    text = text_of(refuse_without_legal_basis(client, db, application))
    assert NO_LEGAL_BASIS_VI in text and NO_LEGAL_BASIS_EN not in text


def test_a_refusal_naming_an_action_is_translated_with_its_english_label(app):
    from flask_babel import force_locale

    from portal.i18n import translated
    vietnamese = "Không thể thực hiện «Phê duyệt» khi hồ sơ đang ở trạng thái «Đã nộp»."
    with app.test_request_context("/"):
        assert translated(vietnamese) == vietnamese
        with force_locale("en"):
            assert translated(vietnamese) == "“Approve” is not possible while the application is “Submitted”."
            # A workflow's label on its own, as the desk's history shows it.
            assert translated("Chờ phê duyệt") == "Awaiting approval"
            assert translated("Lời nhắn của công dân") == "Lời nhắn của công dân"  # unknown text: unchanged


@pytest.mark.parametrize("accept, title, detail", [
    ("en", "Invalid data", NO_LEGAL_BASIS_EN),
    ("en-GB,en;q=0.9,vi;q=0.5", "Invalid data", NO_LEGAL_BASIS_EN),
    (None, "Dữ liệu không hợp lệ", NO_LEGAL_BASIS_VI),
    ("vi-VN,vi;q=0.9,en;q=0.5", "Dữ liệu không hợp lệ", NO_LEGAL_BASIS_VI),
    ("fr", "Dữ liệu không hợp lệ", NO_LEGAL_BASIS_VI),
])
def test_api_problem_follows_accept_language(client, db, demo, accept, title, detail):
    application = make_application(db, demo.citizen)
    headers = api_token(client, f"receiver.{UNIT}@demo.vn")
    if accept:
        headers["Accept-Language"] = accept
    response = client.post(f"/api/v1/applications/{application.id}/actions/refuse", headers=headers,
                           json={"version": application.version, "note": "Thiếu giấy tờ"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert (body["title"], body["detail"]) == (title, detail)
    assert body["errors"]["legal_basis"] == [detail]
    assert body["code"] == "missing_input"  # the machine's reason does not change with the language


def test_api_not_found_in_english(client, demo):
    headers = api_token(client, f"receiver.{UNIT}@demo.vn")
    english = client.get("/api/v1/applications/999999", headers={**headers, "Accept-Language": "en"})
    assert english.status_code == 404
    assert english.get_json()["title"] == "Not found"
    default = client.get("/api/v1/applications/999999", headers=headers)
    assert default.get_json()["title"] == "Không tìm thấy"


def test_an_english_page_does_not_make_the_api_english(client, db, demo):
    """The API answers in the language its request asks for, not the browser session's choice."""
    switch_language(client, "en")
    response = client.get("/api/v1/applications/999999")
    assert response.status_code == 401
    assert response.get_json()["title"] == "Chưa đăng nhập"


def test_flashed_confirmation_of_a_desk_action_in_english(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, f"receiver.{UNIT}@demo.vn")
    switch_language(client, "en", from_page=desk(application))
    page = client.get(desk(application)).get_data(as_text=True)
    db.session.refresh(application)
    response = client.post(f"{desk(application)}/thao-tac/accept", data={
        "csrf_token": csrf_token_from(page), "version": application.version})
    assert response.status_code in (302, 303)
    text = text_of(client.get(response.headers["Location"]))
    assert "Done: “Accept the application”." in text
    assert "Đã thực hiện" not in text


# ---------------------------------------------------------------- texts marked outside their modules

def test_engine_texts_marked_for_translation_are_the_engines(app):
    """portal.i18n copies the workflow engine's refusals (workflows/ imports no Flask): each copy must be a
    text the engine says, or its English would silently disappear."""
    import inspect

    from portal import i18n
    from workflows import engine
    source = " ".join(inspect.getsource(engine).split())
    source = re.sub(r'"\s*f?"', "", source)  # joins the engine's implicitly concatenated literals
    for text in i18n.ENGINE_TEXTS:
        assert text in source, text
    for pattern in i18n.ENGINE_PATTERNS:
        as_engine = pattern.replace("%(label)s", "{label}").replace("%(state)s", "{state_label}")
        assert as_engine in source, pattern
    assert set(engine._INPUT_MESSAGES.values()) <= set(i18n.ENGINE_TEXTS) | {
        p.replace("%(label)s", "{label}") for p in i18n.ENGINE_PATTERNS}


def test_document_titles_marked_for_translation_are_the_kinds(app):
    from portal import i18n
    from portal.documents.kinds import TITLES
    assert set(TITLES.values()) == set(i18n.DOCUMENT_TITLES)


def test_every_marked_text_has_an_english_translation(app):
    from flask_babel import force_locale

    from portal import i18n
    from portal.admin.diagram import LEGEND
    from portal.admin.staff import ROLE_LABELS
    from portal.operations.inbox import CHANNEL_LABELS, DUE_FILTERS
    texts = (i18n.ENGINE_TEXTS + i18n.ENGINE_PATTERNS + i18n.DOCUMENT_TITLES + i18n.EXTERNAL_TEXTS
             + tuple(label for _, label in LEGEND) + tuple(ROLE_LABELS.values())
             + tuple(CHANNEL_LABELS.values()) + tuple(DUE_FILTERS.values()))
    with app.test_request_context("/"), force_locale("en"):
        from flask_babel import gettext
        assert [t for t in texts if gettext(t) == t] == []
