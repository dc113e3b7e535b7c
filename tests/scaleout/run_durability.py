"""Crash durability on the embedded default: one gunicorn (the repository's gunicorn.conf.py, three sync
workers) on the SQLite database of a fresh instance folder, citizens submitting continuously (draft, PDF,
submit through /api/v1), and the server killed with SIGKILL (master and workers at once) several times and
started again. Then: no acknowledged submission lost, no code twice, every receiving unit's daily sequence
without a gap, and SQLite's own integrity check.

    .venv/bin/python tests/scaleout/run_durability.py [--kills 3] [--port 6010]"""
import argparse
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import checks  # noqa: E402
from harness import (  # noqa: E402
    clean_up, verdict, CITIZENS, Client, Ledger, Processes, Stats, gunicorn_argv, log, port_free,  # noqa: E402
    seed, service_inputs, submit_one, token_for)

# The variables that would take the run off the embedded default (a server database, the job queue).
NOT_EMBEDDED = ("DATABASE_URL", "REDIS_URL", "MAIL_URL", "UPLOAD_DIR", "DOCUMENT_DIR", "OUTBOX_DIR", "PKI_DIR")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=6010)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3,
                        help="sync workers (0: gunicorn.conf.py's CPU count); three write concurrently to SQLite "
                             "and start again in seconds")
    parser.add_argument("--seconds-between", type=float, default=8, help="load before each kill")
    parser.add_argument("--citizens", type=int, default=6, help="citizen threads")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (logs, database)")
    return parser.parse_args()


def citizen_loop(port, email, token, inputs, stats, ledger, stop, seed_number):
    client, rng = Client(port, stats, timeout=30), random.Random(seed_number)
    data, documents, pdf = inputs
    while not stop.is_set():
        if submit_one(client, token, data, documents, pdf, ledger, CITIZENS[email]) is None:
            time.sleep(0.1 + rng.random() * 0.1)  # the server is down (being killed or starting again)
    client.close()


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def main():
    args = arguments()
    if not port_free(args.port):
        sys.exit(f"port {args.port} is in use")
    run_dir = Path(tempfile.mkdtemp(prefix="dvc-durability-"))
    instance = run_dir / "instance"
    env = {k: v for k, v in os.environ.items() if k not in NOT_EMBEDDED and not k.startswith("GUNICORN_")}
    env.update({"INSTANCE_PATH": str(instance), "PUBLIC_URL": f"http://127.0.0.1:{args.port}",
                "LOGIN_RATE_LIMIT": "1000 per minute", "GUNICORN_MAX_REQUESTS": "0", "PYTHONUNBUFFERED": "1"})
    os.environ.clear()
    os.environ.update(env)
    processes = Processes(run_dir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped (SIGTERM)"))
    started = time.monotonic()
    stop = threading.Event()
    threads = []
    try:
        from portal import create_app
        app = create_app()
        seed(app, run_dir)
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        log(f"seeded {database} after {time.monotonic() - started:.0f} s")
        argv = gunicorn_argv(args.port, args.workers or None)
        processes.start("app", argv, env)
        processes.wait_serving("app", args.port)
        inputs = service_inputs(app)
        stats, ledger = Stats(), Ledger()
        setup_client = Client(args.port, stats)
        tokens = [(email, token_for(setup_client, email, app.config["DEMO_PASSWORD"])) for email in CITIZENS]
        setup_client.close()
        load_start = time.monotonic()
        for number in range(args.citizens):
            email, token = tokens[number % len(tokens)]
            thread = threading.Thread(target=citizen_loop, daemon=True, args=(
                args.port, email, token, inputs, stats, ledger, stop, number))
            thread.start()
            threads.append(thread)
        downtime = 0.0
        for kill in range(1, args.kills + 1):
            time.sleep(args.seconds_between)
            before = len(ledger.submitted)
            processes.kill9("app")
            killed = time.monotonic()
            log(f"kill -9 #{kill} (master and workers) after {before} acknowledged submissions")
            processes.start("app", argv, env)
            processes.wait_serving("app", args.port)
            downtime += time.monotonic() - killed
            log(f"serving again after {time.monotonic() - killed:.1f} s")
        time.sleep(args.seconds_between)
        stop.set()
        for thread in threads:
            thread.join(60)
        processes.stop("app")
        load_seconds = time.monotonic() - load_start
        problems, figures = checks.check_submissions(app, ledger)
        checked = integrity(database)
        if checked != "ok":
            problems.append(f"PRAGMA integrity_check: {checked}")
        _, mails = checks.check_mails(app, instance / "outbox")
        summary = stats.summary(load_seconds)
        report = {"kills": args.kills, "load": summary, "submissions": figures, "integrity_check": checked,
                  "server_down_seconds": round(downtime, 1), "mails": mails,
                  "wall_seconds": round(time.monotonic() - started, 1)}
        print(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"durability: {args.kills} × kill -9; {figures['acknowledged']} acknowledged submissions, "
              f"{figures['applications_with_code']} codes in the database, "
              f"{len(problems)} problems; {summary['requests_per_second']} requests/s, "
              f"p95 {summary['p95_ms']} ms; {summary['errors']} requests failed while the server was down")
        return verdict("durability", problems)
    finally:
        stop.set()
        clean_up(processes, run_dir, args.keep)


if __name__ == "__main__":
    sys.exit(main())
