"""Wrong passwords counted per account (ASVS V2.2.1), whichever addresses they come from: the per-address
limit (LOGIN_RATE_LIMIT) alone lets a few addresses take turns at one account.

Only failures count, a successful sign-in clears the count, and while an account is over its limit every
attempt is refused with 429 and Retry-After *before* the password is checked, so a guess made during the
wait teaches nothing. Web sign-in and the API token count separately ("web" and "api" below), so neither
locks the other out. The counts live in the rate limiter's store (Redis when RATELIMIT_STORAGE_URI says so,
shared by every app server), through the `limits` library directly: they apply even where Flask-Limiter's
per-address limits are switched off (RATELIMIT_ENABLED=0, as in the tests)."""
import math
import time
import unicodedata

from flask import current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "dvc_account_throttle"


def normalize_email(value) -> str:
    """One spelling per address: full-width letters fold to ASCII (NFKC) and case folds, so
    "ｃitizen@demo.vn" and "Citizen@Demo.vn" are citizen@demo.vn."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().casefold()


class AccountThrottle:
    def __init__(self, storage_uri: str, limits_text: str):
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.limits = parse_many(limits_text) if limits_text else []

    def _key(self, channel: str, email: str) -> tuple[str, str]:
        return "account-failures", f"{channel}:{normalize_email(email)}"

    def retry_after(self, channel: str, email: str) -> int:
        """0 when the account may try now, else the seconds until it may."""
        key = self._key(channel, email)
        wait = 0
        for item in self.limits:
            if not self.limiter.test(item, *key):
                reset_at = self.limiter.get_window_stats(item, *key).reset_time
                wait = max(wait, math.ceil(reset_at - time.time()), 1)
        return wait

    def failed(self, channel: str, email: str) -> None:
        for item in self.limits:
            self.limiter.hit(item, *self._key(channel, email))

    def succeeded(self, channel: str, email: str) -> None:
        for item in self.limits:
            self.limiter.clear(item, *self._key(channel, email))


def throttle() -> AccountThrottle:
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        found = current_app.extensions[EXTENSION] = AccountThrottle(
            current_app.config["RATELIMIT_STORAGE_URI"], current_app.config["ACCOUNT_LOGIN_LIMIT"])
    return found
