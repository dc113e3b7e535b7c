"""Level 4: the result is delivered online, so the application completes when its applicant has the signed
result in hand, that is when they download it (Decree 42/2022, "toàn trình")."""
import logging

from ..auth.permissions import owns_application
from ..operations import OperationError
from ..operations.transitions import fire

log = logging.getLogger(__name__)
NOTE = "Công dân đã tải kết quả điện tử (văn bản số {number})."


def record_online_receipt(document, user):
    """Fires `deliver` for the applicant's first download of a live level-4 result. A citizen who asked for
    the result by post still gets it by post: the desk completes those. Returns the event or None."""
    application = document.application
    if (application is None or document.kind != "result" or document.revoked_at is not None
            or document.superseded_by_id is not None or application.state != "result_ready"
            or not owns_application(user, application)
            or application.service_version.online_level != 4
            or (application.delivery or {}).get("method") == "post"):
        return None
    try:
        return fire(application, "deliver", user, note=NOTE.format(number=document.number))
    except OperationError as refusal:  # the download itself must still work
        log.info("online receipt of %s not recorded: %s", application.code, refusal.message)
        return None
