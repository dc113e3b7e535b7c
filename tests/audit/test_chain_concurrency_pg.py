"""Writers of one chain at the same moment stay in order (PostgreSQL: real concurrent transactions): admin
changes from several threads make one unbroken audit chain, each place taken once."""
import threading

import pytest
import sqlalchemy as sa

WRITERS = 4
ROWS_EACH = 5


def _write_audit_rows(app, admin_id, number, barrier, errors):
    from portal.extensions import db
    from portal.models import AuditLog
    with app.app_context():
        try:
            barrier.wait(timeout=30)
            for row in range(ROWS_EACH):
                db.session.add(AuditLog(actor_id=admin_id, action="test.write", target=f"writer:{number}:{row}"))
                db.session.commit()
        except Exception as exc:  # reported by the test, with what went wrong
            db.session.rollback()
            errors.append(repr(exc))
        finally:
            db.session.remove()


@pytest.mark.postgres
def test_concurrent_admin_changes_make_one_unbroken_chain(app, db, demo):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for concurrent transactions")
    from portal.audit.verify import audit_breaks
    from portal.models import AuditLog
    admin_id = demo.user("admin@demo.vn").id
    barrier, errors = threading.Barrier(WRITERS), []
    threads = [threading.Thread(target=_write_audit_rows, args=(app, admin_id, n, barrier, errors))
               for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    places = db.session.execute(sa.select(AuditLog.chain_seq).order_by(AuditLog.id)).scalars().all()
    assert len(places) >= WRITERS * ROWS_EACH
    assert places == list(range(1, len(places) + 1))
    assert audit_breaks() == []
