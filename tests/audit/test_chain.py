"""The hash chains: sealed as rows are written, and `flask audit verify` names a changed, deleted or moved
row (scope, row id, what does not match)."""
import sqlalchemy as sa


def _verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])  # output: stdout and stderr


def _event_ids(db, application):
    from portal.models import Event
    return db.session.execute(sa.select(Event.id).where(Event.application_id == application.id)
                              .order_by(Event.id)).scalars().all()


def test_a_real_history_is_sealed_and_verifies(app, db, history):
    from portal.models import Event
    events = db.session.execute(sa.select(Event).where(Event.application_id == history.id)
                                .order_by(Event.id)).scalars().all()
    assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == "0" * 64
    assert all(later.prev_hash == earlier.row_hash for earlier, later in zip(events, events[1:]))
    assert len({e.row_hash for e in events}) == len(events)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "audit chains intact" in result.output


def test_a_note_changed_in_sql_is_found_and_named(app, db, history):
    second = _event_ids(db, history)[1]
    db.session.execute(sa.text("UPDATE events SET note = 'sửa lén' WHERE id = :id"), {"id": second})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"application:{history.id}: row {second}: content does not match its hash" in result.output
    assert result.output.count("BROKEN") == 1, result.output


def test_a_deleted_event_is_found_and_named(app, db, history):
    ids = _event_ids(db, history)
    db.session.execute(sa.text("DELETE FROM events WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert (f"application:{history.id}: row {ids[2]}: place 3 where 2 was expected: a row before it is missing"
            in result.output), result.output


def test_events_put_in_another_order_are_found(app, db, history):
    first, second = _event_ids(db, history)[:2]
    spare = second + 1000
    for old, new in ((first, spare), (second, first), (spare, second)):  # the two rows swap their ids
        db.session.execute(sa.text("UPDATE events SET id = :new WHERE id = :old"), {"old": old, "new": new})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"application:{history.id}: row {first}: place 2 where 1 was expected" in result.output, result.output


def test_verify_of_one_application(app, db, history):
    assert _verify(app, "--application", str(history.id)).exit_code == 0


def _admin_change(db, demo, name):
    from portal.admin import units
    admin = demo.user("admin@demo.vn")
    return units.create_unit(admin, slug=name, code=name.upper(), name=f"Xã {name}", short_name=name,
                             level="commune", parent=demo.unit("yen-lac"))


def test_the_audit_log_is_one_chain_and_its_tail_is_anchored(app, db, demo):
    from portal.models import AuditLog
    for name in ("xa-mot", "xa-hai", "xa-ba"):
        _admin_change(db, demo, name)
        db.session.commit()
    rows = db.session.execute(sa.select(AuditLog).order_by(AuditLog.id)).scalars().all()
    assert len(rows) >= 3 and [r.chain_seq for r in rows] == list(range(1, len(rows) + 1))
    assert _verify(app).exit_code == 0

    db.session.execute(sa.text("UPDATE audit_log SET target = 'unit:khac' WHERE id = :id"), {"id": rows[0].id})
    db.session.execute(sa.text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[-1].id})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"audit: row {rows[0].id}: content does not match its hash" in result.output
    assert "audit: end of chain: the log ends at place" in result.output, result.output


def test_bulk_generated_histories_are_sealed_too(app, db, demo):
    from portal.admin.demo_volume import generate
    from portal.audit.verify import all_breaks
    generate(40, seed=3, years=0.2)
    assert list(all_breaks()) == []
