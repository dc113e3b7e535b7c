"""Forms of the administration pages (Flask-WTF: CSRF on every one). Texts are lazy: translated when shown."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, SelectField, StringField, SubmitField, TextAreaField,
                     TimeField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms_common import nfc, vietnamese_mobile
from ..models import UNIT_LEVELS

LEVEL_LABELS = {"province": _l("Cấp tỉnh"), "district": _l("Cấp huyện"), "commune": _l("Cấp xã"),
                "department": _l("Sở, ngành cấp tỉnh")}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def role_choices():
    return choices([("receiver", _l("Cán bộ một cửa")), ("handler", _l("Chuyên viên")), ("leader", _l("Lãnh đạo"))])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class UnitTimeField(TimeField):
    """WTForms' own message is English."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Giờ không hợp lệ (ví dụ 16:30).")) from None


class UnitForm(FlaskForm):
    slug = StringField(_l("Mã định danh trên cổng (slug)"), filters=[nfc],
                       validators=[DataRequired(_l("Vui lòng nhập slug.")), Length(max=80)])
    code = StringField(_l("Mã đơn vị"), filters=[nfc],
                       validators=[DataRequired(_l("Vui lòng nhập mã đơn vị.")), Length(max=40)])
    name = StringField(_l("Tên đơn vị"), filters=[nfc],
                       validators=[DataRequired(_l("Vui lòng nhập tên đơn vị.")), Length(max=200)])
    short_name = StringField(_l("Tên ngắn (địa danh)"), filters=[nfc],
                             validators=[DataRequired(_l("Vui lòng nhập tên ngắn.")), Length(max=120)])
    level = SelectField(_l("Cấp"), choices=choices((level, LEVEL_LABELS[level]) for level in UNIT_LEVELS))
    parent = SelectField(_l("Đơn vị cấp trên"), choices=[], validate_choice=False)
    address = StringField(_l("Địa chỉ"), filters=[nfc], validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Điện thoại"), filters=[nfc], validators=[Optional(), Length(max=30)])
    one_stop_name = StringField(_l("Tên Bộ phận Một cửa (trên biểu mẫu)"), filters=[nfc],
                                description=_l("Để trống: «Bộ phận Một cửa»; ví dụ «Trung tâm Phục vụ hành chính "
                                               "công»."),
                                validators=[Optional(), Length(max=200)])
    return_time = UnitTimeField(_l("Giờ hẹn trả kết quả"), validators=[Optional()],
                                description=_l("Giờ ghi trên Giấy tiếp nhận hồ sơ; để trống: 17:00."))
    active = BooleanField(_l("Đang hoạt động"), default=True)
    submit = SubmitField(_l("Lưu"))


class MergeForm(FlaskForm):
    survivor = SelectField(_l("Sáp nhập vào đơn vị"), choices=[], validate_choice=False,
                           validators=[DataRequired(_l("Vui lòng chọn đơn vị."))])
    note = StringField(_l("Ghi chú (căn cứ nghị quyết…)"), filters=[nfc],
                       validators=[Optional(), Length(max=300)])
    confirm = BooleanField(_l("Tôi hiểu thao tác này chuyển hồ sơ đang giải quyết và cán bộ sang đơn vị khác"),
                           validators=[DataRequired(_l("Vui lòng xác nhận."))])
    submit = SubmitField(_l("Sáp nhập"))


class TwoLevelForm(FlaskForm):
    note = StringField(_l("Ghi chú"), filters=[nfc], validators=[Optional(), Length(max=300)])
    confirm = BooleanField(_l("Tôi hiểu các đơn vị cấp huyện sẽ ngừng hoạt động"),
                           validators=[DataRequired(_l("Vui lòng xác nhận."))])
    submit = SubmitField(_l("Chuyển sang chính quyền hai cấp"))


class StaffForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(_l("Vui lòng nhập email.")), Length(max=254)])
    full_name = StringField(_l("Họ và tên"), filters=[nfc],
                            validators=[DataRequired(_l("Vui lòng nhập họ và tên.")), Length(max=120)])
    role = SelectField(_l("Vai trò"), choices=role_choices())
    unit = SelectField(_l("Đơn vị công tác"), choices=[], validate_choice=False,
                       validators=[DataRequired(_l("Vui lòng chọn đơn vị."))])
    title = StringField(_l("Chức danh (in dưới chữ ký)"), filters=[nfc], validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Điện thoại di động"), validators=[Optional(), vietnamese_mobile])
    submit = SubmitField(_l("Tạo tài khoản"))


class AssignForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=role_choices())
    unit = SelectField(_l("Đơn vị công tác"), choices=[], validate_choice=False,
                       validators=[DataRequired(_l("Vui lòng chọn đơn vị."))])
    title = StringField(_l("Chức danh"), filters=[nfc], validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Lưu thay đổi"))


class ServiceTextForm(FlaskForm):
    toml = TextAreaField(_l("Định nghĩa thủ tục (TOML)"), validators=[DataRequired(_l("Vui lòng nhập định nghĩa."))],
                         render_kw={"rows": 28, "spellcheck": "false", "class": "font-monospace"})
    preview = SubmitField(_l("Kiểm tra và xem trước"))
    publish = SubmitField(_l("Công bố phiên bản mới"))


class ServiceImportForm(FlaskForm):
    file = FileField(_l("Tệp định nghĩa (.toml)"), validators=[FileRequired(_l("Vui lòng chọn tệp .toml."))])
    submit = SubmitField(_l("Nhập và công bố"))


class OverrideForm(FlaskForm):
    day = DateField(_l("Ngày"), validators=[DataRequired(_l("Vui lòng chọn ngày hợp lệ."))])
    kind = SelectField(_l("Loại"), choices=choices([("off", _l("Ngày nghỉ thêm")), ("work", _l("Ngày làm việc bù"))]))
    note = StringField(_l("Ghi chú (căn cứ)"), filters=[nfc], validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Thêm"))
