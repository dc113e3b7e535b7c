"""Marshmallow schemas: they shape the JSON and generate the OpenAPI document."""
from marshmallow import EXCLUDE, Schema, fields, validate


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE  # unknown fields are ignored, never stored


class TokenRequest(Lenient):
    email = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    totp = fields.String(load_default=None, metadata={"description": "administrators and leaders: the "
                                                                     "current two-step code"})


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class FieldOut(Schema):
    name = fields.String()
    label = fields.String()
    label_en = fields.String()
    type = fields.String()
    required = fields.Boolean()
    max_length = fields.Integer(allow_none=True)
    choices = fields.List(fields.String())
    min = fields.Integer(allow_none=True)
    max = fields.Integer(allow_none=True)


class DocumentDefOut(Schema):
    key = fields.String()
    label = fields.String()
    label_en = fields.String()
    required = fields.Boolean()
    note = fields.String(allow_none=True)


class ServiceOut(Schema):
    slug = fields.String()
    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    sector = fields.String()
    authority = fields.String()
    intake = fields.String()
    workflow = fields.String()
    online_level = fields.Integer()
    processing_days = fields.Integer()
    fee = fields.String(metadata={"description": "the fee rule in words"})
    version = fields.Integer()


class ServiceDetailOut(ServiceOut):
    legal_basis = fields.List(fields.String())
    description = fields.String()
    result_title = fields.String()
    # "fields" would shadow the marshmallow module inside the class body
    form_fields = fields.List(fields.Nested(FieldOut), attribute="fields", data_key="fields")
    documents = fields.List(fields.Nested(DocumentDefOut))


class UnitOut(Schema):
    slug = fields.String()
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent = fields.String(allow_none=True)
    one_stop_name = fields.String(allow_none=True)  # null: "Bộ phận Một cửa" (Circular 03/2025 forms)


class ApplicationCreate(Lenient):
    service = fields.String(required=True)
    unit = fields.String(required=True)
    data = fields.Dict(load_default=dict)


class ApplicantIn(Lenient):
    full_name = fields.String(required=True)
    national_id = fields.String(required=True, metadata={"description": "12 digits, the first three a "
                                                                        "province code 001-096"})
    phone = fields.String(required=True, metadata={"description": "Vietnamese mobile: 0xxxxxxxxx or +84…"})


class CounterApplicationCreate(Lenient):
    """A receiver's walk-in application (channel `counter`) for a person who may have no account."""

    service = fields.String(required=True)
    unit = fields.String(load_default=None, metadata={"description": "the receiver's own unit (the default)"})
    data = fields.Dict(load_default=dict)
    # A dict, checked by operations.counter_intake.check_person (errors by field: applicant.<name>).
    applicant = fields.Dict(required=True, metadata={"description": "{full_name, national_id, phone}"})


class ClaimRequestIn(Lenient):
    code = fields.String(required=True)
    national_id = fields.String(required=True)


class ClaimConfirmIn(ClaimRequestIn):
    otp = fields.String(required=True, metadata={"description": "the six digits sent by SMS"})


class ClaimRequestOut(Schema):
    sent_to = fields.String(metadata={"description": "the masked phone the code went to"})
    expires_at = fields.DateTime()


class ApplicationUpdate(Lenient):
    data = fields.Dict(required=True)


class VersionIn(Lenient):
    version = fields.Integer(load_default=None)


class ActionIn(Lenient):
    version = fields.Integer(required=True)
    note = fields.String(load_default="")
    new_due_date = fields.Date(load_default=None)
    legal_basis = fields.String(load_default=None, validate=validate.Length(max=1000))  # refuse: the provision
    handler = fields.Integer(load_default=None)
    data = fields.Dict(load_default=None)


class AttachmentOut(Schema):
    id = fields.Integer()
    document = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    digitised_at = fields.DateTime(allow_none=True, metadata={"description": "scanned at the desk (số hóa)"})
    checked_against_original = fields.Boolean()
    reused_from = fields.Dict(allow_none=True, metadata={
        "description": "picked from the person's store: {kind: attachment | result, id}"})


class EventOut(Schema):
    action = fields.String()
    role = fields.String()
    unit = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    note = fields.String()
    created_at = fields.DateTime()


class IssuedDocumentOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    code = fields.String()
    number = fields.String()
    title = fields.String()
    issued_at = fields.DateTime()
    revoked = fields.Boolean()
    superseded = fields.Boolean()
    source = fields.String(metadata={"description": "portal | scan (a digitised result: bản số hóa)"})
    document_date = fields.Date(allow_none=True, metadata={"description": "the date printed on a digitised result"})


class DeliveryOut(Schema):
    method = fields.String(metadata={"enum": ["post"]})
    address = fields.String()
    phone = fields.String()
    requested_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class ApplicationSummary(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True)
    service = fields.String()
    service_name = fields.String()
    unit = fields.String()
    current_unit = fields.String()
    state = fields.String()
    state_label = fields.String()
    version = fields.Integer()
    due_date = fields.Date(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    channel = fields.String(metadata={"enum": ["online", "counter", "national"]})


class ApplicantOut(Schema):
    full_name = fields.String()
    national_id = fields.String()
    phone = fields.String()
    has_account = fields.Boolean()


class ApplicationOut(ApplicationSummary):
    service_version = fields.Integer()
    data = fields.Dict()
    fee_amount = fields.Integer()
    received_at = fields.DateTime(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    handler = fields.String(allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentOut))
    applicant = fields.Nested(ApplicantOut)
    events = fields.List(fields.Nested(EventOut))
    documents = fields.List(fields.Nested(IssuedDocumentOut))
    delivery = fields.Nested(DeliveryOut, allow_none=True,
                             metadata={"description": "the postal delivery the citizen asked for; null when "
                                                      "none"})


class ActionOut(Schema):
    action = fields.String()
    label = fields.String()
    requires = fields.List(fields.String())
