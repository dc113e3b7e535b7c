"""A receiver for the outbox tests: a real HTTP server (tests/live_server.serve) that answers from a script
(500 then 200, a refusal, a slow answer) and keeps what it accepted once per Idempotency-Key, as the
national systems do."""
import json
import threading
import time

from werkzeug.wrappers import Request, Response


class Receiver:
    def __init__(self):
        self.script = []  # statuses (or ("sleep", seconds)) for the next requests; then 200
        self.seen = []  # every Idempotency-Key received, repeats included
        self.kept = {}  # key -> payload, once per key
        self.lock = threading.Lock()

    def answer_next(self, *statuses):
        self.script.extend(statuses)

    def __call__(self, environ, start_response):
        request = Request(environ)
        key = request.headers.get("Idempotency-Key", "")
        with self.lock:
            self.seen.append(key)
            step = self.script.pop(0) if self.script else 200
        if isinstance(step, tuple) and step[0] == "sleep":
            time.sleep(step[1])
            step = 200
        if step == 200:
            with self.lock:
                duplicate = key in self.kept
                self.kept.setdefault(key, json.loads(request.get_data() or b"null"))
            body = {"accepted": True, "duplicate": duplicate}
        else:
            body = {"error": f"scripted {step}"}
        return Response(json.dumps(body), status=step, content_type="application/json")(environ, start_response)
