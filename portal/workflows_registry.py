"""The workflow definitions the portal runs, loaded once per process from WORKFLOWS_DIR."""
from flask import current_app

from workflows.engine import load_definitions


def all_workflows() -> dict:
    cache = current_app.extensions.setdefault("dvc_workflows", {})
    directory = current_app.config["WORKFLOWS_DIR"]
    if directory not in cache:
        cache[directory] = load_definitions(directory)
    return cache[directory]


def get_workflow(name: str):
    return all_workflows()[name]
