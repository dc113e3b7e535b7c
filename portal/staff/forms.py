"""The desk's forms. Whether a note or a new date is required is the workflow's rule (`requires`), checked by
`transitions.fire`; the forms only check shape, so the page and the API refuse the same things."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..forms_common import nfc

VERSION_MESSAGE = _l("Thiếu phiên bản hồ sơ; vui lòng tải lại trang rồi thao tác lại.")
DATE_MESSAGE = _l("Ngày không hợp lệ.")
HANDLER_MESSAGE = _l("Vui lòng chọn chuyên viên.")


class VietnameseDateField(DateField):
    """WTForms' own message is English."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None


class VersionField(IntegerField):
    def __init__(self, **kwargs):
        super().__init__(widget=HiddenInput(), validators=[InputRequired(message=VERSION_MESSAGE)], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(VERSION_MESSAGE) from None


class ActionForm(FlaskForm):
    note = TextAreaField(_l("Nội dung, lý do"), filters=[nfc], validators=[Optional(), Length(max=4000)])
    new_due_date = VietnameseDateField(_l("Ngày hẹn trả mới"), validators=[Optional()])
    legal_basis = TextAreaField(_l("Căn cứ pháp lý (điều, khoản, văn bản)"), filters=[nfc],
                                validators=[Optional(), Length(max=1000)])
    # Sending an application back or refusing it is ticked first (portal/staff/desk.py needs_confirmation):
    # a confirmation that needs no JavaScript. The API has no such box: a client confirms on its side.
    confirm = BooleanField(_l("Tôi xác nhận thực hiện thao tác này"))
    version = VersionField()


CONFIRM_MESSAGE = _l("Vui lòng đánh dấu ô xác nhận trước khi trả lại hoặc từ chối hồ sơ.")


class HandlerField(SelectField):
    """Who may be chosen is `processing.assign_handler`'s rule; the field only reads an id."""

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=int, validate_choice=False,
                         validators=[InputRequired(message=HANDLER_MESSAGE)], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(HANDLER_MESSAGE) from None


class AssignForm(FlaskForm):
    handler = HandlerField(_l("Chuyên viên xử lý"))
    version = VersionField()
