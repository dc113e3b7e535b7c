"""Concurrent firing for the race tests: each thread has its own application context, hence its own database
session and connection, loads the application, waits for the others at a barrier, then fires and commits."""
import random
import threading
import time
from dataclasses import dataclass


@dataclass
class Outcome:
    user_id: int
    action: str
    result: str  # "ok", or the exception class name
    detail: str = ""


def fire_in_thread(app, application_id, user_id, choose_action, barrier, outcomes, lock, *, jitter=0.0,
                   note="Trả lại để hoàn thiện."):
    """Loads the application as `user_id` sees it, waits for the others, fires what `choose_action(state)`
    returns (None: sit this round out) and commits; records what happened."""
    from portal.extensions import db
    from portal.models import Application, User
    from portal.operations import OperationError
    from portal.operations.transitions import fire
    with app.app_context():
        try:
            user = db.session.get(User, user_id)
            application = db.session.get(Application, application_id)
            version, action = application.version, choose_action(application.state)
            # everything fire() reads lazily is loaded now, before the others may commit
            _ = (list(application.events), application.service_version.online_level, user.unit_id)
            barrier.wait(timeout=30)
            if action is None:
                return
            if jitter:
                time.sleep(random.uniform(0, jitter))
            try:
                fire(application, action, user, note=note, expected_version=version)
                db.session.commit()
                result = Outcome(user_id, action, "ok")
            except OperationError as exc:
                db.session.rollback()
                result = Outcome(user_id, action, type(exc).__name__, exc.message)
            except Exception as exc:  # anything else is a failure the test reports, with its traceback
                db.session.rollback()
                import traceback
                result = Outcome(user_id, action, type(exc).__name__, traceback.format_exc())
            with lock:
                outcomes.append(result)
        finally:
            db.session.remove()


def race(app, application_id, contenders, *, jitter=0.0):
    """contenders: [(user_id, choose_action)]; runs them all at once; returns their outcomes."""
    barrier = threading.Barrier(len(contenders))
    outcomes, lock = [], threading.Lock()
    threads = [threading.Thread(target=fire_in_thread,
                                args=(app, application_id, user_id, choose, barrier, outcomes, lock),
                                kwargs={"jitter": jitter})
               for user_id, choose in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcomes


def add_staff(db, demo, role, slug, email):
    """A second officer of the same role and unit, so two people can race on one application."""
    from portal.auth.loaders import new_session_token
    from portal.auth.passwords import hash_password
    from portal.models import User
    user = User(email=email, full_name="Đỗ Thị Mai", kind="staff", role=role, unit=demo.unit(slug),
                password_hash=hash_password("Demo@12345"), session_token=new_session_token())
    db.session.add(user)
    db.session.commit()
    return user


def run_rounds(app, application_id, workers, *, rounds, seed, participation=0.7, jitter=0.002):
    """Long-lived racers: `workers` is [(user_id, choose_action)]. Every round each worker reloads the
    application, meets the others at a barrier, then (with probability `participation`) fires what
    `choose_action(state)` says, after a random pause of up to `jitter` seconds. Returns every outcome."""
    barrier = threading.Barrier(len(workers))
    outcomes, lock = [], threading.Lock()

    def work(index, user_id, choose):
        from portal.extensions import db
        from portal.models import Application, User
        from portal.operations import OperationError
        from portal.operations.transitions import fire
        rng = random.Random(seed * 1000 + index)
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                for _ in range(rounds):
                    db.session.expire_all()
                    application = db.session.get(Application, application_id)
                    version, action = application.version, choose(application.state)
                    _ = (list(application.events), application.service_version.online_level, user.unit_id)
                    # No commit here: it would expire the loaded version and the race would only test the
                    # early check; under READ COMMITTED an open read transaction holds no snapshot anyway.
                    barrier.wait(timeout=60)
                    if action is None or rng.random() > participation:
                        continue
                    time.sleep(rng.uniform(0, jitter))
                    try:
                        fire(application, action, user, note="Trả lại để hoàn thiện.",
                             expected_version=version)
                        db.session.commit()
                        result = Outcome(user_id, action, "ok")
                    except OperationError as exc:
                        db.session.rollback()
                        result = Outcome(user_id, action, type(exc).__name__, exc.message)
                    except Exception as exc:
                        db.session.rollback()
                        import traceback
                        result = Outcome(user_id, action, type(exc).__name__, traceback.format_exc())
                    with lock:
                        outcomes.append(result)
            except threading.BrokenBarrierError:
                pass
            finally:
                barrier.abort()  # a worker that stops early must not leave the others waiting
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, user_id, choose))
               for i, (user_id, choose) in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcomes


def ping_pong(role):
    """Handlers submit for approval, leaders return it: an endless cycle with no documents to render."""
    if role == "handler":
        return lambda state: "submit_for_approval" if state == "processing" else None
    return lambda state: "return_to_handler" if state == "awaiting_approval" else None
