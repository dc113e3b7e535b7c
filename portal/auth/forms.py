from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms_common import national_id, nfc, strong_password, vietnamese_mobile
from .throttle import normalize_email

# Labels and messages are lazy: the form classes are built at import, the language is the request's.


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")), Length(max=254)],
                       filters=[normalize_email])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu."))])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))
    submit = SubmitField(_l("Đăng nhập"))


class RegisterForm(FlaskForm):
    full_name = StringField(_l("Họ, chữ đệm và tên"), filters=[nfc], validators=[
        DataRequired(_l("Vui lòng nhập họ và tên.")),
        Length(max=120, message=_l("Họ và tên tối đa 120 ký tự."))])
    email = EmailField(_l("Email"), filters=[normalize_email], validators=[
        DataRequired(_l("Vui lòng nhập email.")), Email(_l("Email không hợp lệ.")), Length(max=254)])
    phone = StringField(_l("Số điện thoại di động"), validators=[
        DataRequired(_l("Vui lòng nhập số điện thoại.")), vietnamese_mobile])
    national_id = StringField(_l("Số định danh cá nhân (12 số)"), validators=[
        DataRequired(_l("Vui lòng nhập số định danh cá nhân.")), national_id])
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu.")), strong_password])
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập lại mật khẩu.")),
        EqualTo("password", _l("Mật khẩu nhập lại không khớp."))])
    submit = SubmitField(_l("Đăng ký"))
