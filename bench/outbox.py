"""Outbox benchmark: `python bench/outbox.py [--messages N] [--workers W] [--rounds R] [--seconds S]`.

1. Delivery: N messages (10,000; over N/10 ordering keys, ten per key as ten state changes of one
   application) are put in the outbox, one committed transaction per message, with REDIS_URL set and no
   worker running: N jobs wait in the RQ queue `dvc` (real Redis). Then W real `rq worker` processes (the
   command `make worker` runs, with the portal preloaded: bench/outbox_worker.py) deliver them to a real
   HTTP receiver (gunicorn, bench/outbox_receiver.py) that keeps each Idempotency-Key once. Printed:
   messages per second from the workers' start to the last delivery, and that every message arrived once.
2. The submit path: two gunicorn servers of the portal on the same database and queue, one with the outbox
   and one with OUTBOX_ENABLED=false, driven in alternating rounds A B A B (as bench/submit.py) with full
   submits (draft, attachment, submit: one state change, which puts its e-mail, SMS and national status
   messages). Printed: the throughput of each, the added time per state change, and the ratio (target:
   the outbox costs <= 10%).

The database: SQLite files in a fresh folder by default, DATABASE_URL for PostgreSQL (migrated and seeded).
Ports 7101-7103 (--port-base). Redis: --redis-url (default redis://127.0.0.1:6379/11, flushed)."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.submit import (BIN, Client, Target, cli, pdf_bytes, port_free, run_round, stop,  # noqa: E402
                          wait_until_serving)

COST_TARGET = 0.10


def environment(instance: Path, redis_url: str, receiver_port: int, run_dir: Path) -> dict:
    env = dict(os.environ, INSTANCE_PATH=str(instance), REDIS_URL=redis_url, PYTHONPATH=str(ROOT),
               OUTBOX_BENCH_RECEIVER=f"http://127.0.0.1:{receiver_port}", OUTBOX_BENCH_REDIS=redis_url,
               GUNICORN_ACCESS_LOG=str(run_dir / "access.log"), GUNICORN_LOG_LEVEL="warning")
    return env


def flush(redis_url: str) -> None:
    from redis import Redis
    Redis.from_url(redis_url).flushdb()


def queued_jobs(redis_url: str) -> int:
    from redis import Redis
    from rq import Queue
    return Queue("dvc", connection=Redis.from_url(redis_url)).count


def fill(env: dict, messages: int, log) -> float:
    """Puts the messages, one transaction each, in a subprocess with the bench's environment."""
    script = f"""
import time
from portal import create_app
from portal.extensions import db
from portal.outbox import put
app = create_app()
with app.app_context():
    started = time.perf_counter()
    for n in range({messages}):
        ordering = f"HS-{{n % {max(messages // 10, 1)}}}"
        put("bench", {{"n": n, "ordering": ordering, "text": "Hồ sơ chuyển trạng thái"}}, key=f"bench-{{n}}",
            ordering_key=ordering)
        db.session.commit()
    print(time.perf_counter() - started)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    log.write(done.stderr.encode())
    if done.returncode != 0:
        raise RuntimeError(f"filling the outbox failed: {done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def receiver_stats(port: int) -> dict:
    return Client(port).json("GET", "/stats")


def outbox_counts(env: dict) -> dict:
    script = """
import json
from sqlalchemy import func, select
from portal import create_app
from portal.extensions import db
from portal.outbox.models import OutboxMessage
with create_app().app_context():
    rows = db.session.execute(select(OutboxMessage.state, func.count()).where(OutboxMessage.destination == "bench")
                              .group_by(OutboxMessage.state)).all()
    print(json.dumps({state: n for state, n in rows}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def delivery(args, env, run_dir, log) -> dict:
    receiver_port = args.port_base
    receiver = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{receiver_port}", "--workers", "2",
                                 "--threads", "8", "--worker-class", "gthread", "--timeout", "120",
                                 "--no-control-socket", "--log-level", "warning",
                                 "bench.outbox_receiver:app"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    workers = []
    try:
        wait_until_serving(receiver_port, "/stats", receiver)
        print(f"delivery: putting {args.messages} messages (one transaction each), no worker running", flush=True)
        put_seconds = fill(env, args.messages, log)
        jobs = queued_jobs(args.redis_url)
        print(f"  put: {args.messages / put_seconds:.0f} messages/s; {jobs} jobs wait in RQ", flush=True)
        started = time.monotonic()
        for number in range(args.workers):
            workers.append(subprocess.Popen(
                [str(BIN / "rq"), "worker", "--url", args.redis_url, "--name", f"bench-outbox-{number}-{os.getpid()}",
                 "--config", "bench.outbox_worker", "--burst", "dvc"], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT))
        deadline = started + args.timeout
        stats = {}
        while time.monotonic() < deadline:
            stats = receiver_stats(receiver_port)
            if stats["unique"] >= args.messages:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        for worker in workers:
            worker.wait(timeout=120)
        counts = outbox_counts(env)
        rate = stats.get("unique", 0) / elapsed
        print(f"  {args.workers} rq workers: {stats.get('unique', 0)} messages delivered in {elapsed:.1f} s: "
              f"{rate:.0f} messages/s; receiver saw {stats.get('total', 0)} requests "
              f"({stats.get('total', 0) - stats.get('unique', 0)} repeats, kept once); outbox {counts}", flush=True)
        if stats.get("unique", 0) != args.messages or counts.get("sent", 0) != args.messages:
            print("  NOT ALL DELIVERED", flush=True)
        if stats.get("out_of_order"):
            print(f"  OUT OF ORDER within a key: {stats['out_of_order']}", flush=True)
        return {"rate": rate, "elapsed": elapsed, **stats}
    finally:
        for worker in workers:
            stop(worker)
        stop(receiver)


def submit_cost(args, env, run_dir, log) -> dict:
    on_port, off_port = args.port_base + 1, args.port_base + 2
    servers = []
    try:
        flush(args.redis_url)
        for port, enabled in ((on_port, "true"), (off_port, "false")):
            if not port_free(port):
                raise RuntimeError(f"port {port} is in use")
            server_env = dict(env, OUTBOX_ENABLED=enabled)
            servers.append(subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                 "--workers", str(args.web_workers), "--no-control-socket", "portal:create_app()"],
                cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT))
        for port, server in zip((on_port, off_port), servers):
            wait_until_serving(port, "/api/v1/services", server)
        pdf = pdf_bytes()
        targets = []
        for name, port in (("outbox", on_port), ("no outbox", off_port)):
            credentials = {"email": "citizen@demo.vn", "password": env.get("DEMO_PASSWORD", "Demo@12345")}
            token = Client(port).json("POST", "/api/v1/auth/token", credentials)
            targets.append(Target(name, port, token["access_token"], "/api/v1/applications", pdf))
        for target in targets:  # warm every worker up
            client = Client(target.port, target.token)
            for _ in range(args.web_workers * 2):
                target.full_submit(client)
        print(f"submit path: {args.threads} client threads, gunicorn {args.web_workers} sync workers per server, "
              f"rounds of {args.seconds:g} s, alternating A B A B; queue {args.redis_url}, no worker", flush=True)
        rates = {target.name: [] for target in targets}
        latencies = {target.name: [] for target in targets}
        for number in range(args.rounds):
            order = targets if number % 2 == 0 else list(reversed(targets))
            for target in order:
                rate, times = run_round(target, "submit", args.threads, args.seconds, None)
                rates[target.name].append(rate)
                latencies[target.name].extend(times)
                print(f"  round {number + 1} {target.name:9} {rate:6.1f} submits/s  "
                      f"p50 {statistics.median(times) * 1000:5.0f} ms", flush=True)
        on, off = statistics.mean(rates["outbox"]), statistics.mean(rates["no outbox"])
        cost = off / on - 1  # the time a submit takes more with the outbox, relative
        per_change_ms = (statistics.mean(latencies["outbox"]) - statistics.mean(latencies["no outbox"])) * 1000
        verdict = "OK" if cost <= COST_TARGET else "OVER"
        print(f"  with the outbox {on:.1f}/s, without {off:.1f}/s: added cost {cost * 100:+.1f}% per submit "
              f"(one state change), {per_change_ms:+.1f} ms mean latency (target <= {COST_TARGET:.0%}) {verdict}",
              flush=True)
        return {"on": on, "off": off, "cost": cost, "per_change_ms": per_change_ms}
    finally:
        for server in servers:
            stop(server)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4, help="rq worker processes")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for every delivery")
    parser.add_argument("--rounds", type=int, default=4, help="submit rounds per server (A B A B: 4)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one submit round")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn sync workers per portal server")
    parser.add_argument("--port-base", type=int, default=7101)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
    parser.add_argument("--skip-delivery", action="store_true")
    parser.add_argument("--skip-submit", action="store_true")
    args = parser.parse_args(argv)

    run_dir = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    instance = Path(os.environ.get("BENCH_INSTANCE") or run_dir / "instance")
    env = environment(instance, args.redis_url, args.port_base, run_dir)
    database = "PostgreSQL" if "postgresql" in os.environ.get("DATABASE_URL", "") else "SQLite"
    print(f"outbox benchmark on {database}, Redis {args.redis_url} ({run_dir})", flush=True)
    flush(args.redis_url)
    with open(run_dir / "bench.log", "ab") as log:
        try:
            steps = [("db", "upgrade")] + ([] if args.skip_submit else [("services", "load"), ("seed-demo",)])
            for command in steps:  # the delivery needs the schema only; the submit path the demo data
                cli(env, *command, log=log)
            if not args.skip_delivery:
                delivery(args, env, run_dir, log)
            if not args.skip_submit:
                submit_cost(args, env, run_dir, log)
        finally:
            flush(args.redis_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
