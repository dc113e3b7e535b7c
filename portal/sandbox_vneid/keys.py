"""The sandbox's RS256 signing key: generated into the instance folder on first use (never in the
repository), read from there afterwards, so tokens stay verifiable across restarts."""
import json
import os
from pathlib import Path

from flask import current_app
from joserfc.jwk import RSAKey

KEY_FILE = "vneid_sandbox_key.json"
EXTENSION = "dvc_vneid_sandbox_key"


def _load_or_create(path: Path) -> RSAKey:
    try:
        return RSAKey.import_key(json.loads(path.read_text()))
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = RSAKey.generate_key(2048, private=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return RSAKey.import_key(json.loads(path.read_text()))
    with os.fdopen(fd, "w") as fh:
        json.dump(key.as_dict(private=True), fh)
    return key


def signing_key() -> RSAKey:
    app = current_app._get_current_object()
    key = app.extensions.get(EXTENSION)
    if key is None:
        key = app.extensions[EXTENSION] = _load_or_create(Path(app.instance_path) / KEY_FILE)
    return key


def kid(key: RSAKey) -> str:
    return key.thumbprint()


def public_jwks() -> dict:
    key = signing_key()
    public = key.as_dict(private=False)
    public.update({"kid": kid(key), "use": "sig", "alg": "RS256"})
    return {"keys": [public]}
