"""The satisfaction rating: once, by the applicant, after the application is completed."""
import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..i18n import N_, pattern
from ..auth.permissions import owns_application
from ..extensions import db
from ..models import Rating
from ..operations import Invalid, NotFound
from ..timeutil import utcnow
from ..reports.flows import record_rating
from ..savepoints import savepoint

# value -> label, in the order the form shows them (Decision 766/QĐ-TTg's three levels)
# Translated where shown (the form's choices, the citizen's box); the API keeps the Vietnamese label.
RATING_LABELS = {"satisfied": N_("Hài lòng"), "normal": N_("Bình thường"), "unsatisfied": N_("Không hài lòng")}
COMMENT_MAX = 1000
COMMENT_TOO_LONG = pattern(N_("Ý kiến tối đa %(max)s ký tự."))
ALREADY_RATED = N_("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.")
NOT_COMPLETED = N_("Chỉ đánh giá được hồ sơ đã hoàn thành (đã trả kết quả).")


def rating_of(application) -> Rating | None:
    return db.session.execute(
        select(Rating).where(Rating.application_id == application.id)).scalar_one_or_none()


def can_rate(user, application) -> bool:
    return (owns_application(user, application) and application.state == "completed"
            and rating_of(application) is None)


def rate(application, citizen, value: str, comment: str = "") -> Rating:
    """Stores the applicant's rating. NotFound for anyone but the applicant; Invalid (422) when the
    application is not completed, was already rated, or the value or comment is wrong."""
    if not owns_application(citizen, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if application.state != "completed":
        raise Invalid(NOT_COMPLETED, code="not_completed")
    errors = {}
    if value not in RATING_LABELS:
        errors["value"] = [N_("Vui lòng chọn một mức: Hài lòng, Bình thường hoặc Không hài lòng.")]
    comment = unicodedata.normalize("NFC", (comment or "").strip())
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [COMMENT_TOO_LONG % {"max": COMMENT_MAX}]
    if errors:
        raise Invalid(N_("Đánh giá chưa hợp lệ."), errors=errors)
    if rating_of(application) is not None:
        raise Invalid(ALREADY_RATED, code="already_rated")
    rating = Rating(application_id=application.id, unit_id=application.unit_id,
                    service_id=application.service_id, value=value, comment=comment, created_at=utcnow())
    try:
        # Two submissions at once: the unique application_id lets one through; the other is told, not a 500.
        with savepoint(db.session):
            db.session.add(rating)
    except IntegrityError:
        raise Invalid(ALREADY_RATED, code="already_rated") from None
    record_rating(rating)
    return rating


def rating_out(rating: Rating) -> dict:
    return {"value": rating.value, "label": RATING_LABELS.get(rating.value, rating.value),
            "comment": rating.comment, "created_at": rating.created_at}
