"""The citizen's pages. Views validate and call an operation; the request commits once at its end
(portal/unit_of_work.py), and a page that shows a refused form again discards the request's writes first,
so nothing half-saved (no row, no file) outlives the request."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import can_view_application, is_citizen, owns_application
from ..extensions import db
from ..i18n import N_, current_language, translated
from ..operations import Conflict, Forbidden, Invalid
from ..operations import applications as ops
from ..operations.catalogue import definition_of, get_service, intake_units, search_catalogue, sectors
from ..operations.inbox import applications_for
from ..operations.processing import perform
from ..operations.transitions import STALE_MESSAGE, available_actions
from ..storage import path_of
from ..unit_of_work import after_commit, discard_changes, refusal_into
from ..views_common import send_attachment
from ..digitised import slots as reuse_slots
from . import filling, guidance, keep_uploads
from .forms import (ACTION_FORMS, DeleteDraftForm, doc_field_name, draft_form_class,
                    new_application_form_class, submitted_version, supplement_form_class)

bp = Blueprint("citizen", __name__)

# Actions the citizen fires from the application page; submit and resubmit have their own forms.
PAGE_ACTIONS = ("withdraw", "deliver")
# "review": complete, saved, then the check-your-answers page (portal/citizen/check_answers.py), where the
# declaration is ticked and the draft submitted; "submit" submits at once (kept for older pages and tests).
INTENTS = ("fee", "save", "review", "submit")
# Operations' messages this blueprint shows as they are (flashed, or the error page's detail). They are
# Vietnamese constants of portal.operations; marking them here puts them in the catalogue, and
# tests/i18n checks that the marked copy still matches the constant.
OPERATION_TEXTS = (
    N_("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới nhất "
       "rồi thao tác lại."),
)


@bp.context_processor
def citizen_context():
    return {
        "level_label": guidance.level_label,
        "processing_time": guidance.processing_time,
        "online_levels": guidance.ONLINE_LEVELS,
        "state_label": guidance.state_label,
        "action_label": guidance.action_label,
        "role_labels": guidance.ROLE_LABELS,
        "fee_text": lambda version: definition_of(version).fee.describe(current_language()),
        "doc_field_name": doc_field_name,
        "max_upload_mb": f"{float(current_app.config['MAX_UPLOAD_MB']):g}",
    }


def _citizen():
    """The logged-in citizen (the real object: operations store it in relationships)."""
    if not is_citizen(current_user):
        abort(403)
    return current_user._get_current_object()


def _service_or_404(slug):
    service = get_service(slug)
    if service is None:
        abort(404)
    return service


def _own_application(application_id):
    return ops.get_for(current_user, application_id, owns_application)


def _intent() -> str:
    intent = request.form.get("intent", "")
    # Enter in a text box sends the form without a button: recompute the fee, never submit by accident.
    return intent if intent in INTENTS else "fee"


# ---------------------------------------------------------------- catalogue

@bp.get("/thu-tuc")
def catalogue():
    query = request.args.get("q", "").strip()[:200]
    level = request.args.get("cap", "")
    level = level if level in guidance.LEVEL_LABELS else ""
    sector = request.args.get("sector", "").strip()[:120]
    online = request.args.get("muc_do", "")
    online_level = int(online) if online in ("3", "4") else None
    results, suggestions = search_catalogue(query, level, sector, online_level)
    return render_template("citizen/catalogue.html", results=results, query=query, level=level,
                           sector=sector, online_level=online_level, sectors=sectors(),
                           suggestions=suggestions)


@bp.get("/thu-tuc/<slug>")
def service_page(slug):
    service = _service_or_404(slug)
    version = service.current
    return render_template("citizen/service.html", service=service, version=version,
                           definition=definition_of(version), units=intake_units(version))


# ---------------------------------------------------------------- applying and drafts

def _render_form(template, form, definition, status=200, **context):
    return render_template(template, form=form, definition=definition,
                           fee=filling.fee_preview(definition, form),
                           fee_inputs=filling.fee_inputs(definition), **context), status


def _refused(form, definition):
    """Back to the form after a refusal: undo this request's writes (rows and files) first."""
    discard_changes()
    return {"files_lost": any(True for _ in filling.uploads(form, definition))}


def _draft_context(application):
    return {"application": application, "service": application.service,
            "version": application.service_version, "attached": ops.current_attachments(application),
            "delete_form": DeleteDraftForm()}


def _keep_chosen_files(form, definition, values, draft_for_files):
    """A form refused for its fields or documents, with files chosen: the files are stored at once in the
    draft (`draft_for_files(valid values)`: a new one, or the one being edited) and the draft's page shows
    the errors with the files as attached. None when there are no files or no draft can hold them."""
    if not keep_uploads.chose_files(form, definition):
        return None
    try:
        application = draft_for_files(keep_uploads.valid_values(values))
        filling.attach_uploads(application, current_user._get_current_object(), form, definition)
    except Invalid:
        discard_changes()
        return None
    db.session.flush()
    draft_form = keep_uploads.draft_form_like(form, definition, application, current_language())
    flash(_("Các tệp đã chọn đã được lưu vào hồ sơ nháp, ông/bà không cần chọn lại. "
            "Vui lòng sửa các mục được đánh dấu."), "info")
    return _render_form("citizen/draft.html", draft_form, definition, **_draft_context(application))


def _save_or_submit(template, form, definition, context, attached_keys, write, draft_for_files):
    """The POST of the apply and draft pages. `write(data)` creates or updates the draft and returns it;
    the chosen scans are attached, then the draft is submitted if asked. A refusal of the fields shows the
    form again, the chosen files kept in the draft (`_keep_chosen_files`); any other refusal keeps nothing
    of this request."""
    intent = _intent()
    if intent == "fee":
        filling.check_fields(form, complete=False)
        return _render_form(template, form, definition, **context)
    complete = intent in ("review", "submit")
    values, fields_ok = filling.check_fields(form, complete=complete)
    reused_keys = reuse_slots.chosen_keys(form, definition)  # "Dùng lại giấy tờ đã số hóa" picks
    documents_ok = not complete or filling.require_documents(form, definition, set(attached_keys) | reused_keys)
    if not (fields_ok and documents_ok):
        kept = _keep_chosen_files(form, definition, values, draft_for_files)
        if kept is not None:
            return kept
        return _render_form(template, form, definition, **context, **_refused(form, definition))
    citizen = current_user._get_current_object()
    try:
        application = write(values)
        if not (filling.attach_uploads(application, citizen, form, definition)
                and reuse_slots.apply_choices(application, citizen, form, definition)):
            return _render_form(template, form, definition, **context, **_refused(form, definition))
        if intent == "review":
            return redirect(url_for("check_answers.review", application_id=application.id), code=303)
        if complete:
            ops.submit(application, citizen, values=values)
    except Invalid as exc:
        refused = _refused(form, definition)
        return _render_form(template, form, definition, problem=filling.place_errors(form, exc), **context,
                            **refused)
    if complete:
        flash(_("Đã nộp hồ sơ thành công. Mã hồ sơ của ông/bà là %(code)s.", code=application.code),
              "success")
        return redirect(url_for("citizen.application", application_id=application.id), code=303)
    flash(_("Đã lưu nháp hồ sơ. Ông/bà có thể tiếp tục hoàn thiện và nộp sau."), "success")
    return redirect(url_for("citizen.edit_draft", application_id=application.id), code=303)


@bp.route("/thu-tuc/<slug>/nop-ho-so", methods=["GET", "POST"])
@login_required
def apply(slug):
    citizen = _citizen()
    service = _service_or_404(slug)
    version = service.current
    definition = definition_of(version)
    units = intake_units(version)
    form_class = new_application_form_class(definition, locale=current_language())
    if request.method == "GET":
        form = form_class(data=filling.form_values(definition, ops.prefill(definition, citizen)))
    else:
        form = form_class()
    form.set_units(units)
    context = {"service": service, "version": version, "units": units}
    if request.method == "GET":
        return _render_form("citizen/apply.html", form, definition, **context)

    def write(data):
        return ops.create_draft(citizen, service, ops.resolve_unit(service, form.receiving_unit.data), data)
    return _save_or_submit("citizen/apply.html", form, definition, context, (), write, draft_for_files=write)


def _stale(application_id):
    flash(translated(STALE_MESSAGE), "warning")
    return redirect(url_for("citizen.application", application_id=application_id), code=303)


@bp.route("/ho-so/<int:application_id>/sua", methods=["GET", "POST"])
@login_required
def edit_draft(application_id):
    citizen = _citizen()
    application = _own_application(application_id)
    if application.state != "draft":
        return redirect(url_for("citizen.application", application_id=application.id))
    definition = definition_of(application.service_version)
    form_class = draft_form_class(definition, locale=current_language())
    if request.method == "GET":
        data = filling.form_values(definition, application.data)
        data["expected_version"] = str(application.version)
        form = form_class(data=data)
    else:
        form = form_class()
    context = _draft_context(application)
    attached = context["attached"]
    if request.method == "GET":
        return _render_form("citizen/draft.html", form, definition, **context)
    if _intent() != "fee" and submitted_version(form) != application.version:
        return _stale(application.id)

    def write(data):
        return ops.update_draft(application, citizen, data, replace=True)
    return _save_or_submit("citizen/draft.html", form, definition, context, attached.keys(), write,
                           draft_for_files=lambda _valid_values: application)


@bp.post("/ho-so/<int:application_id>/xoa")
@login_required
def delete_draft(application_id):
    citizen = _citizen()
    application = _own_application(application_id)
    if not DeleteDraftForm().validate_on_submit():
        abort(400)
    if application.state != "draft":
        # The error page translates its detail, so the text is only marked here.
        raise Forbidden(N_("Chỉ xóa được hồ sơ nháp."))
    # The scans go with the draft, but only once the deletion is committed.
    paths = [path_of("uploads", a.stored_name) for a in application.attachments]
    ops.delete_draft(application, citizen)
    after_commit(db.session, _remove_files, paths)
    flash(_("Đã xóa hồ sơ nháp."), "info")
    return redirect(url_for("citizen.my_applications"), code=303)


def _remove_files(paths):
    for path in paths:
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- my applications

@bp.get("/ho-so")
@login_required
def my_applications():
    citizen = _citizen()
    rows = db.session.execute(applications_for(citizen)).scalars().all()
    drafts = [a for a in rows if a.state == "draft"]
    submitted = sorted((a for a in rows if a.state != "draft"),
                       key=lambda a: (a.submitted_at is not None, a.submitted_at, a.id), reverse=True)
    return render_template("citizen/my_applications.html", drafts=drafts, submitted=submitted,
                           deadline=guidance.deadline)


# ---------------------------------------------------------------- one application

def _render_application(application, supplement_form=None, action_forms=None, problem=None, files_lost=False):
    definition = definition_of(application.service_version)
    citizen = current_user._get_current_object()
    actions = [t for t in available_actions(application, citizen) if t.action in PAGE_ACTIONS]
    forms = dict(action_forms or {})
    for transition in actions:
        if transition.action not in forms:
            forms[transition.action] = ACTION_FORMS[transition.action](
                formdata=None, data={"expected_version": str(application.version)})
    if application.state == "supplement_requested" and supplement_form is None:
        data = filling.form_values(definition, application.data)
        data["expected_version"] = str(application.version)
        form_class = supplement_form_class(definition, locale=current_language())
        supplement_form = form_class(formdata=None, data=data)
    return render_template(
        "citizen/application.html", application=application, definition=definition,
        rows=filling.display_rows(definition, application.data),
        attachments=[a for a in application.attachments if not a.superseded],
        documents_by_key={d.key: d for d in definition.documents},
        events=list(application.events), deadline=guidance.deadline(application),
        step=guidance.next_step(application), actions=actions, action_forms=forms,
        supplement_form=supplement_form, current_attachments=ops.current_attachments(application),
        problem=problem, files_lost=files_lost)


@bp.get("/ho-so/<int:application_id>")
@login_required
def application(application_id):
    _citizen()
    application = _own_application(application_id)
    if application.state == "draft":
        return redirect(url_for("citizen.edit_draft", application_id=application.id))
    return _render_application(application)


@bp.post("/ho-so/<int:application_id>/bo-sung")
@login_required
def supplement(application_id):
    """The answer to a supplement request: changed fields and new scans, then the clock runs again."""
    citizen = _citizen()
    application = _own_application(application_id)
    definition = definition_of(application.service_version)
    form = supplement_form_class(definition, locale=current_language())()
    if application.state != "supplement_requested" or submitted_version(form) != application.version:
        return _stale(application.id)
    values, fields_ok = filling.check_fields(form, complete=True)
    documents_ok = filling.require_documents(form, definition, ops.current_attachments(application).keys())
    problem = None
    if fields_ok and documents_ok:
        try:
            if filling.attach_uploads(application, citizen, form, definition):
                ops.resubmit(application, citizen, values, note=form.supplement_note.data or "")
                flash(_("Đã nộp bổ sung hồ sơ. Bộ phận Một cửa sẽ tiếp tục giải quyết."), "success")
                return redirect(url_for("citizen.application", application_id=application.id), code=303)
        except Invalid as exc:
            discard_changes()
            problem = filling.place_errors(form, exc)
    discard_changes()
    files_lost = any(True for _ in filling.uploads(form, definition))
    return _render_application(application, supplement_form=form, problem=problem, files_lost=files_lost)


@bp.post("/ho-so/<int:application_id>/thao-tac/<action>")
@login_required
def act(application_id, action):
    citizen = _citizen()
    application = _own_application(application_id)
    if action not in PAGE_ACTIONS:
        abort(404)
    form = ACTION_FORMS[action]()
    if not form.validate():
        discard_changes()
        return _render_application(application, action_forms={action: form})
    if submitted_version(form) != application.version:
        return _stale(application.id)
    with refusal_into(catch=(Invalid, Forbidden, Conflict)):  # the refusal is flashed
        perform(application, action, citizen, version=submitted_version(form), note=form.note.data or "")
        done = {"withdraw": _("Đã rút hồ sơ."), "deliver": _("Đã xác nhận nhận kết quả. Hồ sơ đã hoàn thành.")}
        flash(done[action], "success")
    return redirect(url_for("citizen.application", application_id=application.id), code=303)


@bp.get("/ho-so/<int:application_id>/tep/<int:attachment_id>")
@login_required
def attachment(application_id, attachment_id):
    application = ops.get_for(current_user, application_id, can_view_application)
    return send_attachment(application, attachment_id, as_download=request.args.get("tai") == "1")
