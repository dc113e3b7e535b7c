"""Which features make up the portal: their blueprints (pages and API), CLI groups and effect handlers."""
import importlib

# (module, attribute): page blueprints
PAGE_BLUEPRINTS = [
    ("portal.public.views", "bp"),
    ("portal.public.lookup", "bp"),
    ("portal.public.verify_form", "bp"),
    ("portal.auth.views", "bp"),
    ("portal.auth.totp_views", "bp"),
    ("portal.auth.recovery", "bp"),
    ("portal.account.views", "bp"),
    ("portal.auth.national_identity", "bp"),
    ("portal.sandbox_vneid.views", "bp"),
    ("portal.citizen.views", "bp"),
    ("portal.citizen.check_answers", "bp"),
    ("portal.staff.views", "bp"),
    ("portal.staff.counter", "bp"),
    ("portal.citizen.claim", "bp"),
    ("portal.digitised.views", "bp"),
    ("portal.admin.views", "bp"),
    ("portal.admin.outbox_admin", "bp"),
    ("portal.audit.views", "bp"),
    ("portal.reports.views", "bp"),
    ("portal.reports.sending_views", "bp"),
    ("portal.reports.reporting_sandbox", "bp"),
    ("portal.documents.views", "bp"),
    ("portal.payments.views", "bp"),
    ("portal.payments.sandbox", "bp"),
    ("portal.national.sandbox_submit", "bp"),
    ("portal.national.sandbox", "bp"),
    ("portal.national.admin_views", "bp"),
    ("portal.ratings.views", "bp"),
    ("portal.pwa.views", "bp"),
]
# flask-smorest blueprints under /api/v1
API_BLUEPRINTS = [
    ("portal.api.auth", "blp"),
    ("portal.api.catalogue", "blp"),
    ("portal.api.applications", "blp"),
    ("portal.api.actions", "blp"),
    ("portal.api.claims", "blp"),
    ("portal.digitised.api", "blp"),
    ("portal.public.api", "blp"),
    ("portal.staff.api", "blp"),
    ("portal.admin.api", "blp"),
    ("portal.audit.api", "blp"),
    ("portal.documents.api", "blp"),
    ("portal.payments.api", "blp"),
    ("portal.ratings.api", "blp"),
    ("portal.reports.api", "blp"),
    ("portal.reports.sending_api", "blp"),
    ("portal.national.inbound_api", "blp"),
]
# modules whose import registers workflow effect handlers
EFFECT_MODULES = [
    "portal.operations.core_effects",
    "portal.operations.routing",
    "portal.notifications.effects",
    "portal.documents.effects",
    "portal.documents.form_effects",
]
# modules whose import registers what operations call without importing the feature: transition observers
# (operations.observers) and the operations behind actions that are more than a state change
# (operations.processing.performs)
HOOK_MODULES = [
    "portal.reports.flows",
    "portal.payments.operations",
    "portal.national.status",  # a status message to the national portal per transition (outbox "dvcqg")
    "portal.reports.sending",  # outbox destination "reporting"
]
CLI_MODULES = [
    ("portal.cli", "register"),
    ("portal.documents.cli", "register"),
    ("portal.payments.cli", "register"),
    ("portal.staff.cli", "register"),
    ("portal.admin.cli", "register"),
    ("portal.audit.cli", "register"),
    ("portal.reports.cli", "register"),
    ("portal.outbox.cli", "register"),
    ("portal.national.cli", "register"),
]


def _load(module_name, attribute=None):
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def register_features(app):
    from .api import api
    for module_name, attr in PAGE_BLUEPRINTS:
        app.register_blueprint(_load(module_name, attr))
    api.init_app(app)
    for module_name, attr in API_BLUEPRINTS:
        api.register_blueprint(_load(module_name, attr))
    from .api.errors import install_error_handlers
    install_error_handlers(app)
    for module_name in EFFECT_MODULES + HOOK_MODULES:
        _load(module_name)
    for module_name, attr in CLI_MODULES:
        _load(module_name, attr)(app)
    from .auth import loaders  # noqa: F401  (user and bearer-token loaders)
    from .context import install_context
    install_context(app)
    from .input_guard import install_input_guard
    install_input_guard(app)
    from .unit_of_work import install as install_unit_of_work
    install_unit_of_work(app)  # every request commits once, at its end
