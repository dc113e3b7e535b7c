"""The home page."""
from flask import Blueprint, render_template

from ..operations.catalogue import active_services, sectors

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    services = active_services()
    return render_template("public/home.html", services=services[:8], sectors=sectors(),
                           service_count=len(services))
