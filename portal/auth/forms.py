from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms_common import clean_number, national_id, nfc, normalize_mobile, strong_password, vietnamese_mobile
from .throttle import normalize_email

# Labels and messages are lazy: the form classes are built at import, the language is the request's.


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")), Length(max=254)],
                       filters=[normalize_email], render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))
    submit = SubmitField(_l("Đăng nhập"))


class RegisterForm(FlaskForm):
    full_name = StringField(_l("Họ, chữ đệm và tên"), filters=[nfc], validators=[
        DataRequired(_l("Vui lòng nhập họ và tên.")),
        Length(max=120, message=_l("Họ và tên tối đa 120 ký tự."))], render_kw={"autocomplete": "name"})
    email = EmailField(_l("Email"), filters=[normalize_email], validators=[
        DataRequired(_l("Vui lòng nhập email.")), Email(_l("Email không hợp lệ.")), Length(max=254)],
        render_kw={"autocomplete": "email"})
    # Typed with spaces or dots ("0912 345 678", "026.199.001.234"), stored as digits only.
    phone = TelField(_l("Số điện thoại di động"), filters=[normalize_mobile], validators=[
        DataRequired(_l("Vui lòng nhập số điện thoại.")), vietnamese_mobile], render_kw={"autocomplete": "tel"})
    national_id = StringField(_l("Số định danh cá nhân (12 số)"), filters=[clean_number], validators=[
        DataRequired(_l("Vui lòng nhập số định danh cá nhân.")), national_id],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu.")), strong_password], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập lại mật khẩu.")),
        EqualTo("password", _l("Mật khẩu nhập lại không khớp."))], render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Đăng ký"))
