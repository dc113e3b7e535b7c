"""Configuration classes, read from the environment.

Every setting a deployment may change is listed in README.md. Nothing secret lives here:
SECRET_KEY is read from the environment or generated once into the instance folder.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def instance_path():
    return Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance")).resolve()


def load_or_create_secret(instance: Path) -> str:
    """A key generated once per installation, so sessions survive restarts without a secret in the repo."""
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class Config:
    def __init__(self, instance_dir=None):
        instance = Path(instance_dir).resolve() if instance_dir else instance_path()
        self.INSTANCE_PATH = str(instance)
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_secret(instance)
        self.SQLALCHEMY_DATABASE_URI = _database_url(instance)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SERVICES_DIR = os.environ.get("SERVICES_DIR", str(BASE_DIR / "services"))
        self.WORKFLOWS_DIR = os.environ.get("WORKFLOWS_DIR", str(BASE_DIR / "workflows" / "definitions"))
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(instance / "uploads"))
        self.DOCUMENT_DIR = os.environ.get("DOCUMENT_DIR", str(instance / "documents"))
        self.OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(instance / "outbox"))
        self.PKI_DIR = os.environ.get("PKI_DIR", str(instance / "pki"))
        self.MAX_UPLOAD_MB = float(os.environ.get("MAX_UPLOAD_MB") or 10)
        # 50 megapixels: any phone photo; a 20000×20000 "image" is refused before it is decoded.
        self.MAX_IMAGE_PIXELS = _env_int("MAX_IMAGE_PIXELS", 50_000_000)
        # The whole request may carry every document of a service plus the form.
        self.MAX_CONTENT_LENGTH = _env_int("MAX_REQUEST_MB", 64) * 1024 * 1024
        self.MAIL_URL = os.environ.get("MAIL_URL", "")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "Cổng dịch vụ công <no-reply@dichvucong.local>")
        self.SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "log")
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        # The outbox (portal/outbox): attempts before a message is `failed`, the sender's lease in seconds;
        # OUTBOX_ENABLED=false writes no message at all (only for bench/outbox.py's comparison).
        self.OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 10)
        self.OUTBOX_LEASE_SECONDS = _env_int("OUTBOX_LEASE_SECONDS", 300)
        self.OUTBOX_ENABLED = _env_bool("OUTBOX_ENABLED", True)
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        self.TIMEZONE = "Asia/Ho_Chi_Minh"
        self.CUTOFF_HOUR = _env_int("CUTOFF_HOUR", 15)
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = self.TIMEZONE
        self.LANGUAGES = ["vi", "en"]
        self.API_TOKEN_TTL = _env_int("API_TOKEN_TTL", 3600)
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", self.REDIS_URL or "memory://")
        self.RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
        self.LOOKUP_RATE_LIMIT = os.environ.get("LOOKUP_RATE_LIMIT", "20 per minute")
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
        # Per account, whatever the address, failures only (portal/auth/throttle.py); web and API apart.
        self.ACCOUNT_LOGIN_LIMIT = os.environ.get("ACCOUNT_LOGIN_LIMIT", "5 per minute;20 per hour")
        self.REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per hour")
        # Requests to change an account's e-mail (each mails a link to the address given), per account, and
        # how long (seconds) the link confirming the new address lives.
        self.EMAIL_CHANGE_RATE_LIMIT = os.environ.get("EMAIL_CHANGE_RATE_LIMIT", "10 per hour")
        self.EMAIL_CHANGE_MAX_AGE = _env_int("EMAIL_CHANGE_MAX_AGE", 24 * 3600)
        # Password-reset links: how long one lives (seconds); requests per client address and per account.
        self.PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 3600)
        self.PASSWORD_RESET_ADDRESS_LIMIT = os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", "10 per hour")
        self.PASSWORD_RESET_ACCOUNT_LIMIT = os.environ.get("PASSWORD_RESET_ACCOUNT_LIMIT", "3 per hour;10 per day")
        # Per application code, misses only, whatever the address (portal/public/lookup.py).
        self.LOOKUP_CODE_RATE_LIMIT = os.environ.get("LOOKUP_CODE_RATE_LIMIT", "10 per hour;30 per day")
        self.RATELIMIT_HEADERS_ENABLED = True  # 429 answers say when to come back (Retry-After)
        self.VNPAY_TMN_CODE = os.environ.get("VNPAY_TMN_CODE", "DVCSANDBOX")
        self.VNPAY_HASH_SECRET = os.environ.get("VNPAY_HASH_SECRET", "")
        self.VNPAY_URL = os.environ.get("VNPAY_URL", "")  # empty: the built-in sandbox gateway
        self.VNPAY_IPN_URL = os.environ.get("VNPAY_IPN_URL", "")  # default: PUBLIC_URL/payments/vnpay/ipn
        self.VNPAY_API_URL = os.environ.get("VNPAY_API_URL", "")  # querydr; default: the sandbox's
        self.VNPAY_SANDBOX_STORE = os.environ.get("VNPAY_SANDBOX_STORE", "")
        self.VNPAY_TIMEOUT = _env_int("VNPAY_TIMEOUT", 15)
        # The national portal's status API (portal/national/status.py). An empty URL uses the built-in sandbox
        # at PUBLIC_URL/sandbox/dvcqg, and then an empty secret is derived from SECRET_KEY.
        self.DVCQG_URL = os.environ.get("DVCQG_URL", "").rstrip("/")
        self.DVCQG_CLIENT_ID = os.environ.get("DVCQG_CLIENT_ID", "dvc-portal")
        self.DVCQG_CLIENT_SECRET = os.environ.get("DVCQG_CLIENT_SECRET", "")
        self.DVCQG_TIMEOUT = _env_int("DVCQG_TIMEOUT", 10)
        # The sandbox's procedure catalogue beyond the shipped services' codes (comma-separated national codes).
        self.DVCQG_SANDBOX_CATALOGUE = os.environ.get("DVCQG_SANDBOX_CATALOGUE", "")
        # Applications the national portal sends (portal/national/inbound.py): the shared secret that signs
        # them (empty: derived from SECRET_KEY, what the built-in sandbox signs with), the clock skew allowed,
        # and the origins attachments may be fetched from (empty: DVCQG_URL's, or PUBLIC_URL's for the sandbox).
        self.DVCQG_INBOUND_SECRET = os.environ.get("DVCQG_INBOUND_SECRET", "")
        self.DVCQG_INBOUND_MAX_SKEW = _env_int("DVCQG_INBOUND_MAX_SKEW", 300)
        self.DVCQG_FILE_ORIGINS = os.environ.get("DVCQG_FILE_ORIGINS", "")
        # The reporting system (portal/reports/sending.py). An empty URL uses the built-in sandbox at
        # PUBLIC_URL/sandbox/reporting, and then an empty token is derived from SECRET_KEY.
        self.REPORTING_URL = os.environ.get("REPORTING_URL", "")
        self.REPORTING_TOKEN = os.environ.get("REPORTING_TOKEN", "")
        self.REPORTING_TIMEOUT = _env_int("REPORTING_TIMEOUT", 15)
        self.REPORTING_LOOKBACK_MONTHS = _env_int("REPORTING_LOOKBACK_MONTHS", 3)  # what `send-due` still owes
        self.REPORTING_SANDBOX_STORE = os.environ.get("REPORTING_SANDBOX_STORE", "")
        # Sign-in with the national identity (portal/auth/national_identity.py). An empty issuer uses the
        # sandbox at PUBLIC_URL/sandbox/vneid, and then an empty secret is derived from SECRET_KEY.
        self.VNEID_ISSUER = os.environ.get("VNEID_ISSUER", "").rstrip("/")
        self.VNEID_CLIENT_ID = os.environ.get("VNEID_CLIENT_ID", "dvc-portal")
        self.VNEID_CLIENT_SECRET = os.environ.get("VNEID_CLIENT_SECRET", "")
        self.VNEID_TIMEOUT = _env_int("VNEID_TIMEOUT", 10)
        self.PKI_P12_PATHS = os.environ.get("PKI_P12_PATHS", "")  # "unit-slug=/path/file.p12;..."
        self.PKI_P12_PASSWORD = os.environ.get("PKI_P12_PASSWORD", "")
        self.PKI_TRUST_ROOTS = os.environ.get("PKI_TRUST_ROOTS", "")  # PEM/DER files separated by ";"
        # Production: refuse to issue an unsigned document when a unit has no certificate.
        self.DOCUMENTS_REQUIRE_SIGNATURE = _env_bool("DOCUMENTS_REQUIRE_SIGNATURE", False)
        self.DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Demo@12345")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
        # Session lifetime (portal/auth/sessions.py): idle limits by kind of account, and an absolute one.
        self.SESSION_IDLE_MINUTES_STAFF = _env_int("SESSION_IDLE_MINUTES_STAFF", 20)
        self.SESSION_IDLE_MINUTES_CITIZEN = _env_int("SESSION_IDLE_MINUTES_CITIZEN", 30)
        self.SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 12)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_DURATION = timedelta(hours=self.SESSION_ABSOLUTE_HOURS)
        # Behind nginx/HAProxy: how many proxies set X-Forwarded-For/-Proto/-Host (0: trust none).
        self.PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 0)
        self.PROXY_FIX_X_PROTO = _env_int("PROXY_FIX_X_PROTO", 0)
        self.PROXY_FIX_X_HOST = _env_int("PROXY_FIX_X_HOST", 0)
        self.WTF_CSRF_TIME_LIMIT = None
        self.TESTING = False
        self.BOOTSTRAP_SERVE_LOCAL = True  # the portal must work on a closed network: no CDN
        self.API_TITLE = "dvc-portal API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance / 'portal.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class TestConfig(Config):
    """Isolated instance folder and database per test session; no rate limits."""

    def __init__(self, instance_dir, database_url=None):
        super().__init__(instance_dir)
        if database_url:
            self.SQLALCHEMY_DATABASE_URI = database_url
        self.TESTING = True
        self.RATELIMIT_ENABLED = False
        # The suite signs in and fails on purpose many times; tests/security sets a limit where it tests one.
        self.ACCOUNT_LOGIN_LIMIT = ""
        self.PUBLIC_URL = "http://localhost"
        self.VNPAY_HASH_SECRET = "test-secret"
        self.ARGON2_TIME_COST = 1  # argon2id still, with test-sized cost
        self.ARGON2_MEMORY_KIB = 8
        self.DEMO_PASSWORD = "Demo@12345"
