"""Pages: the citizen rates a completed application and asks for a level-4 result by post. The forms live in
the partial templates/ratings/_citizen_box.html (included by the citizen's application page, and shown on
this blueprint's own page, which e-mails link to)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import owns_application
from ..i18n import translated
from ..operations import Conflict, Invalid
from ..security import safe_next
from ..unit_of_work import refusal_into
from ..operations import applications as application_ops
from .delivery import can_request_postal_delivery, postal_request, request_postal_delivery
from .forms import PostalForm, RatingForm
from .operations import RATING_LABELS, can_rate, rate, rating_of

bp = Blueprint("ratings", __name__)
bp.add_app_template_global(postal_request, "postal_request")


def _own_application(application_id):
    return application_ops.get_for(current_user._get_current_object(), application_id, owns_application)


_safe_next = safe_next  # one check for every redirect target (portal/security.py)


def citizen_box(application, rating_form=None, postal_form=None) -> dict:
    """What the partial shows for this application and the person looking at it."""
    user = current_user._get_current_object()
    mine = owns_application(user, application)
    rating = rating_of(application) if mine and application.state == "completed" else None
    postal = postal_request(application) if mine else None
    may_post = can_request_postal_delivery(user, application)
    if may_post and postal_form is None:
        postal_form = PostalForm(formdata=None, data={
            "address": (postal or {}).get("address") or user.address or "",
            "phone": (postal or {}).get("phone") or application.applicant_phone or user.phone or "",
            "expected_version": str(application.version)})
    return {
        "rating": rating,
        "rating_label": translated(RATING_LABELS.get(rating.value)) if rating else None,
        "can_rate": mine and can_rate(user, application),
        "rating_form": rating_form or RatingForm(formdata=None),
        "can_request_post": may_post,
        "postal": postal,
        "postal_form": postal_form,
    }


@bp.app_context_processor
def ratings_context():
    return {"citizen_box": citizen_box}


def _page(application, status=200, **forms):
    return render_template("ratings/page.html", application=application,
                           box=citizen_box(application, **forms)), status


def _back(application, form):
    return redirect(_safe_next(form.next.data) or url_for("ratings.page", application_id=application.id), 303)


@bp.get("/ho-so/<int:application_id>/danh-gia")
@login_required
def page(application_id):
    return _page(_own_application(application_id))


@bp.post("/ho-so/<int:application_id>/danh-gia")
@login_required
def rate_application(application_id):
    application = _own_application(application_id)
    form = RatingForm()
    if not form.validate_on_submit():
        return _page(application, 422, rating_form=form)
    with refusal_into(form, category="error"):
        rate(application, current_user._get_current_object(), form.value.data, form.comment.data or "")
        flash(_("Cảm ơn Ông/Bà đã đánh giá. Ý kiến của Ông/Bà giúp cơ quan phục vụ tốt hơn."), "success")
        return _back(application, form)
    return _page(application, 422, rating_form=form)


@bp.post("/ho-so/<int:application_id>/nhan-qua-buu-dien")
@login_required
def request_post(application_id):
    application = _own_application(application_id)
    form = PostalForm()
    if not form.validate_on_submit():
        return _page(application, 422, postal_form=form)
    with refusal_into(form, catch=(Invalid, Conflict), category="error") as refused:
        version = int(form.expected_version.data) if (form.expected_version.data or "").isdigit() else None
        request_postal_delivery(application, current_user._get_current_object(), form.address.data,
                                form.phone.data, expected_version=version)
        flash(_("Đã ghi nhận yêu cầu nhận kết quả qua dịch vụ bưu chính. Bộ phận Một cửa sẽ gửi kết quả "
                "đến địa chỉ Ông/Bà đã đăng ký."), "success")
        return _back(application, form)
    # After a conflict the form shows the application as it is now, not the stale input.
    conflict = isinstance(refused.error, Conflict)
    return _page(application, refused.error.status, postal_form=None if conflict else form)
