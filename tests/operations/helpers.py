"""Driving applications through the workflows as staff and citizens do: through the API (bearer tokens) and
through the staff desk pages (session + CSRF)."""
from datetime import timedelta

from sqlalchemy import event, func, select

from tests.factories import api_token, csrf_token_from, login

COMMUNE_SERVICE = "xac-nhan-tinh-trang-hon-nhan"  # commune workflow, level 4, no fee, 3 days
FEE_COMMUNE_SERVICE = "chung-thuc-ban-sao-tu-ban-chinh"  # commune workflow, level 3, fee per page
DISTRICT_SERVICE = "cap-giay-phep-xay-dung-nha-o-rieng-le"  # district workflow, level 4, fee, 15 days
LIEN_THONG_SERVICE = "dang-ky-thanh-lap-ho-kinh-doanh"  # commune-to-district, level 4, fee, 3 days


def fresh(db, application):
    """The application as committed now (the test's session may hold an older copy)."""
    from portal.models import Application
    db.session.expire_all()
    return db.session.get(Application, application.id)


def events_of(db, application):
    from portal.models import Event
    db.session.expire_all()
    return db.session.scalars(select(Event).where(Event.application_id == application.id)
                              .order_by(Event.id)).all()


def event_count(db, application) -> int:
    from portal.models import Event
    return db.session.scalar(select(func.count()).select_from(Event)
                             .where(Event.application_id == application.id))


class Api:
    """Bearer tokens per account, fetched once; `fire` posts the version the caller last saw."""

    def __init__(self, client, db):
        self.client, self.db, self._tokens = client, db, {}

    def headers(self, email):
        if email not in self._tokens:
            self._tokens[email] = api_token(self.client, email)
        return self._tokens[email]

    def fire(self, email, application, action, note="", version=None, **extra):
        if action == "submit" and version is None:
            # The citizen's own endpoint; the actions endpoint refuses a versioned submit (see
            # test_refusals.test_submit_through_the_actions_endpoint_with_its_version).
            return self.client.post(f"/api/v1/applications/{application.id}/submit",
                                    headers=self.headers(email))
        if version is None:
            version = fresh(self.db, application).version
        body = {"version": version, "note": note, **extra}
        return self.client.post(f"/api/v1/applications/{application.id}/actions/{action}", json=body,
                                headers=self.headers(email))

    def ok(self, email, application, action, note="", **extra):
        response = self.fire(email, application, action, note, **extra)
        assert response.status_code == 200, (action, email, response.get_json())
        return response.get_json()

    def actions(self, email, application):
        response = self.client.get(f"/api/v1/applications/{application.id}/actions",
                                   headers=self.headers(email))
        assert response.status_code == 200, response.get_json()
        return {a["action"] for a in response.get_json()}


def staff(role, slug):
    return f"{role}.{slug}@demo.vn"


def desk_url(application):
    return f"/can-bo/ho-so/{application.id}"


def page_fire(client, application, action, note="", version=None, **extra):
    """Posts one action form of the desk page as a browser would (the page's CSRF token and version)."""
    page = client.get(desk_url(application))
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    # the officer ticks the confirmation the desk asks for before a send-back or refusal
    data = {"csrf_token": csrf_token_from(html), "note": note, "confirm": "y", **extra}
    if version is None:
        import re
        match = re.search(rf'id="version-{action}"[^>]*value="(\d+)"', html) or \
            re.search(rf'value="(\d+)"[^>]*id="version-{action}"', html)
        assert match, f"no form for {action} on the desk page"
        version = int(match.group(1))
    data["version"] = version
    return client.post(f"{desk_url(application)}/thao-tac/{action}", data=data)


def sign_in(client, email):
    """Signs in through the login page; for those who also need a TOTP code (leaders: the admin feature's
    two-step sign-in, tested there) the session is opened as that second step would open it."""
    from sqlalchemy import select as _select

    from portal.auth.permissions import needs_second_factor
    from portal.extensions import db
    from portal.models import User
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    user = db.session.execute(_select(User).where(User.email == email)).scalar_one()
    if not needs_second_factor(user):
        return login(client, email)
    from flask_login.utils import _create_identifier
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what "strong" session protection compares
    with client.session_transaction() as session:
        session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})
    return None


def pause_since(db, application, days_ago: int):
    """Moves the moment the clock stopped into the past (instead of freezing time)."""
    from portal.timeutil import utcnow
    application = fresh(db, application)
    application.paused_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return application


class Statements:
    """The SQL statements the portal's engine runs inside `with Statements() as statements:`, and "COMMIT"
    where a transaction commits."""

    def __init__(self):
        self.seen = []

    def __enter__(self):
        from portal.extensions import db
        self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)
        event.listen(self.engine, "commit", self._committed)
        return self

    def __exit__(self, *_):
        event.remove(self.engine, "before_cursor_execute", self._seen)
        event.remove(self.engine, "commit", self._committed)

    def _committed(self, _conn):
        self.seen.append("COMMIT")

    def _seen(self, _conn, _cursor, statement, *_args):
        self.seen.append(" ".join(statement.split()))

    def reading(self, table):
        return [s for s in self.seen if s.startswith("SELECT") and f"FROM {table}" in s]
