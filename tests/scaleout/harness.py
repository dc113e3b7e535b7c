"""What the kill -9 runs share (run_scaleout.py, run_durability.py): processes started in their own process
group (so SIGKILL takes a gunicorn master with its workers, an rq worker with its work horse), a keep-alive
HTTP client that times every request, and the citizen's, the staff's and the public's calls through /api/v1.

These are scripts run by .ci/run, not pytest tests (pytest collects only test_*.py)."""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv that runs the script has gunicorn, flask and rq
SERVICE = "dang-ky-khai-sinh"
UNIT = "tam-hong"
CITIZENS = {"citizen@demo.vn": "5678", "citizen2@demo.vn": "4321"}  # e-mail: last 4 digits of the phone
RECEIVER = "receiver.tam-hong@demo.vn"
RETRYABLE = (502, 503, 504)  # the balancer's answers for a request the dead server took with it

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- processes --------------------------------------------------------------------------------------

class Processes:
    """Named child processes, each the leader of its own process group; their output goes to run_dir."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.running = {}

    def start(self, name, argv, env):
        output = open(self.run_dir / f"{name}.log", "ab")
        self.running[name] = subprocess.Popen([str(a) for a in argv], cwd=ROOT, env=env, stdout=output,
                                              stderr=subprocess.STDOUT, start_new_session=True)
        output.close()
        return self.running[name]

    def wait_serving(self, name, port):
        """Waits for `name` to answer on `port`; if it does not, the error carries the end of its log."""
        try:
            wait_until_serving(port, process=self.running[name])
        except RuntimeError as error:
            tail = (self.run_dir / f"{name}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{error}\n--- end of {name}.log ---\n{tail}") from None

    def kill9(self, name):
        """SIGKILL to the group and to every descendant: a gunicorn master with its workers, an rq worker
        with its work horse (which rq puts in a process group of its own) die at the same instant."""
        process = self.running.pop(name)
        tree = descendants(process.pid)
        for kill, target in [(os.killpg, process.pid)] + [(os.kill, pid) for pid in tree]:
            try:
                kill(target, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait()
        return tree

    def stop(self, name, grace=10):
        process = self.running.pop(name, None)
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(grace)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)


SEED_STEPS = (("db", "upgrade"), ("services", "load"), ("seed-demo",), ("pki", "init-dev"))


def seed(app, run_dir: Path, steps=SEED_STEPS):
    """The Makefile's `seed` (db upgrade, services load, seed-demo, pki init-dev), in this process: one
    import of the app instead of four."""
    runner = app.test_cli_runner()
    with open(run_dir / "setup.log", "a") as output:
        for args in steps:
            result = runner.invoke(args=list(args))
            output.write(f"$ flask --app portal {' '.join(args)}\n{result.output}\n")
            if result.exit_code != 0:
                raise RuntimeError(f"flask {' '.join(args)} failed: {result.output[-2000:]}") from result.exception


def descendants(pid) -> list[int]:
    """The children, grandchildren... of `pid`, from /proc (Linux)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def port_free(port) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_until_serving(port, path="/api/v1/units", timeout=150, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port}{path} within {timeout} s")


def gunicorn_argv(port, workers=None, threads=None):
    """gunicorn with the repository's config; workers and threads from it unless given."""
    # gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which servers
    # on one machine would share: none here.
    argv = [BIN / "gunicorn", "-c", ROOT / "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
            "--no-control-socket"]
    if workers:
        argv += ["--workers", str(workers)]
    if threads:
        argv += ["--threads", str(threads), "--worker-class", "gthread"]
    return argv + ["portal:create_app()"]


# -- timed HTTP ---------------------------------------------------------------------------------------

class Stats:
    """Every request: kind, start (monotonic), seconds, final status (or 'network'), whether retried."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.first_failures = []  # (kind, start, end, what) of attempts that failed and were retried
        self.errors = []  # (kind, start, what): requests that failed for good

    def add(self, kind, start, seconds, status, retried):
        with self.lock:
            self.requests.append((kind, start, seconds, status, retried))

    def failed_once(self, kind, start, end, what):
        with self.lock:
            self.first_failures.append((kind, start, end, what))

    def error(self, kind, start, what):
        with self.lock:
            self.errors.append((kind, start, what))

    def summary(self, seconds) -> dict:
        durations = sorted(r[2] for r in self.requests)

        def pct(p):
            return round(1000 * durations[min(len(durations) - 1, int(p / 100 * len(durations)))], 1) \
                if durations else None

        by_kind = {}
        for kind, _, duration, _, _ in self.requests:
            by_kind.setdefault(kind, []).append(duration)
        return {
            "requests": len(durations), "seconds": round(seconds, 1),
            "requests_per_second": round(len(durations) / seconds, 1) if seconds else None,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "retried": len(self.first_failures), "errors": len(self.errors),
            "error_rate": round(len(self.errors) / len(durations), 5) if durations else None,
            "by_kind": {kind: {"n": len(values), "p50_ms": round(1000 * sorted(values)[len(values) // 2], 1)}
                        for kind, values in sorted(by_kind.items())},
        }


class Client:
    """One keep-alive connection per thread to 127.0.0.1:port. A request that dies on the network or gets
    a 502/503/504 is tried once more (on a new connection, a second later) when `retry` allows it."""

    def __init__(self, port, stats: Stats, timeout=60, retry_delay=1.0):
        self.port = port
        self.retry_delay = retry_delay  # the balancer's health check needs a moment to see a server gone
        self.stats = stats
        self.timeout = timeout
        self.connection = None

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.connection

    def _once(self, method, path, body, headers):
        try:
            connection = self._connection()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, payload
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return None, repr(error).encode()

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def call(self, kind, method, path, *, body=None, headers=None, retry=True):
        """(status, parsed JSON or None); status None: the network failed (and the retry too)."""
        headers = dict(headers or {})
        start = time.monotonic()
        status, payload = self._once(method, path, body, headers)
        retried = False
        if (status is None or status in RETRYABLE) and retry:
            self.stats.failed_once(kind, start, time.monotonic(), status or payload[:80].decode())
            retried = True
            time.sleep(self.retry_delay)
            status, payload = self._once(method, path, body, headers)
        self.stats.add(kind, start, time.monotonic() - start, status or "network", retried)
        if status is None or status in RETRYABLE or status >= 500:
            self.stats.error(kind, start, status or payload[:120].decode())
        try:
            parsed = json.loads(payload) if status is not None and payload else None
        except ValueError:
            parsed = None
        return status, parsed

    def json(self, kind, method, path, data=None, token=None, retry=True):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps(data).encode() if data is not None else None
        return self.call(kind, method, path, body=body, headers=headers, retry=retry)


def multipart(fields: dict, file_field: str, filename: str, content: bytes, content_type: str):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- what people do -------------------------------------------------------------------------------------

class Ledger:
    """What the server acknowledged, to be checked against the database afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.submitted = {}  # code -> application id (a 2xx on submit with a code)
        self.submitted_after_retry = {}  # code -> id: the submit's answer was lost, a GET showed the code
        self.accepted = set()  # application ids whose accept got a 2xx
        self.refused_actions = 0  # 409/422 on accept: another staff thread was first (not an error)
        self.phone_of = {}  # code -> last 4 digits of the applicant's phone

    def codes(self):
        with self.lock:
            return list(self.submitted)


def token_for(client: Client, email, password):
    status, body = client.json("token", "POST", "/api/v1/auth/token", {"email": email, "password": password})
    if status != 200:
        raise RuntimeError(f"no token for {email}: {status} {body}")
    return body["access_token"]


def submit_one(client: Client, token, data, documents, pdf, ledger: Ledger, last4):
    """Draft, one PDF per document of the service, submit. Returns the code or None."""
    status, draft = client.json("create", "POST", "/api/v1/applications",
                                {"service": SERVICE, "unit": UNIT, "data": data}, token)
    if status != 201:
        return None
    application_id = draft["id"]
    for key in documents:
        body, content_type = multipart({"document": key}, "file", f"{key}.pdf", pdf, "application/pdf")
        status, _ = client.call("attach", "POST", f"/api/v1/applications/{application_id}/attachments",
                                body=body, headers={"Content-Type": content_type,
                                                    "Authorization": f"Bearer {token}"})
        if status != 201:
            return None
    status, submitted = client.json("submit", "POST", f"/api/v1/applications/{application_id}/submit",
                                    None, token)
    if status == 200 and submitted.get("code"):
        with ledger.lock:
            ledger.submitted[submitted["code"]] = application_id
            ledger.phone_of[submitted["code"]] = last4
        return submitted["code"]
    if status == 422:  # the first attempt went through but its answer was lost: the application says so
        status, detail = client.json("detail", "GET", f"/api/v1/applications/{application_id}", None, token)
        if status == 200 and detail.get("code"):
            with ledger.lock:
                ledger.submitted_after_retry[detail["code"]] = application_id
                ledger.phone_of[detail["code"]] = last4
            return detail["code"]
    return None


def accept_one(client: Client, token, ledger: Ledger, rng: random.Random):
    """The receiver takes one submitted application of the unit and accepts it (receipt, e-mail, SMS)."""
    status, waiting = client.json("inbox", "GET", "/api/v1/applications?state=submitted", None, token)
    if status != 200 or not waiting:
        return False
    chosen = rng.choice(waiting[:20])
    status, _ = client.json("accept", "POST", f"/api/v1/applications/{chosen['id']}/actions/accept",
                            {"version": chosen["version"]}, token)
    with ledger.lock:
        if status == 200:
            ledger.accepted.add(chosen["id"])
        elif status in (409, 422):
            ledger.refused_actions += 1
    return status == 200


def lookup_one(client: Client, ledger: Ledger, rng: random.Random):
    codes = ledger.codes()
    if not codes:
        return False
    code = rng.choice(codes)
    status, body = client.json("lookup", "GET", f"/api/v1/lookup?code={code}&phone={ledger.phone_of[code]}")
    return status == 200 and body.get("code") == code


def service_inputs(app):
    """Valid form data for the service and its document keys, from the shipped service file."""
    from portal.operations.catalogue import definition_of, get_service
    from tests.factories import pdf_bytes, valid_data
    with app.app_context():
        documents = [d.key for d in definition_of(get_service(SERVICE).current).documents]
        return valid_data(SERVICE), documents, pdf_bytes("Giay to kem theo")


def verdict(name: str, problems: list[str]) -> int:
    """Prints every problem and the run's verdict; the exit code of the run."""
    for problem in problems:
        print("PROBLEM:", problem)
    print(f"{name}: FAILED" if problems else f"{name}: all checks held")
    return 1 if problems else 0


def clean_up(processes, run_dir: Path, keep: bool):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
    processes.stop_all()
    if keep:
        log(f"kept {run_dir}")
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
