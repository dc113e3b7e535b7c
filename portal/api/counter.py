"""The API side of walk-in intake (channel `counter`): `POST /api/v1/applications` by a receiver with an
`applicant`, and the counter branches of the attachment and submit endpoints (portal/api/applications.py)."""
from flask import request

from ..i18n import N_
from ..auth.permissions import has_role
from ..extensions import db
from ..models import Unit
from ..operations import Forbidden, Invalid
from ..operations import counter_intake as counter
from ..operations.catalogue import get_service
from .common import load_body
from .schemas import CounterApplicationCreate

TRUE_WORDS = ("1", "true", "on", "yes")


def create(receiver, body: dict):
    """A counter draft for the person in `body["applicant"]`, at the receiver's unit."""
    if not has_role(receiver, "receiver"):  # citizens, handlers, leaders, administrators
        raise Forbidden(N_("Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ trực tiếp."))
    loaded = load_body(CounterApplicationCreate(), body)
    errors = {}
    try:
        person = counter.check_person(loaded["applicant"])
    except Invalid as exc:
        errors.update({f"applicant.{name}": messages for name, messages in exc.errors.items()})
        person = None
    service = get_service(loaded["service"])
    if service is None:
        errors["service"] = ["Không có thủ tục này."]
    if not isinstance(loaded["data"], dict):
        errors["data"] = ["Phải là một đối tượng JSON."]
    if errors:
        raise Invalid(N_("Dữ liệu không hợp lệ."), errors=errors)
    unit = receiver.unit
    if loaded["unit"] not in (None, "", unit.slug if unit else None):
        given = db.session.query(Unit).filter_by(slug=loaded["unit"]).one_or_none()
        if given is None:
            raise Invalid(N_("Không có đơn vị này."), errors={"unit": [N_("Không có đơn vị này.")]})
        unit = given  # start() refuses another unit than the receiver's own (403)
    return counter.start(receiver, service, unit, person, loaded["data"])


def scan_from_request(application, receiver, key, upload):
    checked = request.form.get("checked_against_original", "").strip().lower() in TRUE_WORDS
    return counter.scan(application, receiver, key, upload.stream, upload.filename, checked)


def submit(application, receiver, version):
    counter.submit_for_person(application, receiver, expected_version=version)
    return application
