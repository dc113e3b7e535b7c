from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from ..auth.throttle import normalize_email


class NewEmailForm(FlaskForm):
    """For an account without a password (made by a national identity sign-in): its session is the proof."""
    email = EmailField(_l("Địa chỉ email mới"), filters=[normalize_email], validators=[
        DataRequired(_l("Vui lòng nhập email.")), Email(_l("Email không hợp lệ.")), Length(max=254)],
        render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Gửi liên kết xác nhận"))


class ChangeEmailForm(NewEmailForm):
    password = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu hiện tại."))], render_kw={"autocomplete": "current-password"})


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Xác nhận đổi email"))
