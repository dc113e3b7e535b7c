"""What every page template can use."""
from flask import request
from flask_babel import get_locale
from flask_login import current_user

# The portal's name in pages, mails and reports (one province's; portal/i18n.py marks it for English).
PORTAL_NAME = "Cổng Dịch vụ công tỉnh Vĩnh Phúc"


def install_context(app):
    @app.context_processor
    def portal_context():
        return {
            "current_locale": str(get_locale() or "vi"),
            "portal_name": PORTAL_NAME,
            "current_path": request.full_path.rstrip("?") if request else "/",
            "user": current_user,
        }
