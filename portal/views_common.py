"""Responses that pages and the API send alike."""
from flask import abort, send_file

from . import storage


def send_attachment(application, attachment_id: int, as_download: bool = True):
    """A download unless the caller asks otherwise (a citizen viewing their own file)."""
    attachment = next((a for a in application.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    path = storage.path_of("uploads", attachment.stored_name)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=as_download,
                         download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
