"""Scale-out under kill -9: two gunicorn app servers behind HAProxy, on PostgreSQL, Redis and two rq workers,
uploads and documents in one shared instance folder. A mixed load (citizens: draft, PDF, submit; the
receiver: accept; the public: lookup) runs for a bounded time; one app server and one worker get SIGKILL
mid-run. Then: every acknowledged submission exists once with its events, every e-mail and SMS (outbox
messages) was delivered exactly once, every file is where its row says, and the only errors are requests
the dead server took with it.

    .venv/bin/python tests/scaleout/run_scaleout.py --database-url postgresql://postgres@127.0.0.1:5432/x \
        --redis-url redis://127.0.0.1:6379/11

The database's public schema and the Redis database are emptied first: give it ones of its own."""
import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import checks  # noqa: E402
from harness import (  # noqa: E402
    clean_up, verdict, BIN, ROOT, CITIZENS, RECEIVER, Client, Ledger, Processes, Stats, accept_one,  # noqa: E402
    SEED_STEPS, gunicorn_argv, log, lookup_one, port_free, seed, service_inputs, submit_one, token_for)

KILLED_WORKERS = 1  # rq worker 1 is SIGKILLed mid-run (main)
HAPROXY_CFG = """global
    maxconn 512
defaults
    mode http
    timeout connect 1s
    timeout check 5s
    timeout client 60s
    timeout server 60s
    option forwardfor
    # A connection the dead server refuses is tried again on the other one; a request it already had is
    # not (it may have been carried out): the client sees the 502 and decides.
    retries 3
    option redispatch 1
    retry-on conn-failure
frontend portal
    bind 127.0.0.1:{lb}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /api/v1/units
    http-check expect status 200
    # A connection error marks the server down at once, not only after three failed health checks.
    server a 127.0.0.1:{a} check inter 1s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down
    server b 127.0.0.1:{b} check inter 1s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down
"""


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SCALEOUT_DATABASE_URL"), required=False)
    parser.add_argument("--redis-url", default=os.environ.get("SCALEOUT_REDIS_URL"))
    parser.add_argument("--port", type=int, default=6000, help="the balancer; the servers take the next two")
    parser.add_argument("--seconds", type=float, default=40, help="length of the load")
    parser.add_argument("--max-submissions", type=int, default=400)
    parser.add_argument("--citizens", type=int, default=6, help="citizen threads")
    parser.add_argument("--staff", type=int, default=2, help="receiver threads")
    parser.add_argument("--lookups", type=int, default=2, help="public lookup threads")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--web-threads", type=int, default=4,
                        help="threads per gunicorn worker (gthread: the balancer's health check is answered "
                             "while a worker renders a PDF)")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (logs, outbox)")
    args = parser.parse_args()
    if not args.database_url or not args.redis_url:
        parser.error("--database-url and --redis-url (or SCALEOUT_DATABASE_URL, SCALEOUT_REDIS_URL) are needed")
    return args


def empty_database(url):
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


def environment(args, instance: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "FLASK_"))}
    env.update({
        "INSTANCE_PATH": str(instance),  # shared: secret key, uploads, documents, PKI, outbox
        "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
        "PUBLIC_URL": f"http://127.0.0.1:{args.port}",
        "PROXY_FIX_X_FOR": "1",  # HAProxy adds X-Forwarded-For
        # Every request comes from one loopback address: the limits stay on (in Redis, for both servers)
        # but high enough for a load test.
        "LOOKUP_RATE_LIMIT": "100000 per minute", "LOGIN_RATE_LIMIT": "1000 per minute",
        "GUNICORN_MAX_REQUESTS": "0", "PYTHONUNBUFFERED": "1",
        # The killed worker's claims on outbox messages run out within the run (production: 300 s).
        "OUTBOX_LEASE_SECONDS": "15",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),  # rq --config
    })
    return env


class Load:
    """The threads of the mixed load; they stop at the deadline or after max submissions."""

    def __init__(self, args, port, tokens, staff_token, inputs, stats, ledger):
        self.args, self.port, self.tokens, self.staff_token = args, port, tokens, staff_token
        self.data, self.documents, self.pdf = inputs
        self.stats, self.ledger = stats, ledger
        self.stop = threading.Event()
        self.threads = []

    def _loop(self, step, seed):
        client, rng = Client(self.port, self.stats), random.Random(seed)
        while not self.stop.is_set():
            if not step(client, rng):
                time.sleep(0.2)
        client.close()

    def citizen(self, client, rng):
        email, token = rng.choice(self.tokens)
        if len(self.ledger.submitted) >= self.args.max_submissions:
            self.stop.set()
            return True
        return submit_one(client, token, self.data, self.documents, self.pdf, self.ledger,
                          CITIZENS[email]) is not None

    def receiver(self, client, rng):
        return accept_one(client, self.staff_token, self.ledger, rng)

    def public(self, client, rng):
        lookup_one(client, self.ledger, rng)
        time.sleep(0.05)
        return True

    def start(self):
        roles = ([self.citizen] * self.args.citizens + [self.receiver] * self.args.staff
                 + [self.public] * self.args.lookups)
        for number, step in enumerate(roles):
            thread = threading.Thread(target=self._loop, args=(step, number), daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(90)


def drain_jobs(redis_url, deadline: float) -> dict:
    """Waits until the queue is empty, no job is left started and no send job waits for a retry. The job the
    killed worker held stays started until its heartbeat has expired (job monitoring interval + 60 s); then
    a worker's maintenance (or the clean-up here, which does the same) hands it back, and RQ's scheduler
    runs it again after the messages' lease."""
    from redis import Redis
    from rq import Queue
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
    connection = Redis.from_url(redis_url)
    queue = Queue("dvc", connection=connection)
    started = StartedJobRegistry(queue=queue)
    abandoned_seen = 0
    while time.monotonic() < deadline:
        started.cleanup()
        left_started = len(started.get_job_ids())
        abandoned_seen = max(abandoned_seen, left_started)
        if queue.count == 0 and left_started == 0 and not retries_waiting(queue):
            break
        time.sleep(1)
    finished = FinishedJobRegistry(queue=queue)
    jobs = [job for job in queue.job_class.fetch_many(finished.get_job_ids(), connection=connection) if job]
    by_function = {}
    for job in jobs:
        by_function[job.func_name] = by_function.get(job.func_name, 0) + 1
    failed = [job for job in queue.job_class.fetch_many(FailedJobRegistry(queue=queue).get_job_ids(),
                                                        connection=connection) if job]
    # A send job the SIGKILLed worker was running is handed back and runs again; a sweep it was running is
    # failed as abandoned (its successor was queued first). Either way the messages are the outbox's, delivered
    # once their lease has run out (check_jobs then counts them delivered once).
    abandoned = [job for job in failed if "AbandonedJobError" in (job.exc_info or "")]
    return {"queued": queue.count, "started": len(started.get_job_ids()), "retries": retries_waiting(queue),
            "failed": len(failed) - len(abandoned), "abandoned_by_the_killed_worker": len(abandoned),
            "finished": by_function, "started_at_end_of_load": abandoned_seen}


def retries_waiting(queue) -> int:
    """Send jobs in RQ's scheduled registry (the sweep's next run is always there)."""
    jobs = queue.job_class.fetch_many(queue.scheduled_job_registry.get_job_ids(), connection=queue.connection)
    return sum(1 for job in jobs if job and job.func_name == "portal.outbox.jobs.send_job")


def drain_outbox(app, timeout=130) -> dict:
    """Waits until no outbox message is pending: the job the killed worker held is handed back and runs again
    once its lease is out (OUTBOX_LEASE_SECONDS), from RQ's scheduler (--with-scheduler; if the killed worker
    held the scheduler, the other takes it over when its lock expires, 61 s). The wait ends well inside the
    run's own time limit (.ci/run), so what is still pending is reported, not cut off."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.outbox.models import OutboxMessage
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            rows = db.session.execute(select(OutboxMessage.destination, OutboxMessage.state, func.count())
                                      .group_by(OutboxMessage.destination, OutboxMessage.state)).all()
        counts = {f"{destination}:{state}": n for destination, state, n in rows}
        pending = sum(n for key, n in counts.items() if key.endswith(":pending"))
        if not pending or time.monotonic() > deadline:
            return counts
        time.sleep(2)


def check_jobs(jobs: dict, outbox: dict, mails_expected: int) -> list[str]:
    """No job left or failed; every e-mail and SMS of a notified event is an outbox message delivered
    (exactly once on the citizen's side: check_mails counts the files, one per message key)."""
    problems = []
    if jobs["queued"] or jobs["started"] or jobs["failed"] or jobs["retries"]:
        problems.append(f"jobs left: {jobs['queued']} queued, {jobs['started']} started, {jobs['failed']} failed, "
                        f"{jobs['retries']} waiting for a retry")
    if jobs["abandoned_by_the_killed_worker"] > KILLED_WORKERS:
        problems.append(f"{jobs['abandoned_by_the_killed_worker']} jobs abandoned, but {KILLED_WORKERS} worker killed")
    problems += [f"outbox: {n} {key}" for key, n in sorted(outbox.items())
                 if not key.endswith(":sent") and n]
    for destination in ("mail", "sms"):
        if outbox.get(f"{destination}:sent", 0) != mails_expected:
            problems.append(f"outbox {destination}: {outbox.get(f'{destination}:sent', 0)} sent, "
                            f"{mails_expected} expected")
    return problems


def check_errors(stats: Stats, killed_at: float) -> list[str]:
    """Retried attempts may only be requests in flight on the killed server (started before the kill, or
    just after, before the balancer's health check saw it gone); nothing may fail for good."""
    problems = []
    window = (killed_at - 60, killed_at + 5)
    outside = [f for f in stats.first_failures if not window[0] <= f[1] <= window[1] or f[2] < killed_at]
    problems += [f"failed attempt outside the kill: {kind} {what}" for kind, _, _, what in outside[:5]]
    problems += [f"error: {kind} {what}" for kind, _, what in stats.errors[:5]]
    return problems


def main():
    args = arguments()
    lb, port_a, port_b = args.port, args.port + 1, args.port + 2
    busy = [p for p in (lb, port_a, port_b) if not port_free(p)]
    if busy:
        sys.exit(f"ports in use: {busy}")
    if not shutil.which("haproxy"):
        sys.exit("haproxy is missing: `make system-deps` (as root) installs it")
    run_dir = Path(tempfile.mkdtemp(prefix="dvc-scaleout-"))
    instance = run_dir / "instance"
    env = environment(args, instance)
    os.environ.update(env)  # this process reads the same database and folders for the checks
    processes = Processes(run_dir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped (SIGTERM)"))
    started = time.monotonic()
    try:
        log(f"run folder {run_dir}; emptying the database and Redis")
        empty_database(args.database_url)
        from redis import Redis
        Redis.from_url(args.redis_url).flushdb()
        from portal import create_app
        app = create_app()
        seed(app, run_dir, SEED_STEPS[:2])  # the schema and the catalogue: what the servers boot on
        (run_dir / "haproxy.cfg").write_text(HAPROXY_CFG.format(lb=lb, a=port_a, b=port_b))
        for name, port in (("app-a", port_a), ("app-b", port_b)):
            processes.start(name, gunicorn_argv(port, args.web_workers, args.web_threads), env)
        for name in ("worker-1", "worker-2"):
            processes.start(name, [BIN / "rq", "worker", "--url", args.redis_url, "--name", f"{name}-{os.getpid()}",
                                   "--config", "tests.scaleout.rq_preload", "--with-scheduler",
                                   "--job-monitoring-interval", "5", "--maintenance-interval", "10",
                                   # an idle worker wakes every 15 s (worker TTL - 15) for its maintenance:
                                   # the killed one's job and RQ's scheduler are taken over after the load
                                   "--worker-ttl", "30", "dvc"], env)
        processes.start("haproxy", ["haproxy", "-db", "-f", run_dir / "haproxy.cfg"], env)
        seed(app, run_dir, SEED_STEPS[2:])  # accounts and certificates while the servers boot
        log(f"seeded after {time.monotonic() - started:.0f} s")
        for name, port in (("app-a", port_a), ("app-b", port_b), ("haproxy", lb)):
            processes.wait_serving(name, port)
        log(f"serving after {time.monotonic() - started:.0f} s; tokens and service data")

        inputs = service_inputs(app)
        stats, ledger = Stats(), Ledger()
        setup_client = Client(lb, stats)
        password = app.config["DEMO_PASSWORD"]
        tokens = [(email, token_for(setup_client, email, password)) for email in CITIZENS]
        staff_token = token_for(setup_client, RECEIVER, password)
        stats.requests.clear()

        load = Load(args, lb, tokens, staff_token, inputs, stats, ledger)
        load_start = time.monotonic()
        load.start()
        log(f"load: {args.citizens} citizens, {args.staff} receivers, {args.lookups} lookups for {args.seconds} s")
        time.sleep(args.seconds * 0.35)
        killed_at = time.monotonic()
        processes.kill9("app-a")
        log(f"SIGKILL app server A (master and workers); {len(ledger.submitted)} submissions so far")
        time.sleep(args.seconds * 0.15)
        processes.kill9("worker-1")
        worker_killed_at = time.monotonic()
        log("SIGKILL rq worker 1 (and its work horse)")
        load.stop.wait(max(0.0, args.seconds - (time.monotonic() - load_start)))
        load.join()
        load_seconds = time.monotonic() - load_start
        summary = stats.summary(load_seconds)
        log(f"load over after {load_seconds:.1f} s; waiting for the jobs")

        outbox = drain_outbox(app)
        jobs = drain_jobs(args.redis_url, deadline=worker_killed_at + 130)
        problems, figures = checks.check_submissions(app, ledger)
        mail_problems, mail_figures = checks.check_mails(app, instance / "outbox")
        file_problems, file_figures = checks.check_files(app)
        problems += mail_problems + file_problems
        problems += check_jobs(jobs, outbox, mail_figures["mails_expected"])
        problems += check_errors(stats, killed_at)
        report = {"load": summary, "submissions": figures, "mails": mail_figures, "files": file_figures,
                  "jobs": jobs, "outbox": outbox, "refused_accepts_races": ledger.refused_actions,
                  "wall_seconds": round(time.monotonic() - started, 1)}
        print(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"scale-out: {summary['requests']} requests in {summary['seconds']} s = "
              f"{summary['requests_per_second']}/s; p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
              f"p99 {summary['p99_ms']} ms; {summary['retried']} retried, {summary['errors']} errors; "
              f"{figures['acknowledged'] + figures['acknowledged_after_retry']} acknowledged submissions, "
              f"{figures['accepted']} accepted")
        return verdict("scale-out", problems)
    finally:
        clean_up(processes, run_dir, args.keep)


if __name__ == "__main__":
    sys.exit(main())
