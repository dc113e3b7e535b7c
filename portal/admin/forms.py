"""Forms of the administration pages (Flask-WTF: CSRF on every one)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, SelectField, StringField, SubmitField, TextAreaField,
                     TimeField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms_common import nfc, vietnamese_mobile
from ..models import UNIT_LEVELS

LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã",
                "department": "Sở, ngành cấp tỉnh"}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def role_choices():
    return choices([("receiver", "Cán bộ một cửa"), ("handler", "Chuyên viên"), ("leader", "Lãnh đạo")])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class UnitTimeField(TimeField):
    """WTForms' own message is English."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Giờ không hợp lệ (ví dụ 16:30).") from None


class UnitForm(FlaskForm):
    slug = StringField("Mã định danh trên cổng (slug)", filters=[nfc],
                       validators=[DataRequired("Vui lòng nhập slug."), Length(max=80)])
    code = StringField("Mã đơn vị", filters=[nfc],
                       validators=[DataRequired("Vui lòng nhập mã đơn vị."), Length(max=40)])
    name = StringField("Tên đơn vị", filters=[nfc],
                       validators=[DataRequired("Vui lòng nhập tên đơn vị."), Length(max=200)])
    short_name = StringField("Tên ngắn (địa danh)", filters=[nfc],
                             validators=[DataRequired("Vui lòng nhập tên ngắn."), Length(max=120)])
    level = SelectField("Cấp", choices=choices((level, LEVEL_LABELS[level]) for level in UNIT_LEVELS))
    parent = SelectField("Đơn vị cấp trên", choices=[], validate_choice=False)
    address = StringField("Địa chỉ", filters=[nfc], validators=[Optional(), Length(max=300)])
    phone = StringField("Điện thoại", filters=[nfc], validators=[Optional(), Length(max=30)])
    one_stop_name = StringField("Tên Bộ phận Một cửa (trên biểu mẫu)", filters=[nfc],
                                description="Để trống: «Bộ phận Một cửa»; ví dụ «Trung tâm Phục vụ hành chính công».",
                                validators=[Optional(), Length(max=200)])
    return_time = UnitTimeField("Giờ hẹn trả kết quả", validators=[Optional()],
                                description="Giờ ghi trên Giấy tiếp nhận hồ sơ; để trống: 17:00.")
    active = BooleanField("Đang hoạt động", default=True)
    submit = SubmitField("Lưu")


class MergeForm(FlaskForm):
    survivor = SelectField("Sáp nhập vào đơn vị", choices=[], validate_choice=False,
                           validators=[DataRequired("Vui lòng chọn đơn vị.")])
    note = StringField("Ghi chú (căn cứ nghị quyết…)", filters=[nfc], validators=[Optional(),
                                                                                  Length(max=300)])
    confirm = BooleanField("Tôi hiểu thao tác này chuyển hồ sơ đang giải quyết và cán bộ sang đơn vị khác",
                           validators=[DataRequired("Vui lòng xác nhận.")])
    submit = SubmitField("Sáp nhập")


class TwoLevelForm(FlaskForm):
    note = StringField("Ghi chú", filters=[nfc], validators=[Optional(), Length(max=300)])
    confirm = BooleanField("Tôi hiểu các đơn vị cấp huyện sẽ ngừng hoạt động",
                           validators=[DataRequired("Vui lòng xác nhận.")])
    submit = SubmitField("Chuyển sang chính quyền hai cấp")


class StaffForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Vui lòng nhập email."), Length(max=254)])
    full_name = StringField("Họ và tên", filters=[nfc],
                            validators=[DataRequired("Vui lòng nhập họ và tên."), Length(max=120)])
    role = SelectField("Vai trò", choices=role_choices())
    unit = SelectField("Đơn vị công tác", choices=[], validate_choice=False,
                       validators=[DataRequired("Vui lòng chọn đơn vị.")])
    title = StringField("Chức danh (in dưới chữ ký)", filters=[nfc], validators=[Optional(), Length(max=120)])
    phone = StringField("Điện thoại di động", validators=[Optional(), vietnamese_mobile])
    submit = SubmitField("Tạo tài khoản")


class AssignForm(FlaskForm):
    role = SelectField("Vai trò", choices=role_choices())
    unit = SelectField("Đơn vị công tác", choices=[], validate_choice=False,
                       validators=[DataRequired("Vui lòng chọn đơn vị.")])
    title = StringField("Chức danh", filters=[nfc], validators=[Optional(), Length(max=120)])
    submit = SubmitField("Lưu thay đổi")


class ServiceTextForm(FlaskForm):
    toml = TextAreaField("Định nghĩa thủ tục (TOML)", validators=[DataRequired("Vui lòng nhập định nghĩa.")],
                         render_kw={"rows": 28, "spellcheck": "false", "class": "font-monospace"})
    preview = SubmitField("Kiểm tra và xem trước")
    publish = SubmitField("Công bố phiên bản mới")


class ServiceImportForm(FlaskForm):
    file = FileField("Tệp định nghĩa (.toml)", validators=[FileRequired("Vui lòng chọn tệp .toml.")])
    submit = SubmitField("Nhập và công bố")


class OverrideForm(FlaskForm):
    day = DateField("Ngày", validators=[DataRequired("Vui lòng chọn ngày hợp lệ.")])
    kind = SelectField("Loại", choices=choices([("off", "Ngày nghỉ thêm"), ("work", "Ngày làm việc bù")]))
    note = StringField("Ghi chú (căn cứ)", filters=[nfc], validators=[Optional(), Length(max=200)])
    submit = SubmitField("Thêm")
