"""What the sandbox remembers between its endpoints: authorization codes (single use, 60 seconds) and
access tokens (5 minutes). They are kept in a JSON file in the instance folder under a file lock, so that
every process of one portal sees them: under `make serve` the authorize page, the token exchange and the
userinfo call are answered by whichever gunicorn worker takes them."""
import contextlib
import fcntl
import json
import os
import secrets
import time
from pathlib import Path

CODE_TTL = 60
ACCESS_TOKEN_TTL = 300
FILE_NAME = "vneid_sandbox_grants.json"


def now() -> float:
    return time.time()


class SandboxStore:
    def __init__(self, path: Path):
        self.path = Path(path)

    @contextlib.contextmanager
    def _held(self):
        """{"codes": ..., "tokens": ...} under an exclusive lock across processes; written back atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                try:
                    held = json.loads(self.path.read_text(encoding="utf-8"))
                except (FileNotFoundError, ValueError):
                    held = {}
                held.setdefault("codes", {})
                held.setdefault("tokens", {})
                yield held
                partial = self.path.with_suffix(".part")
                partial.write_text(json.dumps(held), encoding="utf-8")
                os.chmod(partial, 0o600)  # codes and tokens: readable by the portal's user only
                os.replace(partial, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def issue_code(self, grant: dict) -> str:
        code = secrets.token_urlsafe(32)
        with self._held() as held:
            _forget_expired(held)
            held["codes"][code] = {**grant, "expires": now() + CODE_TTL, "used": False}
        return code

    def redeem_code(self, code: str) -> tuple[dict | None, str]:
        """(the grant, "") the first time a live code is presented; (None, why) otherwise. A code is spent
        by its first presentation, whatever comes of it; presenting it again also revokes the access tokens
        it gave (RFC 6749 §4.1.2)."""
        with self._held() as held:
            grant = held["codes"].get(code)
            if grant is None:
                return None, "unknown code"
            if grant["used"]:
                for token in [t for t, kept in held["tokens"].items() if kept["code"] == code]:
                    del held["tokens"][token]
                return None, "code already used"
            grant["used"] = True
            if grant["expires"] < now():
                return None, "code expired"
            return dict(grant), ""

    def issue_access_token(self, code: str, claims: dict) -> str:
        token = secrets.token_urlsafe(32)
        with self._held() as held:
            held["tokens"][token] = {"code": code, "claims": claims, "expires": now() + ACCESS_TOKEN_TTL}
        return token

    def claims_for(self, token: str) -> dict | None:
        with self._held() as held:
            kept = held["tokens"].get(token)
            if kept is None or kept["expires"] < now():
                return None
            return kept["claims"]


def _forget_expired(held: dict) -> None:
    # Spent and expired codes are kept a while so a replay is told apart from a forgery, then dropped.
    horizon = now() - 10 * CODE_TTL
    for code in [c for c, grant in held["codes"].items() if grant["expires"] < horizon]:
        del held["codes"][code]
    for token in [t for t, kept in held["tokens"].items() if kept["expires"] < now()]:
        del held["tokens"][token]


def store(app) -> SandboxStore:
    return SandboxStore(Path(app.instance_path) / FILE_NAME)
