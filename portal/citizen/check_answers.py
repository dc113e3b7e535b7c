"""Check your answers (GOV.UK pattern): before "Nộp hồ sơ" the citizen sees on one page everything the draft
holds (receiving unit, every field, every attached document), with a link back to change each part, and
ticks the declaration that the information is true. Only then is the draft submitted.

The apply and draft forms lead here ("Tiếp tục", intent `review`) once the draft is complete. The JSON API's
submit does not ask for the declaration (programs submit for people who declared elsewhere; existing API
clients keep working): see docs for `POST /api/v1/applications/<id>/submit`."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from ..auth.permissions import is_citizen, owns_application
from ..i18n import N_, current_language, translated
from ..operations import applications as ops
from ..operations.catalogue import definition_of
from ..operations.transitions import STALE_MESSAGE
from ..unit_of_work import refusal_into
from . import filling
from .forms import doc_field_name, submitted_version

bp = Blueprint("check_answers", __name__)

DECLARATION = N_("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp "
                 "luật về lời khai của mình.")


class DeclarationForm(FlaskForm):
    expected_version = HiddenField()
    declaration = BooleanField(_l(DECLARATION), validators=[
        DataRequired(_l("Vui lòng đánh dấu lời cam đoan trước khi nộp hồ sơ."))])


def answer_rows(definition, data) -> list[dict]:
    """Every field with its label in the page's language, its value as shown, and the anchor to change it."""
    language = current_language()
    return [{"name": spec.name, "label": spec.display_label(language),
             "value": filling.display_value(spec, (data or {}).get(spec.name))} for spec in definition.fields]


def document_rows(definition, attached) -> list[dict]:
    language = current_language()
    return [{"key": d.key, "field": doc_field_name(d.key), "label": d.display_label(language),
             "attachment": attached.get(d.key), "required": d.required} for d in definition.documents]


def _draft_or_redirect(application_id):
    if not is_citizen(current_user):
        return None, redirect(url_for("citizen.catalogue"))
    application = ops.get_for(current_user, application_id, owns_application)
    if application.state != "draft":
        return None, redirect(url_for("citizen.application", application_id=application.id))
    return application, None


def _render(application, form, status=200):
    definition = definition_of(application.service_version)
    return render_template(
        "citizen/check_answers.html", application=application, form=form, definition=definition,
        rows=answer_rows(definition, application.data),
        documents=document_rows(definition, ops.current_attachments(application)),
        fee=_fee(definition, application.data)), status


def _fee(definition, data) -> int | None:
    """The fee for the stored answers; None while a value it depends on is missing."""
    rule, values = definition.fee, data or {}
    if not all(isinstance(values.get(name), int) for name in rule.referenced_fields):
        return None
    try:
        return rule.compute({name: values[name] for name in rule.referenced_fields})
    except ValueError:
        return None


@bp.route("/ho-so/<int:application_id>/kiem-tra", methods=["GET", "POST"])
@login_required
def review(application_id):
    application, elsewhere = _draft_or_redirect(application_id)
    if elsewhere is not None:
        return elsewhere
    form = DeclarationForm(data={"expected_version": str(application.version)})
    if not form.is_submitted():
        return _render(application, form)
    if submitted_version(form) != application.version:
        flash(translated(STALE_MESSAGE), "warning")
        return redirect(url_for("check_answers.review", application_id=application.id), code=303)
    if not form.validate():
        return _render(application, form, 422)
    citizen = current_user._get_current_object()
    with refusal_into(form, fallback="declaration"):
        ops.submit(application, citizen, expected_version=application.version)
        flash(_("Đã nộp hồ sơ thành công. Mã hồ sơ của ông/bà là %(code)s.", code=application.code), "success")
        return redirect(url_for("citizen.application", application_id=application.id), code=303)
    return _render(application, form, 422)
