"""An application's code: `<unit code>-YYMMDD-NNNN`, a four-digit sequence per receiving unit and Vietnam day.

The sequence is a counter row, updated in the submission's transaction, so a rolled-back submission leaves no
gap; the row stays locked (on SQLite, the whole database) until that transaction ends. So the code is taken
as late as a submission allows: by `transitions.fire`, once the workflow has decided and the facts and the
calendar have been read, right before the effects that tell the applicant the code."""
from ..i18n import N_
from ..models import Application
from ..timeutil import vn_now
from . import Invalid
from .counters import next_value


def assign_code(application: Application) -> str:
    day = vn_now().strftime("%y%m%d")
    sequence = next_value(f"code:{application.unit_id}:{day}")
    if sequence > 9999:
        raise Invalid(N_("Đơn vị đã tiếp nhận quá 9999 hồ sơ trong ngày."))
    application.code = f"{application.unit.code}-{day}-{sequence:04d}"
    return application.code
