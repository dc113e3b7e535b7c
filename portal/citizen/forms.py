"""The citizen's forms. The service's own fields come from its definition (services.forms); the page adds the
receiving unit, one file input per listed document, and the hidden version the page was built from.

The service's own labels and messages come in the page's language from its definition (`locale`); the
portal's labels are lazy, because these classes are built at import and the language is the request's."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from services.forms import build_form_class

from ..forms_common import nfc
from ..i18n import vi_option

UNIT_FIELD = "receiving_unit"
DOC_PREFIX = "doc_"
ACCEPTED_TYPES = "application/pdf,image/jpeg,image/png"
UNIT_PLACEHOLDER = _l("— Chọn nơi nộp hồ sơ —")


def doc_field_name(document_key: str) -> str:
    return DOC_PREFIX + document_key


class _MarksRequired:
    """Marks a document as required (label and summary) without refusing an empty input: a draft may
    already hold the scan, and completeness is decided by operations.applications.check_complete."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


class _NewApplication(FlaskForm):
    receiving_unit = SelectField(
        _l("Nơi nộp hồ sơ"), choices=[],
        validators=[DataRequired(message=_l("Vui lòng chọn nơi nộp hồ sơ."))],
        invalid_choice_message=_l("Vui lòng chọn nơi nộp hồ sơ trong danh sách."),
        description=_l("Bộ phận Một cửa sẽ tiếp nhận và trả kết quả cho hồ sơ của ông/bà."))

    def set_units(self, units):
        # An unknown slug is then refused by the select itself, as operations.resolve_unit would.
        self.receiving_unit.choices = [SelectChoice(value="", label=str(UNIT_PLACEHOLDER))] + [
            # A unit's name is a Vietnamese proper name, also on English pages.
            SelectChoice(value=u.slug, label=u.name, render_kw=vi_option()) for u in units]


class _ExistingApplication(FlaskForm):
    expected_version = HiddenField()


class _Supplement(_ExistingApplication):
    supplement_note = TextAreaField(
        _l("Ghi chú gửi Bộ phận Một cửa"), validators=[Optional(), Length(
            max=2000, message=_l("Ghi chú không được dài quá 2000 ký tự."))], filters=[nfc])


def _with_documents(form_class, definition, locale):
    files = {}
    for document in definition.documents:
        files[doc_field_name(document.key)] = FileField(
            document.display_label(locale), description=document.display_note(locale) or "",
            validators=[_MarksRequired()] if document.required else [],
            # The browser must not block a draft whose scan is already stored; the server checks.
            render_kw={"accept": ACCEPTED_TYPES, "required": False})
    return type(form_class.__name__ + "WithDocuments", (form_class,), files)


def new_application_form_class(definition, locale: str = "vi"):
    """Receiving unit, the service's fields, one file input per document (in this order); the service's
    labels and messages in `locale` ("vi" or "en")."""
    form_class = build_form_class(definition, base=_NewApplication, locale=locale)
    return _with_documents(form_class, definition, locale)


def draft_form_class(definition, locale: str = "vi"):
    return _with_documents(build_form_class(definition, base=_ExistingApplication, locale=locale), definition,
                           locale)


def supplement_form_class(definition, locale: str = "vi"):
    return _with_documents(build_form_class(definition, base=_Supplement, locale=locale), definition, locale)


def submitted_version(form) -> int | None:
    raw = (form.expected_version.data or "").strip()
    return int(raw) if raw.isdigit() else None


class ActionForm(FlaskForm):
    """One of the citizen's workflow actions: only the version the page showed and an optional note."""

    expected_version = HiddenField()
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(
        max=1000, message=_l("Ghi chú không được dài quá 1000 ký tự."))], filters=[nfc])


class WithdrawForm(ActionForm):
    note = TextAreaField(_l("Lý do rút hồ sơ (không bắt buộc)"), validators=[Optional(), Length(
        max=1000, message=_l("Lý do không được dài quá 1000 ký tự."))], filters=[nfc])
    confirm = BooleanField(_l("Tôi hiểu rằng hồ sơ đã rút sẽ không được tiếp tục giải quyết."), validators=[
        DataRequired(message=_l("Vui lòng đánh dấu xác nhận trước khi rút hồ sơ."))])


class DeleteDraftForm(FlaskForm):
    """Only the CSRF token: what is deleted is named by the URL and checked against the owner."""


ACTION_FORMS = {"withdraw": WithdrawForm, "deliver": ActionForm}
