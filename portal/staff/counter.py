"""Walk-in intake at the one-stop desk ("Tiếp nhận hồ sơ trực tiếp"): the receiver chooses the service, types
in the person and the form, scans each paper document, and submits for the person; the application is
received at once and form 01 is printed for them. Receivers only, at their own unit; the request commits once
(portal/unit_of_work.py), and a refusal keeps nothing (no row, no file)."""
from functools import wraps

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..auth.permissions import has_role
from ..citizen import filling
from ..citizen.forms import doc_field_name
from ..digitised import slots as reuse_slots
from ..i18n import current_language, translated
from ..operations import OperationError
from ..operations import counter_intake as counter
from ..operations.catalogue import active_services, definition_of, get_service, intake_units
from ..unit_of_work import discard_changes
from .counter_forms import PERSON_FIELDS, ServiceChoiceForm, checked_field_name, intake_form_class, person_data

bp = Blueprint("counter", __name__, url_prefix="/can-bo/tiep-nhan-truc-tiep")


@bp.context_processor
def counter_context():
    return {"doc_field_name": doc_field_name,
            "max_upload_mb": f"{float(current_app.config['MAX_UPLOAD_MB']):g}"}


def receiver_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not has_role(current_user, "receiver"):
            abort(403)  # citizens, handlers, leaders, administrators
        return view(*args, **kwargs)
    return wrapped


def services_here(unit) -> list:
    """The services this unit's desk receives."""
    return [version for version in active_services() if unit in intake_units(version)]


@bp.get("")
@receiver_required
def choose():
    versions = services_here(current_user.unit)
    form = ServiceChoiceForm(request.args)
    form.service.choices = [("", gettext("— Chọn thủ tục —"))] + [
        (v.service.slug, v.name_en if current_language() == "en" and v.name_en else v.name) for v in versions]
    if form.service.data and any(v.service.slug == form.service.data for v in versions):
        return redirect(url_for("counter.intake", slug=form.service.data))
    return render_template("staff/counter/choose.html", form=form, versions=versions)


@bp.route("/<slug>", methods=["GET", "POST"])
@receiver_required
def intake(slug):
    receiver = current_user._get_current_object()
    service = get_service(slug)
    if service is None or receiver.unit not in intake_units(service.current):
        abort(404)
    definition = definition_of(service.current)
    form = intake_form_class(definition, locale=current_language())()
    context = {"service": service, "version": service.current, "definition": definition}
    if request.method == "GET":
        return render_template("staff/counter/intake.html", form=form, **context)
    if request.form.get("intent") == "find_reusable":  # only shows the person's store beside each slot
        return render_template("staff/counter/intake.html", form=form,
                               files_lost=any(True for _ in filling.uploads(form, definition)), **context)
    application, problem = _enter(form, receiver, service, definition)
    if application is not None:
        return redirect(url_for("counter.done", application_id=application.id), code=303)
    return render_template("staff/counter/intake.html", form=form, problem=problem,
                           files_lost=any(True for _ in filling.uploads(form, definition)), **context), 422


def _enter(form, receiver, service, definition):
    """Checks and writes everything: (the application, None), or (None, the message for the top of the page,
    None when every error sits beside its field). On refusal the request's writes are undone."""
    values, fields_ok = filling.check_fields(form, complete=True)
    try:
        person = counter.check_person(person_data(form))
    except OperationError as exc:
        _place(form, exc)
        person = None
    documents_ok = filling.require_documents(form, definition, reuse_slots.chosen_keys(form, definition))
    if not (fields_ok and documents_ok and person):
        return None, None
    try:
        application = counter.start(receiver, service, receiver.unit, person, values)
        scans_ok = True
        for document, upload in filling.uploads(form, definition):
            try:
                counter.scan(application, receiver, document.key, upload.stream, upload.filename,
                             form[checked_field_name(document.key)].data)
            except OperationError as exc:
                filling.add_error(form[doc_field_name(document.key)], translated(exc.message))
                scans_ok = False
        if not (scans_ok and reuse_slots.apply_choices(application, receiver, form, definition)):
            discard_changes()
            return None, None
        counter.submit_for_person(application, receiver, values=values)
    except OperationError as exc:
        discard_changes()
        return None, _place(form, exc)
    return application, None


def _place(form, exc) -> str | None:
    """The person's errors beside the person's fields; the rest as the citizen forms place them."""
    errors = dict(exc.errors or {})
    for name, field in PERSON_FIELDS.items():
        for message in errors.pop(name, []):
            filling.add_error(form[field], translated(message))
    if not errors and exc.errors:
        return None
    return filling.place_errors(form, type(exc)(exc.message, errors=errors))


@bp.get("/ho-so/<int:application_id>")
@receiver_required
def done(application_id):
    """What the receiver hands over: the code, the lookup instruction and form 01 to print."""
    application = counter.counter_application(current_user, application_id)
    return render_template("staff/counter/done.html", application=application,
                           receipt=counter.receipt_of(application))
