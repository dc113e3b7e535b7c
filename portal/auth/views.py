from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db, limiter
from ..i18n import current_language, translated
from ..operations import Invalid
from .accounts import authenticate, end_session, register_citizen, start_session
from .forms import LoginForm, RegisterForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def home_for(user) -> str:
    if user.kind == "staff":
        return url_for("staff.inbox") if "staff.inbox" in current_app.view_functions else url_for("public.home")
    if user.kind == "admin":
        return url_for("admin.index") if "admin.index" in current_app.view_functions else url_for("public.home")
    return url_for("citizen.my_applications") if "citizen.my_applications" in current_app.view_functions \
        else url_for("public.home")


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Email hoặc mật khẩu không đúng."))
        else:
            second_step = current_app.extensions.get("dvc_second_factor")
            if second_step is not None and second_step.required(user):
                db.session.commit()
                return second_step.begin(user, form.remember.data, _safe_next(request.args.get("next")))
            start_session(user, form.remember.data)
            db.session.commit()
            flash(_("Xin chào %(name)s.", name=user.full_name), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/dang-ky", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_citizen(form.full_name.data, form.email.data, form.phone.data,
                                    form.national_id.data.strip(), form.password.data)
        except Invalid as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                getattr(form, name).errors.extend(translated(message) for message in messages)
        else:
            # Signed in, the account's language wins over the browser's: it starts as the page's.
            user.locale = current_language()
            start_session(user)
            db.session.commit()
            flash(_("Đăng ký tài khoản thành công."), "success")
            return redirect(home_for(user))
    return render_template("auth/register.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout():
    end_session(current_user._get_current_object())
    db.session.commit()
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
            db.session.commit()
    return response
