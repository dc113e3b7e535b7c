"""Bearer tokens for /api/v1: signed, expiring, and tied to the account's session token so a password
change or logout-everywhere revokes them."""
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from flask import current_app

SALT = "api-token-v1"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue_token(user) -> str:
    return _serializer().dumps({"uid": user.id, "st": user.session_token})


def read_token(token: str):
    """Returns (user_id, session_token) or None."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["API_TOKEN_TTL"])
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or "uid" not in data:
        return None
    return data["uid"], data.get("st", "")
