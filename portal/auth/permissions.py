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


def unit_ids_in_scope(user) -> set[int]:
    """The units whose applications a staff member may see: their own unit only. A district's staff see the
    applications forwarded to the district (they are then at the district)."""
    return {user.unit_id} if is_staff(user) else set()


def staff_can_see(user, application: Application) -> bool:
    """Staff see what is at their unit now, and what their unit received or handled before it moved on
    (a commune desk follows the applications it forwarded)."""
    if not is_staff(user):
        return False
    if application.state == "draft":
        return False
    return user.unit_id in (application.current_unit_id, application.unit_id) or _handled_by_unit(
        user.unit_id, application)


def _handled_by_unit(unit_id: int, application: Application) -> bool:
    return any(event.unit_id == unit_id for event in application.events if event.role != "citizen")


def can_view_application(user, application: Application) -> bool:
    return owns_application(user, application) or staff_can_see(user, application) or is_admin(user)


def can_edit_draft(user, application: Application) -> bool:
    return owns_application(user, application) and application.state == "draft"


def can_act_on(user, application: Application) -> bool:
    """Firing an action: the applicant, or staff of the unit where the application is now."""
    if owns_application(user, application):
        return True
    return is_staff(user) and user.unit_id == application.current_unit_id


def can_assign_handler(user, application: Application) -> bool:
    return (is_staff(user) and user.role in ("receiver", "leader")
            and user.unit_id == application.current_unit_id)


def can_be_handler_of(user: User, application: Application) -> bool:
    return has_role(user, "handler") and user.unit_id == application.current_unit_id


def can_view_attachment(user, attachment) -> bool:
    return can_view_application(user, attachment.application)


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
