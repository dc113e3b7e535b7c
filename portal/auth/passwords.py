"""argon2id password hashes (argon2-cffi defaults, RFC 9106 low-memory profile)."""
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


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verifying against this when the e-mail is unknown keeps login time the same for known and unknown accounts.
DUMMY_HASH = _hasher.hash("not-a-real-password")
