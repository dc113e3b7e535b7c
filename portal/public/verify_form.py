"""The page where a person types the code printed under a document's QR code (/xac-minh, and /verify,
the address printed on the documents without a code): it leads to /verify/<code>, and a code that matches
no document gets its own message there instead of a bare 404 (`unknown_code_page`).

A GET form: it only reads, like following the QR code, so it carries no CSRF token."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..documents.issue import normalize_code
from ..i18n import N_, translated

bp = Blueprint("verify_form", __name__)

CODE_MISSING = N_("Vui lòng nhập mã xác thực in trên văn bản.")
UNKNOWN_CODE = N_("Không tìm thấy văn bản nào có mã xác thực %(code)s. Vui lòng kiểm tra lại mã in dưới mã QR "
                  "của văn bản (16 ký tự, ví dụ ABCD-EFGH-JKLM-NPQR); nếu mã đúng mà vẫn không tìm thấy, văn "
                  "bản có thể không do Cổng ban hành.")


class VerifyCodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that only reads

    code = StringField(_l("Mã xác thực văn bản"), filters=[lambda value: (value or "").strip()],
                       validators=[DataRequired(_l(CODE_MISSING)), Length(max=60)],
                       description=_l("In dưới mã QR ở cuối văn bản, ví dụ ABCD-EFGH-JKLM-NPQR."),
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


@bp.get("/verify")  # the address printed on documents, without a code
@bp.get("/xac-minh")  # applied first: the portal's own links (url_for) use the Vietnamese address
def verify_code():
    asked = "code" in request.args
    form = VerifyCodeForm(request.args)
    if asked and form.validate():
        return redirect(url_for("documents.verify", code=normalize_code(form.code.data)), code=303)
    return render_template("public/verify_form.html", form=form), 422 if asked else 200


def unknown_code_page(code: str):
    """The answer of /verify/<code> for a code that matches no document: the form again, with the code
    filled in and a message that says what went wrong."""
    form = VerifyCodeForm(formdata=None, data={"code": code[:60]})
    message = translated(UNKNOWN_CODE) % {"code": normalize_code(code)[:40] or code[:40]}
    return render_template("public/verify_form.html", form=form, not_found=message), 404
