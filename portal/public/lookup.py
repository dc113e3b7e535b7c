"""Public status lookup (/tra-cuu): the application code and the last four digits of the applicant's phone
number give the state, the due date and a timeline of action labels, units and dates. No login, so no
personal data: no names, no form data, no notes (staff write notes about people).

An unknown code and wrong digits get the same answer, compared in constant time, and every client is
rate-limited (LOOKUP_RATE_LIMIT, one budget shared by the page and GET /api/v1/lookup), and so is every
code (LOOKUP_CODE_RATE_LIMIT, misses only), so the page cannot be used to guess which codes exist or to
walk through the four digits.

The answer carries the English texts beside the Vietnamese ones (`service_en`, `state_label_en`,
`action_label_en`) for the page's `localized` filter; the API's schema keeps to the Vietnamese fields. The
messages stay Vietnamese constants (the API answers with them) and the page translates them."""
import hmac
import re

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from ..extensions import db, limiter
from ..i18n import N_, translated
from ..models import Application, Event
from ..operations import Invalid, NotFound
from ..workflows_registry import workflow_of
from ..event_labels import EXTRA_ACTIONS

bp = Blueprint("lookup", __name__)

NOT_FOUND_MESSAGE = N_("Không tìm thấy hồ sơ khớp với mã hồ sơ và 4 số cuối số điện thoại đã nhập. "
                       "Vui lòng kiểm tra lại.")
CODE_MESSAGE = N_("Mã hồ sơ gồm chữ số, chữ cái, dấu chấm và dấu gạch ngang, "
                  "ví dụ 000.21.31.H62-261127-0001.")
DIGITS_MESSAGE = N_("Vui lòng nhập đúng 4 chữ số cuối của số điện thoại đã dùng khi nộp hồ sơ.")
CODE_MISSING_MESSAGE = N_("Vui lòng nhập mã hồ sơ.")
CODE_PATTERN = re.compile(r"^[A-Z0-9.\-]{1,60}$")
# Compared against when there is no application (or no phone), so a miss costs what a hit costs.
_NO_MATCH = "\x00\x00\x00\x00"


def lookup_limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


# One budget per client for the page and the API together: alternating between them gains nothing.
# Opening the empty form, or a link that only fills in the code, looks nothing up and costs nothing.
def _looks_nothing_up() -> bool:
    return request.method == "GET" and "phone" not in request.args


per_client = limiter.shared_limit(lookup_limit, scope="public-lookup", exempt_when=_looks_nothing_up)


# Per application code as well, whatever the address: the per-client budget alone lets a few hundred
# addresses walk the 10,000 four-digit endings of one code in minutes. Only misses count, so the owner's
# own lookups never use it up; once it is used up the right digits are refused too, so the wait teaches
# nothing. LOOKUP_CODE_RATE_LIMIT "10 per hour;30 per day": on average 5,000 guesses are needed for one
# code, that is about 167 days of the daily budget, and the owner can still sign in meanwhile.
def looked_up_code() -> str:
    source = request.form if request.method == "POST" else request.args
    return normalize_code(source.get("code"))[:60]


def _no_code() -> bool:
    return _looks_nothing_up() or not looked_up_code()


per_code = limiter.shared_limit(lambda: current_app.config["LOOKUP_CODE_RATE_LIMIT"], scope="public-lookup-code",
                                key_func=looked_up_code, exempt_when=_no_code,
                                deduct_when=lambda response: response.status_code == 404)


def rate_limited(view):
    return per_client(per_code(view))


def normalize_code(raw) -> str:
    return re.sub(r"\s+", "", str(raw or "")).upper()


def clean_query(code, digits) -> tuple[str, str]:
    """Checks the shape of the two inputs; raises Invalid with the field errors."""
    code, digits = normalize_code(code), re.sub(r"\s+", "", str(digits or ""))
    errors = {}
    if not CODE_PATTERN.fullmatch(code):
        errors["code"] = [CODE_MESSAGE if code else CODE_MISSING_MESSAGE]
    if not re.fullmatch(r"\d{4}", digits):
        errors["phone"] = [DIGITS_MESSAGE]
    if errors:
        raise Invalid(N_("Thông tin tra cứu chưa hợp lệ."), errors=errors)
    return code, digits


def last_four_digits(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else None


def find_application(code: str, digits: str) -> Application:
    """The application with this code whose applicant's phone ends in `digits`; NotFound otherwise, with
    one message for both misses."""
    application = db.session.execute(
        select(Application).where(Application.code == code)).scalar_one_or_none()
    expected = last_four_digits(application.applicant_phone) if application is not None else None
    matches = hmac.compare_digest((expected or _NO_MATCH).encode(), digits.encode())
    if application is None or expected is None or not matches:
        raise NotFound(NOT_FOUND_MESSAGE, code="not_found")
    return application


def _transition_labels(workflow, event) -> tuple[str, str]:
    """The Vietnamese and English labels of the transition this event took (the same action may read
    differently per role); an action the workflow no longer has keeps its name in both."""
    for transition in workflow.transitions:
        if (transition.action == event.action and transition.to == event.to_state
                and event.from_state in transition.sources and event.role in transition.roles):
            return transition.label, transition.label_en
    any_role = next((t for t in workflow.transitions if t.action == event.action), None)
    if any_role is None:
        extra = EXTRA_ACTIONS.get(event.action)
        return extra if extra else (event.action, event.action)
    return any_role.label, any_role.label_en


def _state_labels(workflow, state: str) -> tuple[str, str]:
    try:
        found = workflow.state(state)
    except KeyError:
        return state, state
    return found.label, found.label_en


def public_status(application: Application) -> dict:
    """What anyone holding the code and the four digits may see: labels, units and dates only."""
    workflow = workflow_of(application)
    events = db.session.scalars(select(Event).where(Event.application_id == application.id)
                                .order_by(Event.created_at, Event.id)).all()
    terminal = workflow.state(application.state).terminal if application.state in workflow.states else False
    state_label, state_label_en = _state_labels(workflow, application.state)
    return {
        "code": application.code,
        "service": application.service_version.name,
        "service_en": application.service_version.name_en or "",
        "unit": application.unit.name,
        "state": application.state,
        "state_label": state_label,
        "state_label_en": state_label_en,
        "due_date": application.due_date,
        "finished": terminal,
        "submitted_at": application.submitted_at,
        "timeline": [_timeline_step(workflow, event) for event in events],
    }


def _timeline_step(workflow, event) -> dict:
    action_label, action_label_en = _transition_labels(workflow, event)
    state_label, state_label_en = _state_labels(workflow, event.to_state)
    return {
        "action": event.action,
        "action_label": action_label,
        "action_label_en": action_label_en,
        "state": event.to_state,
        "state_label": state_label,
        "state_label_en": state_label_en,
        "unit": event.unit.name if event.unit is not None else None,
        "at": event.created_at,
    }


def lookup_status(code, digits) -> dict:
    """Page and API entry point: Invalid (422) for malformed input, NotFound (404) for no match."""
    return public_status(find_application(*clean_query(code, digits)))


class LookupForm(FlaskForm):
    code = StringField(_l("Mã hồ sơ"), validators=[DataRequired(_l(CODE_MISSING_MESSAGE)), Length(max=60)],
                       filters=[normalize_code],
                       description=_l("In trên giấy tiếp nhận và trong thư điện tử, "
                                      "ví dụ 000.21.31.H62-261127-0001."))
    phone = StringField(_l("4 số cuối số điện thoại"), validators=[
        DataRequired(_l(DIGITS_MESSAGE)), Regexp(r"^\s*\d{4}\s*$", message=_l(DIGITS_MESSAGE))],
        description=_l("Số điện thoại di động đã dùng khi nộp hồ sơ."))


@bp.route("/tra-cuu", methods=["GET", "POST"])
@rate_limited
def lookup():
    if request.method == "POST":
        form = LookupForm()
        submitted = form.validate_on_submit()
    else:
        # A GET lookup is a link (from an e-mail, a bookmark): no session, so no CSRF token to check.
        form = LookupForm(request.args, meta={"csrf": False})
        submitted = "phone" in request.args and form.validate()
    if not submitted:
        asked = request.method == "POST" or "phone" in request.args
        return render_template("public/lookup.html", form=form, status=None), 422 if asked else 200
    try:
        status = lookup_status(form.code.data, form.phone.data)
    except Invalid as refusal:
        for name, messages in refusal.errors.items():
            getattr(form, name).errors = [translated(message) for message in messages]
        return render_template("public/lookup.html", form=form, status=None), 422
    except NotFound as miss:
        return render_template("public/lookup.html", form=form, status=None,
                               not_found=translated(miss.message)), 404
    return render_template("public/lookup.html", form=form, status=status)
