"""The two forms of the citizen's box. Field ids are prefixed: both forms sit on the citizen's application
page next to its other forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms_common import nfc, vietnamese_mobile
from .delivery import ADDRESS_MAX, ADDRESS_MIN
from .operations import COMMENT_MAX, RATING_LABELS


class RatingForm(FlaskForm):
    value = RadioField(_l("Ông/Bà đánh giá thế nào về việc giải quyết hồ sơ?"), id="rating-value",
                       choices=[SelectChoice(value=v, label=_l(label)) for v, label in RATING_LABELS.items()],
                       validators=[InputRequired(_l("Vui lòng chọn một mức đánh giá."))])
    comment = TextAreaField(_l("Ý kiến góp ý (không bắt buộc)"), id="rating-comment", filters=[nfc],
                            validators=[Optional(),
                                        Length(max=COMMENT_MAX, message=_l("Tối đa %(max)s ký tự.", max=COMMENT_MAX))],
                            render_kw={"rows": 3, "maxlength": COMMENT_MAX})
    next = HiddenField(id="rating-next")


class PostalForm(FlaskForm):
    address = TextAreaField(
        _l("Địa chỉ nhận kết quả"), id="postal-address", filters=[nfc],
        validators=[DataRequired(_l("Vui lòng nhập địa chỉ nhận kết quả.")),
                    Length(min=ADDRESS_MIN, max=ADDRESS_MAX,
                           message=_l("Địa chỉ từ %(min)s đến %(max)s ký tự.", min=ADDRESS_MIN, max=ADDRESS_MAX))],
        description=_l("Số nhà, thôn/xóm (đường, phố), xã/phường, huyện/quận, tỉnh/thành phố."),
        render_kw={"rows": 2, "maxlength": ADDRESS_MAX, "autocomplete": "street-address"})
    phone = StringField(_l("Số điện thoại người nhận"), id="postal-phone", filters=[nfc],
                        validators=[DataRequired(_l("Vui lòng nhập số điện thoại người nhận.")),
                                    vietnamese_mobile],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    expected_version = HiddenField(id="postal-expected-version")
    next = HiddenField(id="postal-next")
