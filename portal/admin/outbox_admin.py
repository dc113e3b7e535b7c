"""The outbox seen by administrators (/quan-tri/hop-thu-di): counts per destination, the messages that keep
failing or failed, and a button to send one again (portal/outbox/status.py does the work)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..operations import OperationError
from ..outbox import status
from ..unit_of_work import refusal_into
from .forms import ConfirmForm
from .views import admin_required

bp = Blueprint("outbox_admin", __name__, url_prefix="/quan-tri/hop-thu-di")

STATE_LABELS = {"pending": "Chờ gửi", "sent": "Đã gửi", "failed": "Thất bại"}
DESTINATION_LABELS = {"dvcqg": "Cổng DVCQG", "reporting": "Hệ thống báo cáo", "mail": "Thư điện tử",
                      "sms": "Tin nhắn SMS"}


@bp.route("/")
@admin_required
def index():
    return render_template("admin/outbox.html", summary=status.summary(), messages=status.troubled(),
                           confirm=ConfirmForm(), state_labels=STATE_LABELS,
                           destination_labels=DESTINATION_LABELS)


@bp.route("/<int:message_id>/gui-lai", methods=["POST"])
@admin_required
def retry(message_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with refusal_into(catch=(OperationError,)):  # a message sent meanwhile, or gone: said on the page
        status.retry(message_id, actor=current_user.email)
        flash(_("Đã đưa tin nhắn vào hàng gửi lại."), "success")
    return redirect(url_for("outbox_admin.index"))


@bp.route("/gui-lai-tat-ca", methods=["POST"])
@admin_required
def retry_all():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = status.retry_all_failed(actor=current_user.email)
    flash(_("Đã đưa %(count)s tin nhắn thất bại vào hàng gửi lại.", count=count), "success")
    return redirect(url_for("outbox_admin.index"))
