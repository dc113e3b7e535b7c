"""The result as it will be issued, for the leader about to approve it (issue 14, point 7): the service's
result template filled with the application as it stands, rendered for the eye only. Nothing is numbered
(the counter is not touched), signed or stored, and every page says "BẢN XEM TRƯỚC"."""
from ..documents import contexts
from ..documents.issue import result_template
from ..documents.render import render_pdf
from ..timeutil import utcnow, to_vn


def preview_pdf(application, actor) -> bytes:
    template, title = result_template(application)
    # The unit that will sign is the approving leader's (documents.issue._issuing_unit).
    unit = actor.unit if actor is not None and actor.unit is not None else application.current_unit
    context = {
        "title": title,
        "date": to_vn(utcnow()).date(),
        "unit": contexts.unit_context(unit),
        "signer": contexts.signer_context(actor),
        "verification": {},
        "application": contexts.application_context(application),
        "decision": {"text": "", "note": ""},
        "number": "",
        "preview": True,
    }
    return render_pdf(template, context)
