from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import limiter
from ..i18n import current_language
from ..security import safe_next
from ..unit_of_work import refusal_into
from .accounts import authenticate, end_session, register_citizen, start_session
from .forms import LoginForm, RegisterForm
from .throttle import throttle
from .totp import second_factor

bp = Blueprint("auth", __name__)


# One check for every redirect target taken from a request (portal/security.py).
_safe_next = safe_next


HOME_BY_KIND = {"staff": "staff.inbox", "admin": "admin.index", "citizen": "citizen.my_applications"}


def home_for(user) -> str:
    return url_for(HOME_BY_KIND.get(user.kind, "public.home"))


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle().retry_after("web", form.email.data)
        if wait:
            form.password.errors.append(_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
                                          minutes=-(-wait // 60)))
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            throttle().failed("web", form.email.data)
            form.password.errors.append(_("Email hoặc mật khẩu không đúng."))
        else:
            throttle().succeeded("web", form.email.data)
            if second_factor.required(user):
                return second_factor.begin(user, form.remember.data, _safe_next(request.args.get("next")))
            start_session(user, form.remember.data)  # the new session token is committed with the request
            flash(_("Xin chào %(name)s.", name=user.full_name), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    # "Đăng ký" keeps `next`: a new citizen lands on the form they came for once registered.
    return render_template("auth/login.html", form=form, next_url=_safe_next(request.args.get("next")))


@bp.route("/dang-ky", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        with refusal_into(form, category=None):
            user = register_citizen(form.full_name.data, form.email.data, form.phone.data,
                                    form.national_id.data.strip(), form.password.data)
            # Signed in, the account's language wins over the browser's: it starts as the page's.
            user.locale = current_language()
            start_session(user)
            flash(_("Đăng ký tài khoản thành công."), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/register.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout():
    end_session(current_user._get_current_object())
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("public.home"))


@bp.route("/ngon-ngu/<lang>", methods=["POST"])
def set_language(lang):
    target = _safe_next(request.form.get("next")) or url_for("public.home")
    response = redirect(target)
    if lang in ("vi", "en"):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if current_user.is_authenticated:
            current_user.locale = lang
    return response
