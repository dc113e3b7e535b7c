"""Which unit a report request is about, checked against who asks (pages and API alike)."""
from sqlalchemy import select

from ..auth.permissions import can_view_reports, can_view_unit_report, is_admin
from ..extensions import db
from ..models import Unit
from ..i18n import N_
from ..operations import Forbidden, NotFound


def report_unit(user, slug: str | None) -> Unit | None:
    """The unit named by `slug` (None: an administrator's whole portal; a leader's own unit).
    Raises Forbidden for people without reports or units outside their scope, NotFound for unknown units."""
    if not can_view_reports(user):
        raise Forbidden(N_("Bạn không có quyền xem báo cáo."))
    if not slug:
        return None if is_admin(user) else user.unit
    unit = db.session.execute(select(Unit).where(Unit.slug == slug)).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    if not can_view_unit_report(user, unit):
        raise Forbidden(N_("Bạn chỉ xem được báo cáo của đơn vị mình và các đơn vị trực thuộc."))
    return unit
