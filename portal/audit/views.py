"""Admin pages: find an application by its code and download the signed proof of its history."""
from flask import Blueprint, Response, render_template, request
from sqlalchemy import select

from ..i18n import N_
from ..admin.views import admin_required
from ..extensions import db
from ..models import Application, Event
from ..operations import NotFound
from .proof import build_proof, dumps
from .verify import application_breaks

bp = Blueprint("audit", __name__, url_prefix="/quan-tri/nhat-ky")


@bp.get("/bang-chung")
@admin_required
def proof_page():
    code = request.args.get("ma", "").strip()[:40]
    application = breaks = events = None
    if code:
        application = db.session.execute(select(Application).where(Application.code == code)).scalar_one_or_none()
    if application is not None:
        breaks = application_breaks(application.id)
        events = db.session.execute(select(Event).where(Event.application_id == application.id)
                                    .order_by(Event.id)).scalars().all()
    return render_template("audit/proof.html", code=code, application=application, breaks=breaks,
                           events=events)


@bp.get("/ho-so/<int:application_id>/bang-chung.json")
@admin_required
def proof_download(application_id):
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    name = f"bang-chung-{application.code or application.id}.json"
    return Response(dumps(build_proof(application)), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
