"""The application's signers and trust roots, built from its configuration once and kept on the app."""
from __future__ import annotations

from flask import current_app

from .pki import SignerStore, load_trust_roots

_SIGNERS = "dvc_document_signers"
_ROOTS = "dvc_document_trust_roots"


def signer_store() -> SignerStore:
    store = current_app.extensions.get(_SIGNERS)
    if store is None:
        config = current_app.config
        store = SignerStore(pki_dir=config.get("PKI_DIR"), p12_paths=config.get("PKI_P12_PATHS", ""),
                            p12_password=config.get("PKI_P12_PASSWORD", ""))
        current_app.extensions[_SIGNERS] = store
    return store


def trust_roots() -> list:
    roots = current_app.extensions.get(_ROOTS)
    if roots is None:
        config = current_app.config
        roots = load_trust_roots(config.get("PKI_TRUST_ROOTS", ""), config.get("PKI_DIR"))
        current_app.extensions[_ROOTS] = roots
    return roots


def forget():
    """After `pki init-dev` created new keys in this process."""
    current_app.extensions.pop(_SIGNERS, None)
    current_app.extensions.pop(_ROOTS, None)
