"""Flask-Login loaders: the session cookie for pages, the Authorization header for the API."""
import functools
import secrets

from sqlalchemy import bindparam, select

from ..by_id import by_id
from ..extensions import db, login_manager
from ..models import User
from .tokens import read_token

login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "warning"
login_manager.session_protection = "strong"


def new_session_token() -> str:
    return secrets.token_hex(16)


@login_manager.user_loader
def load_user(user_key: str):
    try:
        user_id, session_token = user_key.split(":", 1)
        user = by_id(User, int(user_id))
    except (ValueError, TypeError):
        return None
    return user if _still_valid(user, session_token) else None


@login_manager.request_loader
def load_user_from_bearer(req):
    found = _bearer(req)
    if found is None:
        return None
    user = by_id(User, found[0])
    return user if _still_valid(user, found[1]) else None


class Principal:
    """Who a bearer token speaks for, with what the predicates of auth/permissions.py read of a user: for the
    API calls that only check access on rows (portal/api/application_out.py), without building the account's
    ORM object, which took as long as all the queries of the read it guarded."""

    __slots__ = ("id", "kind", "role", "unit_id")
    is_authenticated = True

    def __init__(self, row):
        self.id, self.kind, self.role, self.unit_id = row.id, row.kind, row.role, row.unit_id


@functools.cache
def _principal_statement():
    users = User.__table__
    return select(users.c.id, users.c.kind, users.c.role, users.c.unit_id, users.c.active,
                  users.c.session_token).where(users.c.id == bindparam("id"))


def principal_from_bearer(req) -> Principal | None:
    found = _bearer(req)
    if found is None:
        return None
    row = db.session.connection().execute(_principal_statement(), {"id": found[0]}).first()
    return Principal(row) if _still_valid(row, found[1]) else None


def _bearer(req):
    """(user id, session token) from a valid, unexpired bearer token; None otherwise."""
    header = req.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return read_token(header[7:].strip())


def _still_valid(user, session_token: str) -> bool:
    """The account (row or object) is active and the token's session has not been ended since."""
    return user is not None and user.active and secrets.compare_digest(user.session_token, session_token)
