"""Flask-Login loaders: the session cookie for pages, the Authorization header for the API."""
import secrets

from ..by_id import by_id
from ..extensions import login_manager
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
    if user is None or not user.active or not secrets.compare_digest(user.session_token, session_token):
        return None
    return user


@login_manager.request_loader
def load_user_from_bearer(req):
    header = req.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    found = read_token(header[7:].strip())
    if found is None:
        return None
    user = by_id(User, found[0])
    if user is None or not user.active or not secrets.compare_digest(user.session_token, found[1]):
        return None
    return user
