"""The citizen's forms. The service's own fields come from its definition (services.forms); the page adds the
receiving unit, one file input per listed document, and the hidden version the page was built from."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from services.forms import build_form_class

from ..forms_common import nfc

UNIT_FIELD = "receiving_unit"
DOC_PREFIX = "doc_"
ACCEPTED_TYPES = "application/pdf,image/jpeg,image/png"
UNIT_PLACEHOLDER = "— Chọn nơi nộp hồ sơ —"


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
        "Nơi nộp hồ sơ", choices=[],
        validators=[DataRequired(message="Vui lòng chọn nơi nộp hồ sơ.")],
        invalid_choice_message="Vui lòng chọn nơi nộp hồ sơ trong danh sách.",
        description="Bộ phận Một cửa sẽ tiếp nhận và trả kết quả cho hồ sơ của ông/bà.")

    def set_units(self, units):
        # An unknown slug is then refused by the select itself, as operations.resolve_unit would.
        self.receiving_unit.choices = [SelectChoice(value="", label=UNIT_PLACEHOLDER)] + [
            SelectChoice(value=u.slug, label=u.name) for u in units]


class _ExistingApplication(FlaskForm):
    expected_version = HiddenField()


class _Supplement(_ExistingApplication):
    supplement_note = TextAreaField(
        "Ghi chú gửi Bộ phận Một cửa", validators=[Optional(), Length(
            max=2000, message="Ghi chú không được dài quá 2000 ký tự.")], filters=[nfc])


def _with_documents(form_class, definition):
    files = {}
    for document in definition.documents:
        files[doc_field_name(document.key)] = FileField(
            document.label, description=document.note or "",
            validators=[_MarksRequired()] if document.required else [],
            # The browser must not block a draft whose scan is already stored; the server checks.
            render_kw={"accept": ACCEPTED_TYPES, "required": False})
    return type(form_class.__name__ + "WithDocuments", (form_class,), files)


def new_application_form_class(definition):
    """Receiving unit, the service's fields, one file input per document (in this order)."""
    return _with_documents(build_form_class(definition, base=_NewApplication), definition)


def draft_form_class(definition):
    return _with_documents(build_form_class(definition, base=_ExistingApplication), definition)


def supplement_form_class(definition):
    return _with_documents(build_form_class(definition, base=_Supplement), definition)


def submitted_version(form) -> int | None:
    raw = (form.expected_version.data or "").strip()
    return int(raw) if raw.isdigit() else None


class ActionForm(FlaskForm):
    """One of the citizen's workflow actions: only the version the page showed and an optional note."""

    expected_version = HiddenField()
    note = TextAreaField("Ghi chú", validators=[Optional(), Length(
        max=1000, message="Ghi chú không được dài quá 1000 ký tự.")], filters=[nfc])


class WithdrawForm(ActionForm):
    note = TextAreaField("Lý do rút hồ sơ (không bắt buộc)", validators=[Optional(), Length(
        max=1000, message="Lý do không được dài quá 1000 ký tự.")], filters=[nfc])
    confirm = BooleanField("Tôi hiểu rằng hồ sơ đã rút sẽ không được tiếp tục giải quyết.", validators=[
        DataRequired(message="Vui lòng đánh dấu xác nhận trước khi rút hồ sơ.")])


class DeleteDraftForm(FlaskForm):
    """Only the CSRF token: what is deleted is named by the URL and checked against the owner."""


ACTION_FORMS = {"withdraw": WithdrawForm, "deliver": ActionForm}
