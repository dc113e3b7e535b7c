"""Helpers of the documents tests: read a PDF back as text (poppler's pdftotext), development keys, an
application moved through the workflow."""
import subprocess
import unicodedata

import pytest


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, NFC-normalised, with runs of white space folded (layout may wrap lines). In the
    order it was written (-raw): a table cell wrapped on several lines stays together, where -layout
    interleaves the cells side by side (the 14 columns of the register, form 07)."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf,
                         capture_output=True, check=True)
    text = unicodedata.normalize("NFC", out.stdout.decode("utf-8"))
    return " ".join(text.split())


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory):
    from portal.documents.pki import UnitIdentity, init_dev
    pki_dir = tmp_path_factory.mktemp("pki")
    init_dev(pki_dir, [UnitIdentity("tam-hong", "Ủy ban nhân dân xã Tam Hồng"),
                       UnitIdentity("yen-lac", "Ủy ban nhân dân huyện Yên Lạc")])
    return pki_dir


@pytest.fixture
def pki(app):
    """Development keys for every demo unit under the app's PKI_DIR (made once, then reused)."""
    from portal.documents import keys
    from portal.documents.pki import UnitIdentity, init_dev
    from portal.operations.seed import UNITS
    init_dev(app.config["PKI_DIR"], [UnitIdentity(slug, name) for slug, _code, name, *_rest in UNITS])
    keys.forget()
    return app.config["PKI_DIR"]


@pytest.fixture
def flow(app, db, demo, pki):
    """An application through the workflow, one step per call, as the staff pages fire them."""
    from tests.factories import make_application

    class Flow:
        def __init__(self):
            self.application = None

        # Inside a request context, as pages and the API fire them (e-mail templates read the request).
        def submitted(self, citizen=None, **kwargs):
            with app.test_request_context():
                self.application = make_application(db, citizen or demo.citizen, **kwargs)
            return self

        def fire(self, action, actor, **kwargs):
            from portal.operations.transitions import fire
            with app.test_request_context():
                event = fire(self.application, action, actor, **kwargs)
                db.session.commit()
            return event

        def documents(self, kind):
            db.session.refresh(self.application)
            return [d for d in self.application.documents if d.kind == kind]

    return Flow()


def login_leader(client, db, email):
    """Leaders sign in with a TOTP code too, which is the admin feature's to test: here the session is
    opened as the code page opens it once the code is right (Flask-Login's user id in the session)."""
    from flask import current_app
    from flask_login.utils import _create_identifier
    from sqlalchemy import select

    from portal.models import User
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    # Session protection ("strong") binds the session to the client's address and user agent.
    with current_app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.clear()
        session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})
    return user
