"""What waits for whom: the staff inboxes and the citizen's list."""
from sqlalchemy import select

from ..auth.permissions import is_citizen, is_staff
from ..models import Application

# The states in which an application waits for each staff role at its current unit.
WAITING_FOR = {
    "receiver": ("submitted", "forwarded", "awaiting_payment", "result_ready"),
    "handler": ("processing",),
    "leader": ("awaiting_approval",),
}


def applications_for(user):
    """A select() of the applications this person should see in their list, most urgent first."""
    if is_citizen(user):
        return (select(Application).where(Application.applicant_id == user.id)
                .order_by(Application.created_at.desc(), Application.id.desc()))
    if is_staff(user):
        return (select(Application)
                .where(Application.current_unit_id == user.unit_id,
                       Application.state.in_(WAITING_FOR.get(user.role, ())))
                .order_by(Application.due_date.is_(None), Application.due_date, Application.id))
    return select(Application).where(Application.id.is_(None))
