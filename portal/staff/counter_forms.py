"""The walk-in intake form: the person (identification number, name, phone), the service's own fields built
from its definition (services.forms), and for every listed document its scan and whether the scan was
checked against the original. The person is checked by operations.counter_intake.check_person, the same
rules as the API, so the page and the API give the same messages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TelField

from services.forms import build_form_class

from ..citizen.forms import ACCEPTED_TYPES, doc_field_name
from ..forms_common import nfc

PERSON_FIELDS = {"full_name": "applicant_full_name", "national_id": "applicant_national_id",
                 "phone": "applicant_phone"}
CHECKED_PREFIX = "checked_"


def checked_field_name(document_key: str) -> str:
    return CHECKED_PREFIX + document_key


class ServiceChoiceForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only chooses which page to open

    service = SelectField(_l("Thủ tục hành chính"), choices=[])


class _CounterIntake(FlaskForm):
    applicant_national_id = StringField(
        _l("Số định danh cá nhân"), filters=[nfc],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12},
        description=_l("12 chữ số, theo thẻ căn cước hoặc căn cước công dân của người nộp."))
    applicant_full_name = StringField(_l("Họ, chữ đệm và tên người nộp"), filters=[nfc],
                                      render_kw={"autocomplete": "off", "maxlength": 120})
    applicant_phone = TelField(_l("Số điện thoại di động"), filters=[nfc],
                               description=_l("Để nhận tin nhắn về hồ sơ và mã xác nhận khi nhận hồ sơ vào tài khoản."))


class _Marked:
    field_flags = {"required": True}

    def __call__(self, form, field):
        return None  # completeness is decided by the operations, beside the field


def intake_form_class(definition, locale: str = "vi"):
    form_class = build_form_class(definition, base=_CounterIntake, locale=locale)
    extra = {}
    for document in definition.documents:
        extra[doc_field_name(document.key)] = FileField(
            _l("Bản quét: %(document)s", document=document.display_label(locale)),
            description=document.display_note(locale) or "",
            validators=[_Marked()] if document.required else [],
            render_kw={"accept": ACCEPTED_TYPES, "required": False})
        extra[checked_field_name(document.key)] = BooleanField(_l("Đã đối chiếu bản chính"), default=True)
    return type("CounterIntakeForm", (form_class,), extra)


def person_data(form) -> dict:
    return {name: form[field].data for name, field in PERSON_FIELDS.items()}
