"""Who may do what, as named predicates checked per object. Views and operations call these; nothing
else decides access."""
from ..models import Application, User


def is_citizen(user) -> bool:
    return bool(user and user.is_authenticated and user.kind == "citizen")


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.kind == "staff" and user.unit_id)


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.kind == "admin")


def has_role(user, role: str) -> bool:
    return is_staff(user) and user.role == role


def owns_application(user, application: Application) -> bool:
    return is_citizen(user) and application.applicant_id == user.id


def staff_can_see(user, application: Application) -> bool:
    """Staff see what is at their unit now, and what their unit received or handled before it moved on
    (a commune desk follows the applications it forwarded)."""
    if not is_staff(user):
        return False
    if application.state == "draft":
        return fills_at_counter(user, application)
    return user.unit_id in (application.current_unit_id, application.unit_id) or _handled_by_unit(
        user.unit_id, application)


def _handled_by_unit(unit_id: int, application: Application) -> bool:
    return any(event.unit_id == unit_id for event in application.events if event.role != "citizen")


def can_view_application(user, application: Application) -> bool:
    return owns_application(user, application) or staff_can_see(user, application) or is_admin(user)


def can_edit_draft(user, application: Application) -> bool:
    return can_fill_application(user, application) and application.state == "draft"


# -- the counter (walk-in applications entered by the one-stop desk) -----------------------------------

def can_take_walk_in(user, unit) -> bool:
    """Entering a walk-in application: a receiver, at their own unit only."""
    return has_role(user, "receiver") and unit is not None and user.unit_id == unit.id


def fills_at_counter(user, application: Application) -> bool:
    """The desk that entered a counter application fills, scans and submits it for the person."""
    return (application.channel == "counter" and has_role(user, "receiver")
            and user.unit_id == application.unit_id)


def submits_from_national_portal(user, application: Application) -> bool:
    """An application the national portal (Cổng DVCQG) sent: no one signed in here submits it; the portal
    takes the applicant's `submit` for the person as the system (portal/national/inbound.py)."""
    return user is None and application.channel == "national" and application.state == "draft"


def can_fill_application(user, application: Application) -> bool:
    """Fields, attachments and submission: the applicant online, the receiving desk at the counter."""
    return owns_application(user, application) or fills_at_counter(user, application)


def can_change_own_email(user) -> bool:
    """A citizen changes the address of their own account; staff and administrator addresses are the
    administrators' to set (they are sign-in names tied to a unit and a role)."""
    return is_citizen(user)


def can_claim(user) -> bool:
    """Claiming a counter application by code, identification number and one-time code: a citizen."""
    return is_citizen(user)


def can_act_on(user, application: Application) -> bool:
    """Firing an action: the applicant, or staff of the unit where the application is now."""
    if owns_application(user, application):
        return True
    return is_staff(user) and user.unit_id == application.current_unit_id


def can_digitise_result(user, application: Application) -> bool:
    """Scanning a result issued on paper (or by another system) as the application's digitised result: the
    receiver or handler of the unit holding the application (portal/documents/digitised_results.py)."""
    return (is_staff(user) and user.role in ("receiver", "handler")
            and user.unit_id == application.current_unit_id)


def can_assign_handler(user, application: Application) -> bool:
    return (is_staff(user) and user.role in ("receiver", "leader")
            and user.unit_id == application.current_unit_id)


def can_be_handler_of(user: User, application: Application) -> bool:
    return has_role(user, "handler") and user.unit_id == application.current_unit_id


def can_preview_result(user, application: Application) -> bool:
    """The draft result (portal/staff/preview.py): the leader of the unit holding an application that waits
    for their approval, who is about to sign it."""
    return (has_role(user, "leader") and user.unit_id == application.current_unit_id
            and application.state == "awaiting_approval")


# -- administration and reports ---------------------------------------------------------------

def can_administer(user) -> bool:
    """Services, units, staff, calendar and workflows pages: administrators only."""
    return is_admin(user)


def needs_second_factor(user) -> bool:
    """Administrators and leaders (who sign results and see reports) sign in with a TOTP code too."""
    return is_admin(user) or has_role(user, "leader")


def can_view_reports(user) -> bool:
    return is_admin(user) or has_role(user, "leader")


def can_view_unit_report(user, unit) -> bool:
    """Admins: every unit. A leader: their own unit and the units below it (a district leader sees the
    district and its communes, a commune leader only the commune)."""
    if is_admin(user):
        return True
    if not has_role(user, "leader") or unit is None:
        return False
    return unit.id == user.unit_id or any(a.id == user.unit_id for a in unit.ancestors())


def can_view_document(user, document) -> bool:
    """The applicant downloads their own documents; staff those their unit issued or of applications they
    may see."""
    application = document.application
    if application is not None and owns_application(user, application):
        return True
    if not is_staff(user):
        return False
    return user.unit_id == document.unit_id or (application is not None and staff_can_see(user, application))


def can_revoke_document(user, document) -> bool:
    """Only a leader of the issuing unit revokes what the unit signed."""
    return has_role(user, "leader") and user.unit_id == document.unit_id


def can_download_register(user, unit) -> bool:
    return is_staff(user) and unit is not None and user.unit_id == unit.id


def can_view_control_sheet(user, application: Application) -> bool:
    return staff_can_see(user, application)
