"""Helpers of the desk-and-citizen-page integration tests: applications moved along the workflow as the
pages move them, and the pieces of a page that belong to one issued document."""
import html as html_lib
import re

import pytest

UNIT = "tam-hong"
BIRTH = "dang-ky-khai-sinh"  # commune workflow, decided by the commune leader
MARITAL = "xac-nhan-tinh-trang-hon-nhan"  # commune workflow, level 4 (postal delivery possible)
CERTIFIED_COPY = "chung-thuc-ban-sao-tu-ban-chinh"  # level 3, a per-page fee taken at the desk


def staff(role, slug=UNIT):
    return f"{role}.{slug}@demo.vn"


def desk_url(application):
    return f"/can-bo/ho-so/{application.id}"


@pytest.fixture
def advance(app, db, demo):
    """advance(application, "accept", "submit_for_approval", …): each action fired through `fire()` by the
    role the workflow expects at the commune, committed one by one as the pages commit them."""
    from portal.operations.transitions import fire
    roles = {"accept": "receiver", "submit_for_approval": "handler", "approve": "leader",
             "deliver": "receiver", "pay": "receiver"}

    def run(application, *actions):
        for action in actions:
            # Inside a request, as pages and the API fire them (the e-mail templates read the request).
            with app.test_request_context():
                fire(application, action, demo.staff(roles[action], UNIT))
                db.session.commit()
        return application
    return run


@pytest.fixture
def approved(db, demo, advance):
    """A birth registration of citizen@demo.vn decided by the commune: its result is issued."""
    from tests.factories import make_application
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    advance(application, "accept", "submit_for_approval", "approve")
    assert application.state == "result_ready"
    return application


def result_of(application):
    return next(d for d in application.documents if d.kind == "result")


def document_item(page_html: str, document) -> str:
    """The list item of one document in a page's list of issued documents."""
    match = re.search(rf'<li[^>]*data-document="{document.id}"[^>]*>(.*?)</li>', page_html, re.S)
    assert match, f"document {document.id} is not listed on the page"
    return match.group(1)


def links(fragment: str) -> list[str]:
    return [html_lib.unescape(href) for href in re.findall(r'href="([^"]+)"', fragment)]
