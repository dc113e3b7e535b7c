"""Vietnam time. Stored instants are UTC; every date a person sees or a deadline counts is in Asia/Ho_Chi_Minh,
whatever the server's own time zone is."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def vn_now() -> datetime:
    return datetime.now(VN)


def vn_today() -> date:
    return vn_now().date()


def to_vn(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VN)
