"""How numbers, money and dates read in Vietnamese (and English): `1.500.000 ₫`, `ngày 27 tháng 11 năm 2026`."""
from datetime import date, datetime

from services.fees import format_vnd

from .timeutil import to_vn

__all__ = ["format_vnd", "vn_date_long", "vn_date", "vn_datetime", "place_and_date", "register_filters"]


def vn_date_long(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_vn(day).date()
    # Decree 30/2020: days below 10 and the months January and February take a leading zero.
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_vn(day).date()
    return day.strftime("%d/%m/%Y")


def vn_datetime(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return to_vn(moment).strftime("%H:%M %d/%m/%Y")


def place_and_date(place: str, day: date | datetime) -> str:
    """"Tam Hồng, ngày 27 tháng 11 năm 2026", as under the motto of every official document."""
    return f"{place}, {vn_date_long(day)}"


def register_filters(app):
    app.jinja_env.filters.update(
        vnd=format_vnd, date_long=vn_date_long, vn_date=vn_date, vn_datetime=vn_datetime)
