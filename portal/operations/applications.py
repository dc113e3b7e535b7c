"""A citizen's application before processing: drafts, attachments, submission and the code it gets."""
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from services.forms import Checked, check_data

from ..i18n import N_, localized, pattern
from .. import storage
from ..by_id import by_id
from ..auth.permissions import can_edit_draft, can_fill_application, owns_application
from ..extensions import db
from ..models import Application, Attachment, Service, Unit
from ..timeutil import utcnow
from ..workflows_registry import pin_workflow
from . import Forbidden, Invalid, NotFound
from .catalogue import definition_of
from .routing import takes_applications
from .routing import workflow_for
from .transitions import check_version, fire, touch

MISSING_DOCUMENT = pattern(N_("Vui lòng đính kèm %(document)s."))

PREFILL_ATTRIBUTES = ("full_name", "email", "phone", "national_id", "date_of_birth", "address")


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def checked_values(definition, data, *, complete: bool) -> Checked:
    """The field values checked once per request: values the page's form already checked against this
    definition (a `Checked`) are taken as they are; anything else (the API's JSON) is checked here, known
    fields only, an empty value counting as not given."""
    if isinstance(data, Checked) and data.serves(definition, complete=complete):
        return data
    return check_data(definition, _given(definition, data), complete=complete)


def _given(definition, data) -> dict:
    known = {f.name for f in definition.fields}
    return {k: _nfc(v) for k, v in (data or {}).items() if k in known and v not in (None, "")}


def clean_draft_data(definition, data) -> dict:
    """A draft may be incomplete, but what it holds must be valid: each given value is checked by the same
    validators as on submission; a missing required value is not an error yet."""
    checked = checked_values(definition, data, complete=False)
    if checked.errors:
        raise Invalid(N_("Một số thông tin chưa hợp lệ."), errors=checked.errors)
    return checked.values


def prefill(definition, user) -> dict:
    """Fields the profile already knows."""
    values = {}
    for field in definition.fields:
        if field.prefill in PREFILL_ATTRIBUTES:
            value = getattr(user, field.prefill, None)
            if value:
                values[field.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def resolve_unit(service: Service, unit_slug: str) -> Unit:
    # With its parent and grandparent (commune, district, province): routing walks up the tree next.
    unit = db.session.execute(select(Unit).where(Unit.slug == unit_slug).options(
        joinedload(Unit.parent).joinedload(Unit.parent))).scalar_one_or_none()
    if unit is None or not takes_applications(service.current, unit):
        message = "Vui lòng chọn nơi nộp hồ sơ trong danh sách."
        raise Invalid(message, errors={"unit": [message]})
    return unit


def create_draft(citizen, service: Service, unit: Unit, data: dict | Checked | None) -> Application:
    version = service.current
    definition = definition_of(version)
    application = Application(
        service=service, service_version=version, applicant=citizen, unit=unit, current_unit=unit,
        workflow=workflow_for(version, unit), state="draft", channel="online",
        data=clean_draft_data(definition, data or {}),
        attachments=[], events=[], documents=[])  # a new draft has none: no query to find out
    pin_workflow(application)
    db.session.add(application)
    db.session.flush()
    return application


def update_draft(application: Application, citizen, data: dict | Checked, replace: bool = False) -> Application:
    """Changes a draft's fields. The API merges what it is sent (PATCH); the page sends the whole form
    (`replace`), so a field the citizen emptied is emptied."""
    if not can_edit_draft(citizen, application):
        raise Invalid(N_("Chỉ sửa được hồ sơ ở trạng thái nháp."), code="not_draft")
    definition = definition_of(application.service_version)
    clean = clean_draft_data(definition, data)
    merged = {} if replace else dict(application.data or {})
    merged.update(clean)
    application.data = merged
    touch(application)
    return application


def attach(application: Application, user, document_key: str, stream, filename: str | None) -> Attachment:
    """Stores one scan for one listed document, checked by content; an earlier upload for the same
    document is kept in the history but no longer counts."""
    if not can_fill_application(user, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if application.state not in ("draft", "supplement_requested"):
        raise Invalid(N_("Chỉ đính kèm được khi hồ sơ đang soạn hoặc đang chờ bổ sung."), code="not_editable")
    definition = definition_of(application.service_version)
    if document_key not in {d.key for d in definition.documents}:
        message = "Giấy tờ này không có trong danh mục của thủ tục."
        raise Invalid(message, errors={"document": [message]})
    return add_checked_attachment(application, document_key, storage.check_upload(stream, filename), user.id)


def add_checked_attachment(application: Application, document_key: str, checked: storage.CheckedUpload,
                           uploaded_by_id: int | None) -> Attachment:
    """Stores an upload already checked by content (storage.check_upload) for a listed document. Also used
    for the files of an application the national portal sent (portal/national/inbound.py: nobody uploads
    them here, `uploaded_by_id` is None)."""
    stored = storage.save("uploads", checked.data, storage.ALLOWED_UPLOADS[checked.content_type])
    for previous in application.attachments:
        if previous.document_key == document_key and not previous.superseded:
            previous.superseded = True
    attachment = Attachment(
        application=application, document_key=document_key, filename=_nfc(checked.filename),
        stored_name=stored, content_type=checked.content_type, size=len(checked.data),
        sha256=checked.sha256, uploaded_by_id=uploaded_by_id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def current_attachments(application: Application) -> dict[str, Attachment]:
    return {a.document_key: a for a in application.attachments if not a.superseded}


def check_complete(application: Application, values: Checked | None = None) -> dict:
    """Everything the service requires: valid data and every required document. Returns clean data.
    `values` already checked for a submission under the application's definition are not checked again;
    without them the stored data is."""
    definition = definition_of(application.service_version)
    if values is None or not values.serves(definition, complete=True):
        values = check_data(definition, application.data or {})
    errors = {name: list(messages) for name, messages in values.errors.items()}
    attached = current_attachments(application)
    for document in definition.documents:
        if document.required and document.key not in attached:
            errors.setdefault(f"documents.{document.key}", []).append(
                # the document's name in the request's language: the rest is translated where it is shown
                MISSING_DOCUMENT % {"document": localized(document, "label")})
    if errors:
        raise Invalid(N_("Hồ sơ chưa đầy đủ, vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    return values.values


def submit(application: Application, citizen, expected_version: int | None = None,
           values: Checked | None = None):
    """Submits a draft. `values`: the page's form, checked for a submission in this request; they become
    the application's data (without them the stored draft is checked)."""
    if not owns_application(citizen, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if application.state != "draft":
        raise Invalid(N_("Hồ sơ đã được nộp."), code="not_draft")
    check_version(application, expected_version)  # on entry: what follows changes the row
    prepare_submission(application, values)
    application.applicant_phone = citizen.phone or ""
    return fire(application, "submit", citizen)


def prepare_submission(application: Application, values: Checked | None = None) -> None:
    """What every submission does before its `submit` fires (online, at the counter, from the national
    portal): today's service version and rules, complete data and documents, the fee and the time. The code
    comes with the transition itself (operations/codes.py)."""
    if application.service.current_version_id != application.service_version_id:
        # A draft started under an older version is submitted under the version now published.
        application.service_version = application.service.current
        application.workflow = workflow_for(application.service.current, application.unit)
    pin_workflow(application)  # whatever the draft started under, it is submitted under today's rules
    clean = check_complete(application, values)
    definition = definition_of(application.service_version)
    application.data = clean
    application.fee_amount = definition.fee.compute(clean)
    application.submitted_at = utcnow()
    # The code comes with the `submit` transition (transitions.fire), once the rest has been read.


def resubmit(application: Application, citizen, data: dict | Checked | None, note: str = "",
             expected_version: int | None = None):
    """The citizen's answer to a supplement request: changed fields and new attachments, then the clock
    runs again. The page sends its whole form, checked (`Checked`); the API sends the fields it changes."""
    if not owns_application(citizen, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if application.state != "supplement_requested":
        raise Invalid(N_("Hồ sơ không ở trạng thái chờ bổ sung."), code="wrong_state")
    check_version(application, expected_version)
    definition = definition_of(application.service_version)
    if not isinstance(data, Checked):
        # The changed fields merged first, so the whole data is checked in one pass; a wrong changed value
        # is refused as a draft's would be.
        given = _given(definition, data)
        data = check_data(definition, {**(application.data or {}), **given})
        wrong = {name: messages for name, messages in data.errors.items() if name in given}
        if wrong:
            raise Invalid(N_("Một số thông tin chưa hợp lệ."), errors=wrong)
    application.data = check_complete(application, data)
    return fire(application, "resubmit", citizen, note=note)


def delete_draft(application: Application, citizen):
    if not can_edit_draft(citizen, application):
        raise Forbidden(N_("Chỉ xóa được hồ sơ nháp của chính bạn."))
    for attachment in application.attachments:
        db.session.delete(attachment)
    db.session.delete(application)


# What every view of one application reads (predicates, serializers, the workflow): loaded with the row in one
# query instead of one lazy load each (bench/submit.py: a read went from 10 queries to 5).
_WITH_APPLICATION = tuple(joinedload(relation) for relation in (
    Application.service, Application.service_version, Application.workflow_version, Application.unit,
    Application.current_unit))


def get_for(user, application_id: int, predicate) -> Application:
    application = by_id(Application, application_id, _WITH_APPLICATION)
    if application is None or not predicate(user, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    return application
