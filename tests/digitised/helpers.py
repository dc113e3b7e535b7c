"""Shared by the digitised-store tests: the files on disk, and one digitised document in a person's store."""
import hashlib
import os

from tests.counter.helpers import PERSON, desk, scan, start

KEY = "birth_notice"  # the one document of the birth registration (tests/counter/helpers.SERVICE)


def files_in(folder) -> set[str]:
    return {name for _root, _dirs, names in os.walk(folder) for name in names} if os.path.isdir(folder) else set()


def sha256_of(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def counter_draft(client, headers, applicant=None, data=None):
    """A counter draft with one scanned (digitised) document; returns (application id, attachment JSON)."""
    created = start(client, headers, applicant)
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    scanned = scan(client, headers, application_id, data=data)
    assert scanned.status_code == 201, scanned.get_json()
    return application_id, scanned.get_json()


def reuse(client, headers, application_id, item_id, key=KEY):
    return client.post(f"/api/v1/applications/{application_id}/attachments", headers=headers,
                       json={"document": key, "reuse": item_id})


__all__ = ["PERSON", "desk", "files_in", "sha256_of", "counter_draft", "reuse", "KEY"]
