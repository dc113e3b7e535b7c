"""Every refusal a person reads has its English: the texts that operations and views raise, put beside a
field (`errors[...]`, `errors=`, `form.x.errors.append`), flash or abort with, are marked for translation and
translated, and a refusal naming a value (a unit, a limit) is a registered pattern rather than an f-string,
which no catalogue can hold. Found by reading the source, so a new refusal cannot slip past.

Left Vietnamese on purpose: the answers to the national portal and the sandboxes of outside systems (they
speak those systems' language), the payment gateway's protocol errors, and the command line."""
import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from portal import i18n

ROOT = Path(__file__).resolve().parents[2] / "portal"
VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđĐ]")
MARKERS = {"N_", "_", "_l", "gettext", "lazy_gettext", "pattern", "ngettext"}
MACHINE_FACING = ("national/inbound", "national/sandbox", "reports/reporting_sandbox", "payments/vnpay",
                  "sandbox_vneid/", "/cli.py")


def _called(node) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _texts(node, constants, marked=False, seen=()):
    """(line, text, is_fstring) for each Vietnamese literal in `node` outside a marker call; names of module
    constants are followed."""
    if isinstance(node, ast.Call) and _called(node) in MARKERS:
        marked = True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if VIETNAMESE.search(node.value) and not marked:
            yield node.lineno, node.value, False
        return
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if VIETNAMESE.search(text) and not marked:
            yield node.lineno, text, True
        return
    if isinstance(node, ast.Name) and node.id in constants and node.id not in seen:
        yield from _texts(constants[node.id], constants, marked, (*seen, node.id))
        return
    for child in ast.iter_child_nodes(node):
        yield from _texts(child, constants, marked, seen)


def _shown(tree):
    """The expressions of a module that end up in front of a person."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            yield node.exc
        elif isinstance(node, ast.Call):
            name = _called(node)
            appends_an_error = (name == "append" and isinstance(node.func.value, ast.Attribute)
                                and node.func.value.attr == "errors")
            if name in ("flash", "abort") or appends_an_error:
                yield node
            yield from (keyword.value for keyword in node.keywords if keyword.arg == "errors")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                        and target.value.id == "errors"):
                    yield node.value


def refusal_texts():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        if any(part in f"/{where}" for part in MACHINE_FACING):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)}
        for expression in _shown(tree):
            found.extend((where, line, text, fstring) for line, text, fstring in _texts(expression, constants))
    return sorted(set(found))


def test_the_reader_finds_refusals():
    """The scan itself: it sees the refusals it is meant to see (an unmarked one would be reported)."""
    tree = ast.parse('MSG = "Không được."\ndef f(errors):\n    errors["x"] = [MSG]\n    raise E(f"Hạn {n}.")\n'
                     '    raise E(N_("Đã đánh dấu."))\n')
    constants = {"MSG": tree.body[0].value}
    seen = [text for expression in _shown(tree) for _, text, _ in _texts(expression, constants)]
    assert seen == ["Không được.", "Hạn ."]


def test_no_refusal_is_an_fstring():
    fstrings = [f"{where}:{line}: {text}" for where, line, text, fstring in refusal_texts() if fstring]
    assert fstrings == [], "use i18n.pattern(N_('… %(name)s …')) % {...} instead"


def test_every_refusal_has_its_english(app):
    with app.test_request_context("/"), force_locale("en"):
        untranslated = [f"{where}:{line}: {text}" for where, line, text, _ in refusal_texts()
                        if gettext(text) == text]
    assert untranslated == []


def test_every_registered_pattern_has_its_english_with_the_same_placeholders(app):
    with app.test_request_context("/"), force_locale("en"):
        for vietnamese in i18n.registered_patterns():
            english = gettext(vietnamese)
            assert english != vietnamese, vietnamese
            assert sorted(i18n._PLACEHOLDER.findall(english)) == sorted(i18n._PLACEHOLDER.findall(vietnamese))


@pytest.mark.parametrize("vietnamese, english", [
    ("Tệp vượt quá dung lượng cho phép (10 MB).", "The file is larger than the 10 MB allowed."),
    ("Xã Tam Hồng đã ngừng hoạt động; không thể chuyển hồ sơ.",
     "Xã Tam Hồng is no longer active; the application cannot be transferred."),
    ("Không xác định được đơn vị cấp tỉnh có thẩm quyền giải quyết hồ sơ nhận tại Xã Tam Hồng.",
     "No provincial unit competent to decide an application received at Xã Tam Hồng could be found."),
    ("Ý kiến tối đa 1000 ký tự.", "A comment has at most 1000 characters."),
])
def test_a_filled_in_refusal_reads_in_english_with_its_values(app, vietnamese, english):
    with app.test_request_context("/"):
        assert i18n.translated(vietnamese) == vietnamese
        with force_locale("en"):
            assert i18n.translated(vietnamese) == english


# ---------------------------------------------------------------- as the API answers them

@pytest.mark.parametrize("accept, detail", [
    ("en", "The file is larger than the 0.1 MB allowed."),
    (None, "Tệp vượt quá dung lượng cho phép (0.1 MB)."),
])
def test_an_oversized_upload_is_refused_in_the_language_asked_for(app, client, db, demo, monkeypatch,
                                                                  accept, detail):
    import io

    from portal.models import Attachment
    from tests.factories import api_token, png_bytes, valid_data
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 0.1)
    headers = api_token(client, "citizen@demo.vn")
    draft = client.post("/api/v1/applications", headers=headers, json={
        "service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": valid_data("dang-ky-khai-sinh")}).get_json()
    if accept:
        headers["Accept-Language"] = accept
    key = client.get("/api/v1/services/dang-ky-khai-sinh").get_json()["documents"][0]["key"]
    response = client.post(f"/api/v1/applications/{draft['id']}/attachments", headers=headers,
                           data={"document": key, "file": (io.BytesIO(png_bytes() + b"\0" * (110 * 1024)),
                                                           "big.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.get_json()["detail"] == detail
    assert db.session.query(Attachment).count() == 0


@pytest.mark.parametrize("accept, message", [
    ("en", "A search has at most 488 characters."),
    (None, "Nội dung tìm kiếm dài tối đa 488 ký tự."),
])
def test_a_search_too_long_is_refused_in_the_language_asked_for(client, demo, accept, message):
    from tests.factories import api_token
    headers = api_token(client, "receiver.tam-hong@demo.vn")
    if accept:
        headers["Accept-Language"] = accept
    response = client.get("/api/v1/applications", headers=headers, query_string={"q": "a" * 489})
    assert response.status_code == 422
    assert response.get_json()["errors"]["q"] == [message]


@pytest.mark.parametrize("accept, message", [
    ("en", "Please attach: Birth notice."),
    (None, "Vui lòng đính kèm Giấy chứng sinh."),
])
def test_a_missing_document_is_named_in_the_language_asked_for(client, demo, accept, message):
    from tests.factories import api_token, valid_data
    headers = api_token(client, "citizen@demo.vn")
    draft = client.post("/api/v1/applications", headers=headers, json={
        "service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": valid_data("dang-ky-khai-sinh")}).get_json()
    if accept:
        headers["Accept-Language"] = accept
    response = client.post(f"/api/v1/applications/{draft['id']}/submit", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["documents.birth_notice"] == [message]
