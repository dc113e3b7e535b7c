"""POST /api/v1/auth/token: a bearer token for an e-mail and password."""
from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from ..auth.passwords import DUMMY_HASH, verify_password
from ..auth.throttle import normalize_email, throttle
from ..auth.tokens import issue_token
from ..auth.totp import second_factor
from ..extensions import csrf, db, limiter
from ..models import User
from .common import load_body
from .errors import problem
from .schemas import TokenRequest, TokenResponse

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1/auth", description="Xác thực")
csrf.exempt(blp)


@blp.route("/token", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@blp.doc(requestBody={"content": {"application/json": {"schema": TokenRequest}}})
@blp.response(200, TokenResponse)
def token():
    body = load_body(TokenRequest())
    email = normalize_email(body["email"])
    wait = throttle().retry_after("api", email)
    if wait:
        refused = problem(429, "Đăng nhập sai quá nhiều lần với tài khoản này, vui lòng thử lại sau.")
        refused.headers["Retry-After"] = str(wait)
        return refused
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        verify_password(DUMMY_HASH, str(body["password"]))
        throttle().failed("api", email)
        return problem(401, "Email hoặc mật khẩu không đúng.")
    if not verify_password(user.password_hash, str(body["password"])) or not user.active:
        throttle().failed("api", email)
        return problem(401, "Email hoặc mật khẩu không đúng.")
    throttle().succeeded("api", email)
    if second_factor.required(user):
        # An accepted code is used up when the request commits; a wrong one changes nothing.
        accepted = second_factor.verify(user, body.get("totp"))
        if not accepted:
            return problem(401, "Cần mã xác thực hai bước (totp) hợp lệ.", code="totp_required")
    return {"access_token": issue_token(user), "token_type": "Bearer",
            "expires_in": current_app.config["API_TOKEN_TTL"]}
