"""The leader sees the result as it will be issued before approving (issue 14, point 7): a PDF rendered
from the application now, marked "BẢN XEM TRƯỚC" and "(Chưa ký)", never numbered, signed or stored, and
open only to the leader of the unit holding an application that waits for approval."""
from sqlalchemy import func, select

from portal.models import Counter, Document
from tests.documents.conftest import pdf_text
from tests.factories import login, make_application
from tests.operations.helpers import desk_url, fresh

from .conftest import BIRTH, UNIT, staff


def _awaiting(db, demo, advance):
    return advance(make_application(db, demo.citizen, BIRTH, UNIT), "accept", "submit_for_approval")


def _document_numbers(db):
    return {c.scope: c.value for c in db.session.execute(select(Counter)).scalars() if c.scope.startswith("doc:")}


def _url(application):
    return f"{desk_url(application)}/xem-truoc-ket-qua"


def test_the_leader_previews_the_result_from_the_approve_form(client, db, demo, advance):
    application = _awaiting(db, demo, advance)
    documents = db.session.scalar(select(func.count()).select_from(Document))
    counters = _document_numbers(db)
    login(client, staff("leader"))
    html = client.get(desk_url(application)).get_data(as_text=True)
    approve = html[html.index('data-action="approve"'):]
    assert f'href="{_url(application)}"' in approve[:approve.index("</form>")]
    answer = client.get(_url(application))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Cache-Control"] == "no-store"
    pdf = answer.get_data()
    text = pdf_text(pdf)
    assert "BẢN XEM TRƯỚC" in text and "(Chưa ký)" in text and "(Đã ký số)" not in text
    assert "GIẤY KHAI SINH" in text  # the service's result.title
    assert application.data["child_full_name"] in text
    assert "…" not in text and "Số:" not in text and "Mã xác thực" not in text
    assert b"/ByteRange" not in pdf  # not signed
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Document)) == documents  # not stored
    assert _document_numbers(db) == counters  # not numbered
    assert fresh(db, application).state == "awaiting_approval"


def test_only_the_deciding_leader_may_preview(client, db, demo, advance):
    application = _awaiting(db, demo, advance)
    login(client, staff("handler"))
    assert client.get(_url(application)).status_code == 403
    assert "xem-truoc-ket-qua" not in client.get(desk_url(application)).get_data(as_text=True)


def test_another_units_leader_does_not_find_it(client, db, demo, advance):
    application = _awaiting(db, demo, advance)
    login(client, staff("leader", "dong-van"))
    assert client.get(_url(application)).status_code == 404


def test_no_preview_before_or_after_the_approval_step(client, db, demo, advance):
    application = advance(make_application(db, demo.citizen, BIRTH, UNIT), "accept")
    login(client, staff("leader"))
    assert client.get(_url(application)).status_code == 403
    advance(application, "submit_for_approval", "approve")
    assert client.get(_url(application)).status_code == 403
