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
