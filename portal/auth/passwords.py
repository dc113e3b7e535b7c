"""argon2id password hashes (argon2-cffi defaults, RFC 9106 low-memory profile), and which new passwords
are too weak to accept (ASVS V2.1.1, V2.1.7).

common-passwords.txt beside this file is the list of 19,640 most common passwords that Django ships
(django/contrib/auth/common-passwords.txt.gz, BSD licence, itself compiled by Royce Williams from breach
corpora), lower-cased, one a line, most common first."""
import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()


def configure(time_cost: int | None = None, memory_cost: int | None = None):
    """Tests use cheaper parameters; production keeps the library's defaults."""
    global _hasher, DUMMY_HASH
    if time_cost or memory_cost:
        _hasher = PasswordHasher(time_cost=time_cost or 1, memory_cost=memory_cost or 8, parallelism=1)
        DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def has_password(user) -> bool:
    """Whether any password can sign in to `user` (an account made by a national identity sign-in holds a
    marker that is no hash until a password is set)."""
    return (user.password_hash or "").startswith("$argon2")


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verifying against this when the e-mail is unknown keeps login time the same for known and unknown accounts.
DUMMY_HASH = _hasher.hash("not-a-real-password")


MIN_LENGTH = 10
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
# A common word with digits tacked on ("qwertyuiop2026") is still the common word.
_TRAILING_DIGITS = re.compile(r"[0-9]+$")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip() for line in COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
                     if line.strip())


def is_common(password: str) -> bool:
    lowered = password.casefold()
    stem = _TRAILING_DIGITS.sub("", lowered)
    return lowered in common_passwords() or (len(stem) >= 4 and stem in common_passwords())


def password_problem(password: str) -> str | None:
    """The Vietnamese reason a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH or not re.search(r"[^\W\d_]", password) or not re.search(r"[0-9]", password):
        return "Mật khẩu cần ít nhất 10 ký tự, gồm cả chữ và số."
    if len(set(password.casefold())) < 5 or is_common(password):
        return "Mật khẩu này quá phổ biến hoặc dễ đoán, vui lòng chọn mật khẩu khác."
    return None
