"""Walk-in intake (channel `counter`): a receiver enters an application for a person standing at the desk, who
may have no account. The person is identified by the personal identification number, full name and phone;
each paper document is scanned and marked digitised; the receiver submits for the person and receives the
application at once, so form 01 (the receipt) is issued in the same request.

The application links to the citizen account with the same identification number when one exists (the person
then sees it in "My applications"); otherwise `applicant_id` stays NULL and the person's data lives on the
application (applicant_national_id, applicant_name, applicant_phone) until they claim it
(portal/citizen/claiming.py). No placeholder accounts: nobody can sign in as a person who never registered,
and a later registration with that identification number is not blocked."""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from ..i18n import N_, pattern
from ..auth.permissions import can_take_walk_in, fills_at_counter
from ..extensions import db
from ..models import Application, Attachment, Document, Service, Unit, User
from ..timeutil import utcnow
from ..workflows_registry import pin_workflow
from . import Forbidden, Invalid, NotFound
from . import applications as ops
from .catalogue import definition_of
from .routing import workflow_for
from .transitions import check_version, fire

NAME_MAX = 120
# The first three digits of a personal identification number are the province of birth registration
# (Circular 59/2021/TT-BCA, annex I): 001-096.
PROVINCE_CODES = range(1, 97)
_NATIONAL_ID = re.compile(r"[0-9]{12}")  # [0-9], not \d: other scripts' digits are not an identification number
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_PHONE_SEPARATORS = re.compile(r"[ .]")

NATIONAL_ID_MESSAGE = N_("Số định danh cá nhân gồm đúng 12 chữ số, ba chữ số đầu là mã tỉnh (001–096).")
NAME_MESSAGE = N_("Vui lòng nhập họ, chữ đệm và tên của người nộp hồ sơ.")
NAME_LONG_MESSAGE = pattern(N_("Họ và tên không được dài quá %(max)s ký tự.")) % {"max": NAME_MAX}
PHONE_MESSAGE = (N_("Số điện thoại di động không hợp lệ: cần 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09 "
                 "hoặc dạng +84."))


@dataclass(frozen=True)
class Person:
    full_name: str
    national_id: str
    phone: str  # clean: 0xxxxxxxxx


def clean_national_id(value) -> str | None:
    """The identification number as stored, or None when it fails the 12-digit rule."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not _NATIONAL_ID.fullmatch(value) or int(value[:3]) not in PROVINCE_CODES:
        return None
    return value


def clean_mobile(value) -> str | None:
    """A Vietnamese mobile number as stored (0 and nine digits), or None. Spaces and dots are accepted."""
    if not isinstance(value, str):
        return None
    compact = _PHONE_SEPARATORS.sub("", value.strip())
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    return compact if _MOBILE.fullmatch(compact) else None


def clean_name(value) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split())) if isinstance(value, str) else ""


def check_person(raw) -> Person:
    """The person as given ({"full_name", "national_id", "phone"}); Invalid with an error by field."""
    raw = raw if isinstance(raw, dict) else {}
    errors = {}
    name = clean_name(raw.get("full_name"))
    if not name:
        errors["full_name"] = [NAME_MESSAGE]
    elif len(name) > NAME_MAX:
        errors["full_name"] = [NAME_LONG_MESSAGE]
    national_id = clean_national_id(raw.get("national_id"))
    if national_id is None:
        errors["national_id"] = [NATIONAL_ID_MESSAGE]
    phone = clean_mobile(raw.get("phone"))
    if phone is None:
        errors["phone"] = [PHONE_MESSAGE]
    if errors:
        raise Invalid(N_("Thông tin người nộp hồ sơ chưa hợp lệ."), errors=errors)
    return Person(full_name=name, national_id=national_id, phone=phone)


def account_of(national_id: str) -> User | None:
    return db.session.execute(select(User).where(
        User.national_id == national_id, User.kind == "citizen")).scalar_one_or_none()


def start(receiver, service: Service, unit: Unit, person: Person, data) -> Application:
    """A counter draft at the receiver's own unit, for `person`, with the service's form values checked as
    a draft's are."""
    if not can_take_walk_in(receiver, unit):
        raise Forbidden(N_("Chỉ cán bộ Bộ phận Một cửa của đơn vị mới tiếp nhận hồ sơ trực tiếp tại đơn vị đó."))
    ops.resolve_unit(service, unit.slug)  # the service must be received at this unit
    version = service.current
    application = Application(
        service=service, service_version=version, applicant=account_of(person.national_id),
        applicant_national_id=person.national_id, applicant_name=person.full_name,
        applicant_phone=person.phone, unit=unit, current_unit=unit, workflow=workflow_for(version, unit),
        state="draft", channel="counter",
        data=ops.clean_draft_data(definition_of(version), data or {}))
    pin_workflow(application)
    db.session.add(application)
    db.session.flush()
    return application


def scan(application: Application, receiver, document_key: str, stream, filename: str | None,
         checked_against_original: bool) -> Attachment:
    """Stores the scan of one paper document and marks it digitised by the receiver, now."""
    if not fills_at_counter(receiver, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    attachment = ops.attach(application, receiver, document_key, stream, filename)
    mark_digitised(attachment, receiver, checked_against_original)
    return attachment


def mark_digitised(attachment: Attachment, actor, checked_against_original: bool) -> Attachment:
    attachment.digitised_by_id = actor.id
    attachment.digitised_at = utcnow()
    attachment.checked_against_original = bool(checked_against_original)
    return attachment


def submit_for_person(application: Application, receiver, expected_version: int | None = None,
                      values=None) -> Document | None:
    """The receiver submits for the person and receives the application at once (the person is at the desk
    with the originals). Two events: `submit` (details: entered_by, on_behalf_of) and `accept`, which issues
    form 01. Returns the receipt."""
    if not fills_at_counter(receiver, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if application.state != "draft":
        raise Invalid(N_("Hồ sơ đã được nộp."), code="not_draft")
    check_version(application, expected_version)
    ops.prepare_submission(application, values)
    details = {
        "entered_by": {"user_id": receiver.id, "name": receiver.full_name},
        "on_behalf_of": {"user_id": application.applicant_id, "name": application.applicant_name,
                         "national_id": application.applicant_national_id},
    }
    fire(application, "submit", receiver, for_applicant=True, details=details)
    fire(application, "accept", receiver)
    return receipt_of(application)


def receipt_of(application: Application) -> Document | None:
    return db.session.execute(select(Document).where(
        Document.application_id == application.id, Document.kind == "receipt",
        Document.revoked_at.is_(None)).order_by(Document.id.desc())).scalars().first()


def counter_application(user, application_id: int) -> Application:
    """A counter application the receiver's desk entered; anything else is 404 (another unit's too)."""
    application = db.session.get(Application, application_id)
    if application is None or not fills_at_counter(user, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    return application
