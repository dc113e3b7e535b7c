"""Submit-path benchmark: `python bench/submit.py [--rounds N] [--seconds S] [--threads T] [--workers W]`.

The portal (`portal:create_app()`) and a bare Flask + SQLAlchemy app doing only the same writes and read
(bench/bare_app.py) run side by side under the same gunicorn (gunicorn.conf.py, W sync workers, access log to
a file for both); one client with T threads (http.client) drives them in alternating rounds A B A B:

- a full submit: create a draft (JSON), attach one PDF (multipart), submit (the code is assigned);
- a read: one submitted application with its attachment, as JSON.

The portal runs as in production, with a queue (--redis-url, Redis database 13 by default, emptied before and
after): its requests write their outbox messages and queue their delivery, and no worker runs while it is
measured, so the figures are those of the submit path; bench/outbox.py measures the delivery.

It prints the throughput of each per round and in total, the ratios portal / bare, and the p95 of a full submit
on the portal. Targets (issue 13): submit >= 0.5x, read >= 0.7x, p95 of a full submit <= 300 ms at 16 threads.

The database: SQLite files in a fresh folder by default; with DATABASE_URL (PostgreSQL) the portal is migrated
and seeded there and the bare app keeps its bare_* tables in the same database. BENCH_INSTANCE=<dir> reuses a
seeded SQLite instance folder (seeding hashes the demo passwords: a minute on a busy machine)."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORTAL_PORT, BARE_PORT = 6111, 6112
SERVICE, UNIT, DOCUMENT = "dang-ky-khai-tu", "tam-hong", "death_notice"
CITIZEN = "citizen@demo.vn"
SUBMIT_TARGET, READ_TARGET, P95_TARGET_MS = 0.5, 0.7, 300.0
DATA = {
    "deceased_full_name": "Nguyễn Văn Bình", "deceased_sex": "Nam", "deceased_date_of_birth": "1940-03-02",
    "deceased_national_id": "026040001234", "deceased_ethnicity": "Kinh", "deceased_nationality": "Việt Nam",
    "deceased_last_residence": "Thôn Đông, xã Tam Hồng", "date_of_death": "2026-11-20",
    "place_of_death": "Tại nhà", "cause_of_death": "Tuổi già", "requester_full_name": "Nguyễn Văn An",
    "requester_national_id": "026090001234", "requester_relationship": "Con", "requester_phone": "0912345678",
}


def pdf_bytes(text="Giay bao tu") -> bytes:
    """A small but real one-page PDF (as tests/factories.py makes them)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def multipart(document: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "bench-boundary-7d1f"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\n{document}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# -- the two apps, as a client sees them ---------------------------------------------------------------

class Client:
    """One thread's HTTP client. gunicorn's sync workers close every connection: reconnect when needed."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.connection = port, None
        self.auth = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method, path, body=None, content_type=None) -> tuple[int, bytes]:
        headers = dict(self.auth)
        if content_type:
            headers["Content-Type"] = content_type
        reused = self.connection is not None
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection = None
            if not reused:
                raise
            return self.call(method, path, body, content_type)  # a kept-alive connection the server closed
        data = response.read()
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, data

    def json(self, method, path, data=None, expect=200):
        status, body = self.call(method, path, json.dumps(data).encode() if data is not None else None,
                                 "application/json" if data is not None else None)
        if status != expect:
            raise RuntimeError(f"{method} {path} on :{self.port} answered {status}: {body[:300]!r}")
        return json.loads(body)


class Target:
    def __init__(self, name, port, token, prefix, pdf):
        self.name, self.port, self.token, self.prefix = name, port, token, prefix
        self.upload = multipart(DOCUMENT, "giay-bao-tu.pdf", pdf)

    def full_submit(self, client: Client) -> int:
        draft = client.json("POST", self.prefix, {"service": SERVICE, "unit": UNIT, "data": DATA}, expect=201)
        status, body = client.call("POST", f"{self.prefix}/{draft['id']}/attachments", *self.upload)
        if status != 201:
            raise RuntimeError(f"attach on :{self.port} answered {status}: {body[:300]!r}")
        submitted = client.json("POST", f"{self.prefix}/{draft['id']}/submit")
        if not submitted.get("code"):
            raise RuntimeError(f"submit on :{self.port} gave no code: {submitted}")
        return draft["id"]

    def read(self, client: Client, application_id: int):
        client.json("GET", f"{self.prefix}/{application_id}")


def run_round(target: Target, kind: str, threads: int, seconds: float, application_id: int | None):
    """`threads` threads repeat `kind` for `seconds`; returns (completed per second, latencies in s)."""
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop():
        client = Client(target.port, target.token)
        mine = []
        try:
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                if kind == "submit":
                    target.full_submit(client)
                else:
                    target.read(client, application_id)
                mine.append(time.perf_counter() - start)
        except Exception as error:  # noqa: BLE001  (reported after the round)
            errors.append(error)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise RuntimeError(f"{target.name} {kind}: {errors[0]}")
    return len(latencies) / (time.monotonic() - started), latencies


# -- servers ----------------------------------------------------------------------------------------

def cli(env, *args, log):
    subprocess.run([str(BIN / "flask"), "--app", "portal", *args], cwd=ROOT, env=env, check=True,
                   stdout=log, stderr=subprocess.STDOUT)


def wait_until_serving(port, path, process, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port}{path} within {timeout} s")


def port_free(port) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def gunicorn(app_spec, port, workers, env, log):
    if not port_free(port):
        raise RuntimeError(f"port {port} is in use")
    argv = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--no-control-socket", app_spec]  # the control socket is per machine
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def environment(run_dir: Path, instance: Path, redis_url: str = "") -> dict:
    env = dict(os.environ, INSTANCE_PATH=str(instance), BARE_DIR=str(run_dir / "bare"),
               GUNICORN_ACCESS_LOG=str(run_dir / "access.log"), GUNICORN_LOG_LEVEL="warning",
               PYTHONPATH=str(ROOT))
    # With a queue (production, DESIGN.md §5) the request writes its outbox messages (e-mail, SMS, the national
    # portal's status) and queues their delivery; no worker runs during the bench, so what is measured is the
    # submit path itself, and the delivery is bench/outbox.py's. Without one (--redis-url none, as `make serve`
    # on the embedded default) the messages are delivered inline after the commit, inside the request.
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        env["BARE_DATABASE_URL"] = database_url
    return env


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds per app and kind (A B A B: 2)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one round")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers, for both apps")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
                        help="the portal's queue, emptied before and after ('none': deliver inline)")
    args = parser.parse_args(argv)
    redis_url = "" if args.redis_url.lower() in ("", "none") else args.redis_url

    run_dir = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    instance = Path(os.environ.get("BENCH_INSTANCE") or run_dir / "instance")
    env = environment(run_dir, instance, redis_url)
    if redis_url:
        empty_queue(redis_url)
    database = "PostgreSQL" if "postgresql" in os.environ.get("DATABASE_URL", "") else "SQLite"
    servers = []
    with open(run_dir / "server.log", "ab") as log:
        try:
            queue = f"queue {redis_url}, no worker" if redis_url else "no queue: messages delivered in the request"
            print(f"submit benchmark on {database} ({queue}): seeding the portal ({run_dir})", flush=True)
            for command in (("db", "upgrade"), ("services", "load"), ("seed-demo",)):
                cli(env, *command, log=log)
            subprocess.run([sys.executable, "-c", "from bench.bare_app import create_schema; create_schema()"],
                           cwd=ROOT, env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
            servers.append(gunicorn("portal:create_app()", PORTAL_PORT, args.workers, env, log))
            servers.append(gunicorn("bench.bare_app:create_app()", BARE_PORT, args.workers, env, log))
            wait_until_serving(PORTAL_PORT, "/api/v1/services", servers[0])
            wait_until_serving(BARE_PORT, "/health", servers[1])
            token = Client(PORTAL_PORT).json("POST", "/api/v1/auth/token",
                                             {"email": CITIZEN, "password": env.get("DEMO_PASSWORD",
                                                                                    "Demo@12345")})
            pdf = pdf_bytes()
            portal = Target("portal", PORTAL_PORT, token["access_token"], "/api/v1/applications", pdf)
            bare = Target("bare", BARE_PORT, None, "/apps", pdf)
            return measure(portal, bare, args)
        finally:
            for server in servers:
                stop(server)
            if redis_url:
                empty_queue(redis_url)


def empty_queue(redis_url: str) -> None:
    from redis import Redis
    Redis.from_url(redis_url).flushdb()


def measure(portal: Target, bare: Target, args) -> int:
    read_ids = {}
    for target in (portal, bare):  # warm up every worker; one submitted application to read
        client = Client(target.port, target.token)
        read_ids[target.name] = target.full_submit(client)
        for _ in range(args.workers * 2):
            target.full_submit(client)
            target.read(client, read_ids[target.name])
    rates = {(name, kind): [] for name in ("portal", "bare") for kind in ("submit", "read")}
    submit_latencies = []
    print(f"{args.threads} client threads, gunicorn {args.workers} sync workers, rounds of {args.seconds:g} s, "
          "alternating A B A B")
    for number in range(args.rounds):
        for kind in ("submit", "read"):
            order = (portal, bare) if number % 2 == 0 else (bare, portal)
            for target in order:
                rate, latencies = run_round(target, kind, args.threads, args.seconds, read_ids[target.name])
                rates[(target.name, kind)].append(rate)
                if target is portal and kind == "submit":
                    submit_latencies.extend(latencies)
                print(f"  round {number + 1} {kind:6} {target.name:6} {rate:7.1f}/s  "
                      f"p50 {statistics.median(latencies) * 1000:6.0f} ms  p95 {pct(latencies, 95) * 1000:6.0f} ms",
                      flush=True)
    submit_ratio = statistics.mean(rates[("portal", "submit")]) / statistics.mean(rates[("bare", "submit")])
    read_ratio = statistics.mean(rates[("portal", "read")]) / statistics.mean(rates[("bare", "read")])
    p95 = pct(submit_latencies, 95) * 1000
    verdict = {True: "OK", False: "UNDER"}
    print(f"  full submit: portal {statistics.mean(rates[('portal', 'submit')]):.1f}/s, bare "
          f"{statistics.mean(rates[('bare', 'submit')]):.1f}/s, ratio {submit_ratio:.2f}x "
          f"(target >= {SUBMIT_TARGET}x) {verdict[submit_ratio >= SUBMIT_TARGET]}")
    print(f"  read:        portal {statistics.mean(rates[('portal', 'read')]):.1f}/s, bare "
          f"{statistics.mean(rates[('bare', 'read')]):.1f}/s, ratio {read_ratio:.2f}x "
          f"(target >= {READ_TARGET}x) {verdict[read_ratio >= READ_TARGET]}")
    print(f"  p95 of a full submit on the portal: {p95:.0f} ms (target <= {P95_TARGET_MS:.0f} ms) "
          f"{'OK' if p95 <= P95_TARGET_MS else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
