"""The catalogue and the unit tree (public)."""
from flask import abort
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from ..extensions import db
from ..models import Unit
from ..operations.catalogue import active_services, get_service
from .schemas import Lenient, ServiceDetailOut, ServiceOut, UnitOut
from .serializers import service_detail, service_summary, unit_out

blp = Blueprint("api_catalogue", __name__, url_prefix="/api/v1", description="Danh mục thủ tục và đơn vị")


class ServiceListQuery(Lenient):
    q = fields.String(load_default="", validate=validate.Length(max=200), metadata={
        "description": "words people type (accents optional, any order, common synonyms): the services that "
                       "have them, best first (services/search.py)"})


@blp.route("/services")
@blp.arguments(ServiceListQuery, location="query")
@blp.response(200, ServiceOut(many=True))
def list_services(query):
    """Các thủ tục đang cung cấp; với `q`: xếp theo mức khớp"""
    return [service_summary(v) for v in active_services(query["q"])]


@blp.route("/services/<slug>")
@blp.response(200, ServiceDetailOut)
def get_service_detail(slug):
    """Một thủ tục: trường dữ liệu và giấy tờ cần nộp"""
    service = get_service(slug)
    if service is None:
        abort(404)
    return service_detail(service.current)


@blp.route("/units")
@blp.response(200, UnitOut(many=True))
def list_units():
    """Cây đơn vị hành chính"""
    units = db.session.execute(select(Unit).where(Unit.active.is_(True)).order_by(Unit.level, Unit.name))
    return [unit_out(u) for u in units.scalars()]
