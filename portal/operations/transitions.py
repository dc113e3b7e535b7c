"""The one function through which every application changes state."""
import unicodedata
from collections import Counter as Tally

from sqlalchemy import func, inspect, select
from sqlalchemy.orm.exc import StaleDataError

from workflows.engine import Facts, NotAllowed

from ..i18n import N_
from ..auth.permissions import (can_act_on, can_view_application, fills_at_counter, is_staff, owns_application,
                                submits_from_national_portal)
from ..extensions import db
from ..models import Event
from ..timeutil import utcnow, vn_today
from ..workflows_registry import workflow_of
from . import Conflict, Forbidden, Invalid, NotFound
from .calendar import current_calendar
from .codes import assign_code
from .effects import EffectContext, run_effects
from .observers import watch

STALE_MESSAGE = ("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới nhất "
                 "rồi thao tác lại.")


def actor_role(actor, application) -> str | None:
    if actor is None:
        return "system"
    if owns_application(actor, application):
        return "citizen"
    if is_staff(actor):
        return actor.role
    return None


def relations_for(actor, application) -> frozenset[str]:
    relations = {"any"}
    if actor is not None and is_staff(actor) and actor.unit_id == application.current_unit_id:
        relations.add("current")
    if actor is not None and actor.id == application.applicant_id:
        relations.add("applicant")
    return frozenset(relations)


def facts_for(application) -> Facts:
    # What it reads is flushed already (fire() flushes each event it adds; calendar overrides are saved by
    # their own requests): flushing the application's pending changes here would only split its UPDATE in
    # two, as the final flush of fire() writes them once.
    with db.session.no_autoflush:
        return _facts_for(application)


def _facts_for(application) -> Facts:
    fired, fired_here = Tally(), Tally()
    for action, unit_id, count in _fired(application):
        fired[action] += count
        if unit_id == application.current_unit_id:  # the agency holding it now (once_per_unit)
            fired_here[action] += count
    calendar = current_calendar()
    days_left = (calendar.working_days_left(vn_today(), application.due_date)
                 if application.due_date else None)
    return Facts(
        received=application.received_at is not None,
        fee_due=application.fee_amount > 0 and application.paid_at is None,
        online_level=application.service_version.online_level,
        fired=dict(fired),
        working_days_left=days_left,
        fired_here=dict(fired_here),
    )


def _fired(application) -> list[tuple[str, int | None, int]]:
    """(action, unit, count) of the events written so far. When this transaction has read the history already
    (the national portal's observer does, before every transition), it is counted from there."""
    if not application.id:
        return []
    if "events" in inspect(application).dict:
        tally = Tally((e.action, e.unit_id) for e in application.events if e.id is not None)
        return [(action, unit_id, count) for (action, unit_id), count in tally.items()]
    return db.session.execute(
        select(Event.action, Event.unit_id, func.count()).where(Event.application_id == application.id)
        .group_by(Event.action, Event.unit_id)).all()


def touch(application, now=None):
    """One step of the optimistic-locking version per change a person makes, whatever the number of
    flushes: whoever still holds the previous version gets a Conflict."""
    application.version = (application.version or 1) + 1
    application.updated_at = now or utcnow()


def check_version(application, expected_version):
    if expected_version is not None and expected_version != application.version:
        raise Conflict(STALE_MESSAGE, code="stale_version")


def available_actions(application, actor):
    """The transitions this person may fire now (empty for anyone who may not act on it)."""
    if actor is not None and not can_act_on(actor, application):
        return []
    role = actor_role(actor, application)
    if role is None:
        return []
    workflow = workflow_of(application)
    return workflow.actions(application.state, role, relations_for(actor, application),
                            facts_for(application))


def fire(application, action: str, actor, *, note: str = "", inputs: dict | None = None,
         expected_version: int | None = None, details: dict | None = None, for_applicant: bool = False) -> Event:
    """Checks the workflow, the actor's role and unit and the version; applies the new state and the
    effects; appends the event with what the effects added; tells the observers (the report flows);
    flushes so a concurrent change is caught here (Conflict, 409). The caller commits."""
    try:
        return _fire(application, action, actor, note=note, inputs=inputs, expected_version=expected_version,
                     details=details, for_applicant=for_applicant)
    except StaleDataError:
        # The final flush is not the only place a concurrent change shows: any query on the way (the facts,
        # an effect issuing a document) autoflushes the changed application first and meets it there.
        raise Conflict(STALE_MESSAGE, code="stale_version") from None


def _fire(application, action, actor, *, note, inputs, expected_version, details, for_applicant=False) -> Event:
    if actor is not None and not can_view_application(actor, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    check_version(application, expected_version)
    role = actor_role(actor, application)
    if role is None:
        raise Forbidden(N_("Bạn không có quyền thao tác trên hồ sơ này."), code="wrong_role")
    note = unicodedata.normalize("NFC", (note or "").strip())
    inputs = dict(inputs or {})
    inputs["note"] = note
    workflow = workflow_of(application)
    decide_as, relations = role, relations_for(actor, application)
    if for_applicant:
        # The desk takes the applicant's step for a walk-in applicant (channel counter): the workflow sees the
        # applicant's move; the event keeps who made it (actor, role) and its details say for whom. An
        # application from the national portal is submitted the same way by the system (actor None).
        if not (fills_at_counter(actor, application) or submits_from_national_portal(actor, application)):
            raise Forbidden(N_("Bạn không có quyền thao tác trên hồ sơ này."), code="wrong_role")
        decide_as, relations = "citizen", relations | {"applicant"}
    # Before any change: the observers keep the application as it was (and read its history once, for the facts)
    finish_observers = watch(application)
    try:
        decision = workflow.decide(application.state, action, decide_as, relations,
                                   facts_for(application), inputs)
    except NotAllowed as refusal:
        if refusal.code == "missing_input":
            raise Invalid(refusal.message, errors={refusal.field or "note": [refusal.message]},
                          code=refusal.code) from None
        if refusal.code in ("wrong_role", "wrong_unit"):
            raise Forbidden(refusal.message, code=refusal.code) from None
        raise Invalid(refusal.message, code=refusal.code) from None
    now = utcnow()
    calendar = current_calendar()
    if action == "submit" and application.code is None:
        assign_code(application)  # the counter's row stays locked to the commit: taken after every read above
    acting_unit = actor.unit_id if (actor is not None and is_staff(actor)) else application.current_unit_id
    from_state = application.state
    ctx = EffectContext(application=application, decision=decision, actor=actor, role=role, note=note,
                        inputs=inputs, now=now, calendar=calendar,
                        from_unit_id=application.current_unit_id, details=dict(details or {}))
    application.state = decision.to_state
    touch(application, now)
    # The event is built once the effects have said what they add: nothing writes into a pending row.
    event = Event(
        application=application, action=action, actor_id=actor.id if actor is not None else None,
        role=role, unit_id=acting_unit, from_state=from_state, to_state=decision.to_state, note=note,
        details=run_effects(decision.effects, ctx), created_at=now)
    db.session.add(event)
    finish_observers()
    db.session.flush()
    return event
