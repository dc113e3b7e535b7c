"""Marks of what was delivered, by message key, in OUTBOX_DIR: a message the outbox hands over twice (its
sender killed after delivering, before recording it) is not delivered twice."""
import hashlib
import os
from pathlib import Path


def key_name(key: str) -> str:
    """A file name for a message key (Message-IDs hold '<', '@', '>')."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def mark_path(folder: str, kind: str, key: str) -> Path:
    return Path(folder) / kind / f"{key_name(key)}.sent"


def already_sent(folder: str, kind: str, key: str) -> bool:
    return mark_path(folder, kind, key).exists()


def mark_sent(folder: str, kind: str, key: str) -> None:
    path = mark_path(folder, kind, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(key)
    os.replace(partial, path)
