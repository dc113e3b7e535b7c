"""The Vietnam calendar day of a stored UTC instant, computed by the database.

Viet Nam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact for every
instant the portal stores; doing it in SQL lets one aggregate query compare resolution days with due
dates instead of loading a million rows into Python."""
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

VN_OFFSET_HOURS = 7


class vn_day(FunctionElement):
    type = sa.Date()
    name = "vn_day"
    inherit_cache = True


@compiles(vn_day, "sqlite")
def _vn_day_sqlite(element, compiler, **kw):
    # UTCDateTime stores "YYYY-MM-DD HH:MM:SS[.ffffff]" and Date "YYYY-MM-DD": both compare as text.
    return f"date({compiler.process(element.clauses, **kw)}, '+{VN_OFFSET_HOURS} hours')"


@compiles(vn_day, "postgresql")
def _vn_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '{VN_OFFSET_HOURS} hours' AS DATE)"


@compiles(vn_day)
def _vn_day_other(element, compiler, **kw):
    raise NotImplementedError(f"vn_day is not defined for {compiler.dialect.name}")
