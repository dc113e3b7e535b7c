"""A SAVEPOINT that stays inside the request's transaction on SQLite too.

Python's sqlite3 driver opens its transaction only before the first INSERT/UPDATE/DELETE, so a SAVEPOINT
taken before any write starts a transaction of its own, and releasing it commits: the row would outlive a
request that is later refused. Opening the outer transaction first keeps the savepoint nested."""
from contextlib import contextmanager


@contextmanager
def savepoint(session):
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")
    with session.begin_nested():
        yield
