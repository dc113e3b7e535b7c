"""`GET /api/v1/applications`: the caller's list, searched and filtered, one page at a time.

A citizen: their own applications. Staff: what waits for their role at their unit (`scope=inbox`, the default
without `q`), or every application their unit may see (`scope=unit`, the default with `q`: the register,
permissions.staff_can_see's reach). Filters as the desk pages' (operations/inbox.InboxFilters); a refused
value is a 422 problem+json with the field named. The body stays a list; the page is told in headers."""
from marshmallow import fields, validate

from ..i18n import N_
from ..auth.permissions import is_staff
from ..extensions import db
from ..operations import Invalid
from ..operations.calendar import current_calendar
from ..operations.inbox import InboxFilters, applications_for, inbox_query, narrow, unit_register_query
from ..timeutil import vn_today
from .schemas import Lenient

PER_PAGE_DEFAULT = 100
PER_PAGE_MAX = 500
PAGE_MAX = 100_000  # beyond it an OFFSET would not fit the database's integers
LIST_HEADERS = {
    "X-Total-Count": {"description": "applications found", "schema": {"type": "integer"}},
    "X-Page": {"description": "this page (from 1)", "schema": {"type": "integer"}},
    "X-Pages": {"description": "pages in all", "schema": {"type": "integer"}},
}


class ApplicationListQuery(Lenient):
    q = fields.String(load_default="", metadata={
        "description": "staff: code, name (accents optional), personal identification number or phone"})
    scope = fields.String(load_default=None, validate=validate.OneOf(["inbox", "unit"]), metadata={
        "description": "staff: inbox (waiting for my role; default without q) | unit (everything my unit may "
                       "see; default with q)"})
    service = fields.String(load_default="", metadata={"description": "slug of the service"})
    state = fields.String(load_default="")
    channel = fields.String(load_default="", metadata={"description": "online | counter | national"})
    overdue = fields.String(load_default="", metadata={"description": "true: only those past their due date"})
    due = fields.String(load_default="", metadata={"description": "overdue | soon"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=PAGE_MAX))
    per_page = fields.Integer(load_default=PER_PAGE_DEFAULT, validate=validate.Range(min=1, max=PER_PAGE_MAX))


def search_page(user, args, query):
    """The page of applications `user` asked for; Invalid (422) naming any refused filter."""
    staff = is_staff(user)
    scope = (query["scope"] or ("unit" if query["q"].strip() else "inbox")) if staff else "own"
    filters, errors = InboxFilters.parse(args, user, register=scope != "inbox")
    if errors:
        raise Invalid(N_("Điều kiện tìm kiếm không hợp lệ."), errors=errors)
    today, calendar = vn_today(), current_calendar()
    if scope == "inbox":
        stmt = inbox_query(user, filters, today, calendar)
    elif scope == "unit":
        stmt = unit_register_query(user, "", filters, today, calendar)
    else:
        stmt = narrow(applications_for(user), user, filters, today, calendar)
    return db.paginate(stmt, page=query["page"], per_page=query["per_page"], error_out=False, count=True)


def page_headers(page) -> dict:
    return {"X-Total-Count": str(page.total), "X-Page": str(page.page), "X-Pages": str(page.pages)}
