from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms_common import national_id, nfc, strong_password, vietnamese_mobile


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Vui lòng nhập email."), Length(max=254)],
                       filters=[lambda v: v.strip().lower() if v else v])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
    remember = BooleanField("Ghi nhớ đăng nhập")
    submit = SubmitField("Đăng nhập")


class RegisterForm(FlaskForm):
    full_name = StringField("Họ, chữ đệm và tên", filters=[nfc], validators=[
        DataRequired("Vui lòng nhập họ và tên."), Length(max=120, message="Họ và tên tối đa 120 ký tự.")])
    email = EmailField("Email", filters=[lambda v: v.strip().lower() if v else v], validators=[
        DataRequired("Vui lòng nhập email."), Email("Email không hợp lệ."), Length(max=254)])
    phone = StringField("Số điện thoại di động", validators=[
        DataRequired("Vui lòng nhập số điện thoại."), vietnamese_mobile])
    national_id = StringField("Số định danh cá nhân (12 số)", validators=[
        DataRequired("Vui lòng nhập số định danh cá nhân."), national_id])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), strong_password])
    confirm = PasswordField("Nhập lại mật khẩu", validators=[
        DataRequired("Vui lòng nhập lại mật khẩu."), EqualTo("password", "Mật khẩu nhập lại không khớp.")])
    submit = SubmitField("Đăng ký")
