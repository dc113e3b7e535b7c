"""Every staff, admin and citizen page, opened by each demo role with English chosen, says nothing in
Vietnamese outside elements marked lang="vi" (proper names, the citizen's answers, legal texts); the same
pages in Vietnamese keep their Vietnamese texts."""
import html as html_module

import pytest

from portal.operations.transitions import fire
from tests.factories import login, make_application
from tests.i18n.conftest import switch_language
from tests.i18n.english_crawl import vietnamese_leaks

UNIT = "tam-hong"
PUBLIC = ["/", "/thu-tuc", "/thu-tuc/dang-ky-khai-sinh", "/thu-tuc?q=khai+sinh", "/tra-cuu", "/xac-minh",
          "/dang-nhap", "/dang-ky", "/quen-mat-khau"]
CITIZEN = ["/ho-so", "/thu-tuc/dang-ky-khai-sinh/nop-ho-so", "/thu-tuc/chung-thuc-ban-sao-tu-ban-chinh/nop-ho-so",
           "/thu-tuc/cap-giay-phep-xay-dung-nha-o-rieng-le/nop-ho-so", "/kho-du-lieu",
           "/ho-so/nhan-ho-so-tai-quay", "/tai-khoan/doi-mat-khau"]
STAFF = ["/can-bo/hop-viec", "/can-bo/ho-so", "/can-bo/tiep-nhan-truc-tiep",
         "/can-bo/tiep-nhan-truc-tiep/dang-ky-khai-sinh", "/bao-cao/", "/van-ban/so-theo-doi"]
ADMIN = ["/quan-tri/", "/quan-tri/can-bo", "/quan-tri/can-bo/moi", "/quan-tri/don-vi", "/quan-tri/don-vi/moi",
         f"/quan-tri/don-vi/{UNIT}", "/quan-tri/don-vi/vinh-phuc/hai-cap", "/quan-tri/lich", "/quan-tri/quy-trinh",
         "/quan-tri/thu-tuc", "/quan-tri/thu-tuc/dang-ky-khai-sinh", "/quan-tri/nhat-ky/bang-chung", "/bao-cao/"]


@pytest.fixture
def states(app, db, demo):
    """Applications of citizen@demo.vn in the main states of the commune workflow."""
    roles = {"accept": "receiver", "submit_for_approval": "handler", "approve": "leader",
             "request_supplement": "receiver", "deliver": "receiver"}

    def moved(*actions, slug="dang-ky-khai-sinh"):
        application = make_application(db, demo.citizen, slug, UNIT)
        for action in actions:
            with app.test_request_context():
                inputs = {"items": ["Giấy chứng sinh bản chính"]} if action == "request_supplement" else None
                fire(application, action, demo.staff(roles[action], UNIT), note="Ghi chú", inputs=inputs)
                db.session.commit()
        return application
    return {
        "draft": make_application(db, demo.citizen, submit=False),
        "submitted": moved(),
        "processing": moved("accept"),
        "awaiting_approval": moved("accept", "submit_for_approval"),
        "result_ready": moved("accept", "submit_for_approval", "approve"),
        "completed": moved("accept", "submit_for_approval", "approve", "deliver"),
        "supplement_requested": moved("request_supplement"),
        "copy": moved("accept", slug="chung-thuc-ban-sao-tu-ban-chinh"),
    }


def crawl(client, urls, forbidden_ok=()):
    found = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 403 and url in forbidden_ok:
            continue  # a page this role may not open (the counter for a handler, reports for a receiver)
        assert response.status_code == 200, (url, response.status_code)
        text = response.get_data(as_text=True)
        assert '<html lang="en"' in text, url
        leaks = vietnamese_leaks(text)
        if leaks:
            found[url] = leaks
    return found


def report(found):
    return "\n".join(f"{url}\n    " + "\n    ".join(html_module.unescape(leak) for leak in leaks)
                     for url, leaks in found.items())


def test_public_pages_in_english(client, demo):
    switch_language(client, "en")
    found = crawl(client, PUBLIC)
    assert not found, report(found)


def test_citizen_pages_in_english(client, demo, states):
    login(client, "citizen@demo.vn")
    switch_language(client, "en")
    draft = states["draft"].id
    urls = CITIZEN + [f"/ho-so/{a.id}" for name, a in states.items() if name != "draft"] + [
        f"/ho-so/{draft}/sua", f"/ho-so/{draft}/kiem-tra", f"/ho-so/{states['completed'].id}/danh-gia"]
    found = crawl(client, urls)
    assert not found, report(found)


@pytest.mark.parametrize("role", ["receiver", "handler", "leader"])
def test_staff_pages_in_english(client, demo, states, role):
    login(client, f"{role}.{UNIT}@demo.vn")
    switch_language(client, "en")
    urls = STAFF + [f"/can-bo/ho-so/{a.id}" for name, a in states.items() if name != "draft"]
    found = crawl(client, urls, forbidden_ok=STAFF)
    assert not found, report(found)


def test_admin_pages_in_english(client, demo):
    login(client, "admin@demo.vn")
    switch_language(client, "en")
    staff_id = demo.staff("receiver", UNIT).id
    found = crawl(client, ADMIN + [f"/quan-tri/can-bo/{staff_id}"])
    assert not found, report(found)


@pytest.mark.parametrize("role", ["receiver", "leader"])
def test_staff_forms_in_english(client, demo, states, role):
    """The pages behind the desk's buttons: correcting and revoking a result (the leader), digitising a
    result and taking a fee at the desk (the receiver)."""
    result = next(d for d in states["result_ready"].documents if d.kind == "result")
    urls = {"leader": [f"/van-ban/{result.id}/dinh-chinh", f"/van-ban/{result.id}/thu-hoi"],
            "receiver": [f"/can-bo/ho-so/{states['processing'].id}/so-hoa-ket-qua",
                         f"/payments/applications/{states['copy'].id}/desk", "/can-bo/hop-viec?state=submitted",
                         "/can-bo/ho-so?q=zzz"]}[role]
    login(client, f"{role}.{UNIT}@demo.vn")
    switch_language(client, "en")
    found = crawl(client, urls)
    assert not found, report(found)


def test_vietnamese_stays_the_default_and_unmarked(client, demo, states):
    """Without the language button the same pages are Vietnamese, and nothing inside them is marked: the
    marks exist for English pages only."""
    login(client, f"receiver.{UNIT}@demo.vn")
    for url in ["/can-bo/hop-viec", f"/can-bo/ho-so/{states['processing'].id}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = html_module.unescape(response.get_data(as_text=True))
        assert '<html lang="vi"' in text and text.count('lang="vi"') == 1, url
        assert "Hộp việc" in text and "Work queue" not in text, url
    desk = html_module.unescape(client.get(f"/can-bo/ho-so/{states['processing'].id}").get_data(as_text=True))
    assert "Họ, chữ đệm và tên của trẻ" in desk and "Đang xử lý" in desk
    assert "Child's full name" not in desk and "Processing" not in desk


def test_public_answers_in_english(client, demo, states):
    """A document's verification page and an application's public lookup: names marked, labels in English."""
    result = next(d for d in states["result_ready"].documents if d.kind == "result")
    processing = states["processing"]
    switch_language(client, "en")
    found = crawl(client, [f"/verify/{result.code}",
                           f"/tra-cuu?code={processing.code}&phone={processing.applicant_phone[-4:]}"])
    assert not found, report(found)
