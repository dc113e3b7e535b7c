"""Two-step sign-in for tests: enrol an account directly and compute its current code with pyotp."""
import time

import pyotp

from tests.factories import PASSWORD, post_form


def enrol(db, user, secret=None):
    """Gives `user` a TOTP secret (as if enrolled) and returns it."""
    secret = secret or pyotp.random_base32()
    user.totp_secret = secret
    user.recovery_codes = []
    db.session.commit()
    return secret


def fresh_code(db, user, secret):
    """A code the portal will accept now: the current step's or, when that one was already used (two
    sign-ins within 30 seconds), the next step's, which the portal tolerates as clock drift."""
    from portal.models import Counter
    totp = pyotp.TOTP(secret)
    step = int(time.time() // totp.interval)
    db.session.expire_all()
    used = db.session.get(Counter, f"totp:{user.id}")
    if used is not None and used.value >= step:
        step = used.value + 1
    return totp.generate_otp(step)


def login_with_totp(client, db, email, password=PASSWORD):
    """Signs an administrator or leader in through both steps (enrolling them first if needed)."""
    from portal.models import User
    from sqlalchemy import select
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    secret = user.totp_secret or enrol(db, user)
    first = post_form(client, "/dang-nhap", {"email": email, "password": password})
    assert first.status_code == 302, first.get_data(as_text=True)[:500]
    assert "/quan-tri/xac-thuc-hai-buoc" in first.headers["Location"], first.headers
    second = post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": fresh_code(db, user, secret)})
    assert second.status_code == 302, second.get_data(as_text=True)[:800]
    return second


def second_factor_code(email):
    """For accounts that need a second step (administrators, leaders): enrols them if needed and returns a
    code the portal accepts now; None for everybody else. Usable from tests/factories.py (`login`,
    `api_token`) inside the `app` fixture's context."""
    from sqlalchemy import select

    from portal.auth.permissions import needs_second_factor
    from portal.extensions import db
    from portal.models import User
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not needs_second_factor(user):
        return None
    secret = user.totp_secret or enrol(db, user)
    return fresh_code(db, user, secret)


def complete_second_step(client, email):
    """After the password step redirected to the code page: posts a valid code, returns the response."""
    code = second_factor_code(email)
    assert code is not None, f"{email} needs no second step"
    response = post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return response
