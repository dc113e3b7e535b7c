"""The request's unit of work (portal/unit_of_work.py): a successful request commits once, at its end; a
refusal, an exception or an answer of 400 or more commits nothing, deletes the files it wrote and runs no
after-commit job. And no view or API module commits by itself."""
import io
import re
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from wtforms import StringField

from portal.models import Application, Counter, User
from portal.operations import Conflict, Invalid
from portal.unit_of_work import _dispatch_in_one_transaction, after_commit, refusal_into, track_new_file
from tests.factories import api_token, csrf_token_from, login, make_application, pdf_bytes, valid_data

PORTAL = Path(__file__).resolve().parents[2] / "portal"


@pytest.fixture
def commits():
    """Every commit of any session (the request's own included) while the test runs."""
    seen = []

    def count(session):
        if not session.in_nested_transaction():  # a released SAVEPOINT is no commit
            seen.append(session)
    event.listen(Session, "after_commit", count)
    yield seen
    event.remove(Session, "after_commit", count)


def _counter(db, scope):
    db.session.expire_all()
    return db.session.get(Counter, scope)


# -- through real pages and API calls -----------------------------------------------------------------

def test_a_successful_page_request_commits_once_at_its_end(client, db, commits):
    page = client.get("/dang-ky").get_data(as_text=True)
    commits.clear()
    response = client.post("/dang-ky", data={
        "csrf_token": csrf_token_from(page), "full_name": "Lê Thị Hoa", "email": "hoa@example.vn",
        "phone": "0912345678", "national_id": "026199004321", "password": "Mat-khau-2026!",
        "confirm": "Mat-khau-2026!"})
    assert response.status_code == 302
    assert len(commits) == 1
    assert db.session.execute(select(User).where(User.email == "hoa@example.vn")).scalar_one()


def test_a_successful_api_call_commits_once(client, db, demo, commits):
    headers = api_token(client, "citizen@demo.vn")
    commits.clear()
    response = client.post("/api/v1/applications", headers=headers, json={
        "service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": valid_data("dang-ky-khai-sinh")})
    assert response.status_code == 201, response.get_json()
    assert len(commits) == 1
    db.session.expire_all()
    assert db.session.get(Application, response.get_json()["id"]).state == "draft"


def test_a_refused_page_leaves_no_row_and_no_file(app, client, db, demo):
    login(client, "citizen@demo.vn")
    folder = Path(app.config["UPLOAD_DIR"])
    page = client.get("/thu-tuc/dang-ky-khai-sinh/nop-ho-so").get_data(as_text=True)
    data = {name: ("y" if value is True else str(value))
            for name, value in valid_data("dang-ky-khai-sinh").items() if value not in (None, False)}
    data.update(csrf_token=csrf_token_from(page), receiving_unit="tam-hong", intent="submit",
                doc_parents_marriage_certificate=(io.BytesIO(pdf_bytes()), "tot.pdf"),
                doc_birth_notice=(io.BytesIO(b"not a scan at all"), "xau.pdf"))
    response = client.post("/thu-tuc/dang-ky-khai-sinh/nop-ho-so", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Chỉ chấp nhận tệp PDF, JPEG hoặc PNG" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Application).count() == 0
    assert not folder.exists() or not [p for p in folder.iterdir() if p.is_file()]


def test_a_409_answer_commits_nothing(client, db, demo, commits):
    application = make_application(db, demo.citizen, "xac-nhan-tinh-trang-hon-nhan", "tam-hong")
    login(client, "receiver.tam-hong@demo.vn")
    page = client.get(f"/can-bo/ho-so/{application.id}").get_data(as_text=True)
    commits.clear()
    response = client.post(f"/can-bo/ho-so/{application.id}/phan-cong", data={
        "csrf_token": csrf_token_from(page), "handler": demo.staff("handler", "tam-hong").id,
        "version": application.version - 1})
    assert response.status_code == 409
    assert commits == []


# -- the dispatch wrapper itself, around stand-in views ---------------------------------------------------

def _writing_view(db, tmp_path, jobs, answer):
    """A view that adds a row, writes a tracked file, queues an after-commit job, then answers `answer`
    (or raises it)."""
    def view():
        db.session.add(Counter(scope="uow-test", value=1))
        db.session.flush()
        path = tmp_path / "written.bin"
        path.write_bytes(b"x")
        track_new_file(db.session, path)
        after_commit(db.session, jobs.append, "sent")
        if isinstance(answer, Exception):
            raise answer
        return answer
    return view


def test_a_success_commits_keeps_the_file_and_runs_the_job_after_the_commit(app, db, tmp_path, commits):
    jobs = []
    with app.test_request_context("/"):
        response = _dispatch_in_one_transaction(app, _writing_view(db, tmp_path, jobs, ("done", 200)))
    assert response.status_code == 200
    assert len(commits) == 1 and jobs == ["sent"]
    assert _counter(db, "uow-test").value == 1
    assert (tmp_path / "written.bin").exists()


@pytest.mark.parametrize("answer", [("refused", 422), ("gone", 404), ("broken", 500)])
def test_an_answer_of_400_or_more_commits_nothing(app, db, tmp_path, commits, answer):
    jobs = []
    with app.test_request_context("/"):
        response = _dispatch_in_one_transaction(app, _writing_view(db, tmp_path, jobs, answer))
    assert response.status_code == answer[1]
    assert commits == [] and jobs == []
    assert _counter(db, "uow-test") is None
    assert not (tmp_path / "written.bin").exists()


def test_an_exception_rolls_back_before_the_error_handlers(app, db, tmp_path, commits):
    jobs = []
    with app.test_request_context("/"), pytest.raises(Conflict):
        _dispatch_in_one_transaction(app, _writing_view(db, tmp_path, jobs, Conflict("Đã thay đổi.")))
    assert commits == [] and jobs == []
    assert _counter(db, "uow-test") is None
    assert not (tmp_path / "written.bin").exists()


# -- refusal_into ------------------------------------------------------------------------------------------

class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Tên")


def test_refusal_into_undoes_the_writes_and_puts_the_errors_on_the_form(app, db, tmp_path, commits):
    jobs = []
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        form = NameForm()
        with refusal_into(form) as refused:
            _writing_view(db, tmp_path, jobs, None)()
            raise Invalid("Không hợp lệ.", errors={"name": ["Tên đã có."]})
        assert isinstance(refused.error, Invalid)
        assert form.name.errors == ["Tên đã có."]
        assert refused.message is None  # placed beside its field, so nothing on top
        db.session.commit()  # what the request would do next: nothing of the refusal is left to commit
    assert jobs == []
    assert _counter(db, "uow-test") is None
    assert not (tmp_path / "written.bin").exists()


def test_a_released_savepoint_is_not_the_commit(app, db, tmp_path, commits):
    jobs = []
    path = tmp_path / "written.bin"
    path.write_bytes(b"x")
    track_new_file(db.session, path)
    after_commit(db.session, jobs.append, "sent")
    with db.session.begin_nested():  # as pinning a workflow version or storing a rating does
        db.session.add(Counter(scope="uow-test", value=1))
    assert jobs == []
    db.session.rollback()
    assert jobs == [] and commits == []
    assert not path.exists()


def test_refusal_into_lets_other_errors_through(app, db):
    with app.test_request_context("/"), pytest.raises(Conflict):
        with refusal_into(NameForm(formdata=None)):
            raise Conflict("Đã thay đổi.")


# -- no view commits by itself ------------------------------------------------------------------------------

# The commits allowed outside CLI commands and the bulk generator, each with the reason beside it.
ALLOWED_COMMITS = {
    "unit_of_work.py": 1,  # the request's one commit
    "payments/views.py": 1,  # the IPN answers the gateway only once its commit held
    # Not requests: the outbox's sender (a worker, or the after-commit hook) commits each claim and each outcome
    # on a session of its own, so a killed sender loses nothing and two never send one message.
    "outbox/sender.py": 5,
    "notifications/__init__.py": 1,  # an e-mail sent with no transaction open (a script) is committed at once
    "reports/sending.py": 1,  # the nightly RQ job sending the due reports
    "national/reconcile.py": 1,  # `flask national reconcile`, one commit per batch of 500
}
# Rolled back outside the request's unit of work: each in a worker or a command that commits its own work.
ALLOWED_ROLLBACKS = {"unit_of_work.py", "reports/sending.py", "national/reconcile.py"}


def _calls(pattern):
    found = {}
    for path in PORTAL.rglob("*.py"):
        relative = path.relative_to(PORTAL).as_posix()
        if path.name.endswith("cli.py") or relative == "admin/demo_volume.py":
            continue
        count = len(re.findall(pattern, path.read_text(encoding="utf-8")))
        if count:
            found[relative] = count
    return found


def test_no_view_or_api_module_commits_or_rolls_back():
    commits_found = _calls(r"\.commit\(\)")
    assert commits_found == ALLOWED_COMMITS
    assert not [module for module in commits_found if module.endswith(("views.py", "api.py"))
                and module != "payments/views.py"]
    assert set(_calls(r"\.rollback\(\)")) == ALLOWED_ROLLBACKS


def test_each_allowed_commit_says_why():
    for relative in ALLOWED_COMMITS:
        lines = (PORTAL / relative).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if ".commit()" in line:
                context = "\n".join(lines[max(0, number - 3):number + 1])
                assert "#" in context, (relative, number + 1)
