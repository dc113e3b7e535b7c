"""The staff desk pages: the inbox, the unit's register, the application desk with its actions, handler
assignment and the attachments. Views check access and call an operation; the request commits once
(portal/unit_of_work.py)."""
from functools import wraps

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth.permissions import can_preview_result, staff_can_see, is_staff
from ..extensions import db
from ..i18n import translated, vi_option
from ..models import Application
from ..operations import Conflict, Invalid, NotFound
from ..operations.calendar import current_calendar
from ..models import APPLICATION_STATES
from ..operations.inbox import (CHANNEL_LABELS, PER_PAGE, DUE_FILTERS, InboxFilters, due_badge, inbox_counts,
                                inbox_query, service_choices, services_waiting, state_labels,
                                unit_register_query, waiting_states)
from ..operations.processing import assign_handler, perform
from ..operations.transitions import available_actions, check_version
from ..timeutil import vn_today
from ..unit_of_work import refusal_into
from ..views_common import send_attachment
from ..workflows_registry import workflow_of
from . import desk
from .forms import CONFIRM_MESSAGE, ActionForm, AssignForm
from .preview import preview_pdf

bp = Blueprint("staff", __name__, url_prefix="/can-bo")


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_staff(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _visible(application_id) -> Application:
    """Another unit's application is not found, never forbidden: its existence is not disclosed."""
    application = db.session.get(Application, application_id)
    if application is None or not staff_can_see(current_user, application):
        raise NotFound("Không tìm thấy hồ sơ.")
    return application


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


@bp.get("/hop-viec")
@staff_required
def inbox():
    user = current_user._get_current_object()
    # A refused filter value is left out and named beside its field (422): a stale bookmark still opens.
    filters, errors = InboxFilters.parse(request.args, user)
    today, calendar = vn_today(), current_calendar()
    page = db.paginate(inbox_query(user, filters, today, calendar), page=_page_number(), per_page=PER_PAGE,
                       error_out=False)
    return render_template(
        "staff/inbox.html", page=page, filters=filters, counts=inbox_counts(user, today, calendar),
        states=waiting_states(user), labels=state_labels(), services=services_waiting(user),
        due_filters=DUE_FILTERS, channels=CHANNEL_LABELS, errors=errors,
        badge=lambda a: due_badge(a, today, calendar)), 422 if errors else 200


@bp.get("/ho-so")
@staff_required
def unit_register():
    user = current_user._get_current_object()
    code = (request.args.get("code") or "").strip()[:60]
    filters, errors = InboxFilters.parse(request.args, user, register=True)
    today, calendar = vn_today(), current_calendar()
    page = db.paginate(unit_register_query(user, code, filters, today, calendar), page=_page_number(),
                       per_page=PER_PAGE, error_out=False)
    return render_template("staff/unit_register.html", page=page, code=code, filters=filters, errors=errors,
                           labels=state_labels(), states=APPLICATION_STATES, services=service_choices(),
                           channels=CHANNEL_LABELS, due_filters=DUE_FILTERS,
                           badge=lambda a: due_badge(a, today, calendar)), 422 if errors else 200


def _render_desk(application, *, failed_action=None, failed_form=None, assign_form=None, alert=None,
                 status=200):
    user = current_user._get_current_object()
    transitions = available_actions(application, user)
    forms = {}
    for transition in transitions:
        if transition.action == failed_action and failed_form is not None:
            failed_form.version.data = application.version
            forms[transition.action] = failed_form
        else:
            forms[transition.action] = ActionForm(formdata=None, version=application.version)
    handlers = desk.assignable_handlers(application, user)
    if handlers:
        assign_form = assign_form or AssignForm(formdata=None, handler=application.handler_id,
                                                version=application.version)
        # A person's name and title are Vietnamese, also on English pages.
        assign_form.handler.choices = [SelectChoice(h.id, h.full_name + (f" — {h.title}" if h.title else ""),
                                                    render_kw=vi_option()) for h in handlers]
        assign_form.version.data = application.version
    else:
        assign_form = None
    today, calendar = vn_today(), current_calendar()
    html = render_template(
        "staff/application.html", application=application, workflow=workflow_of(application),
        state_label=desk.state_label(application), data_rows=desk.data_rows(application),
        document_rows=desk.document_rows(application), history=desk.history_rows(application),
        transitions=transitions, actions=desk.desk_actions(transitions), forms=forms,
        failed_action=failed_action, assign_form=assign_form, alert=alert, conflict=status == 409,
        badge=due_badge(application, today, calendar), can_preview=can_preview_result(user, application))
    return html, status


@bp.get("/ho-so/<int:application_id>")
@staff_required
def application(application_id):
    return _render_desk(_visible(application_id))


def _perform(application, action, user, form):
    # `pay` too: the payments feature registers what taking the fee at the desk does (processing.performs).
    return perform(application, action, user, version=form.version.data, note=form.note.data or "",
                   new_due_date=form.new_due_date.data, legal_basis=form.legal_basis.data)


@bp.post("/ho-so/<int:application_id>/thao-tac/<action>")
@staff_required
def fire_action(application_id, action):
    application = _visible(application_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _render_desk(application, failed_action=action, failed_form=form,
                            alert=_("Vui lòng kiểm tra lại thông tin của thao tác."), status=422)
    with refusal_into(form, catch=(Conflict, Invalid), category=None) as refused:
        if desk.needs_confirmation(action) and not form.confirm.data:
            check_version(application, form.version.data)  # a stale page is told so first (409)
            raise Invalid(str(CONFIRM_MESSAGE), errors={"confirm": [str(CONFIRM_MESSAGE)]})
        _perform(application, action, current_user._get_current_object(), form)
        flash(_("Đã thực hiện «%(action)s».", action=translated(workflow_of(application).action_label(action))),
              "success")
        return redirect(url_for("staff.application", application_id=application.id), code=303)
    if isinstance(refused.error, Conflict):
        # Nothing of the refused attempt is kept; the page shows what the other person did.
        return _render_desk(application, alert=refused.error.message, status=409)
    return _render_desk(application, failed_action=action, failed_form=form, alert=refused.error.message,
                        status=422)


@bp.post("/ho-so/<int:application_id>/phan-cong")
@staff_required
def assign(application_id):
    application = _visible(application_id)
    form = AssignForm()
    if not form.validate_on_submit():
        return _render_desk(application, assign_form=form, alert=_("Vui lòng chọn chuyên viên."), status=422)
    with refusal_into(form, fallback="handler", catch=(Conflict, Invalid), category=None) as refused:
        assign_handler(application, current_user._get_current_object(), form.handler.data,
                       version=form.version.data)
        flash(_("Đã phân công chuyên viên %(name)s xử lý hồ sơ.", name=application.handler.full_name), "success")
        return redirect(url_for("staff.application", application_id=application.id), code=303)
    if isinstance(refused.error, Conflict):
        return _render_desk(application, alert=refused.error.message, status=409)
    return _render_desk(application, assign_form=form, alert=refused.error.message, status=422)


@bp.get("/ho-so/<int:application_id>/xem-truoc-ket-qua")
@staff_required
def result_preview(application_id):
    """The result PDF as it will be issued, for the leader deciding it: rendered now, never stored."""
    application = _visible(application_id)
    user = current_user._get_current_object()
    if not can_preview_result(user, application):
        abort(403)
    response = make_response(preview_pdf(application, user))
    response.headers["Content-Type"] = "application/pdf"
    name = f"xem-truoc-{application.code or application.id}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/ho-so/<int:application_id>/tep/<int:attachment_id>")
@staff_required
def attachment(application_id, attachment_id):
    # Always a download: a file a stranger uploaded never opens inside the officer's browser session.
    return send_attachment(_visible(application_id), attachment_id, as_download=True)
