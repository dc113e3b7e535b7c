"""Where the national identity provider is, who the portal is to it, and the names of its claims.

VNEID_ISSUER empty (the default) means the sandbox provider served by the portal itself at
PUBLIC_URL/sandbox/vneid; its client secret, when VNEID_CLIENT_SECRET is empty too, is derived from
SECRET_KEY, so both sides agree without a secret in the repository. A real issuer needs a real secret.

The claims are named as the national public-service portal's single sign-on returns them (SoDinhDanh,
HoVaTen, SoDienThoai, ThuDienTu: the fields of its user information); CLAIMS maps them to the account."""
import hashlib
import hmac

SANDBOX_PREFIX = "/sandbox/vneid"
SCOPE = "openid profile"
CLAIM_NATIONAL_ID = "SoDinhDanh"
CLAIM_NAME = "HoVaTen"
CLAIM_PHONE = "SoDienThoai"
CLAIM_EMAIL = "ThuDienTu"


def sandbox_active(config) -> bool:
    return not config.get("VNEID_ISSUER")


def issuer(config) -> str:
    return config.get("VNEID_ISSUER") or config["PUBLIC_URL"] + SANDBOX_PREFIX


def client_id(config) -> str:
    return config.get("VNEID_CLIENT_ID") or "dvc-portal"


def client_secret(config) -> str:
    configured = config.get("VNEID_CLIENT_SECRET")
    if configured or not sandbox_active(config):
        return configured or ""
    return hmac.new(config["SECRET_KEY"].encode(), b"vneid-sandbox-client-secret", hashlib.sha256).hexdigest()


def configured(config) -> bool:
    """False when a real issuer is set without its secret: the button is not offered then."""
    return bool(client_secret(config))


def redirect_uri(config) -> str:
    # PUBLIC_URL, not the request's host: the provider compares it with the registered one, exactly.
    return config["PUBLIC_URL"] + "/dang-nhap/vneid/callback"
