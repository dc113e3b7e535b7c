"""Workflow engine, working-day calendar and the built-in definitions: plain Python, no Flask, no database."""
from pathlib import Path

from .calendar import WorkingCalendar
from .engine import (
    KNOWN_CONDITIONS, KNOWN_EFFECTS, KNOWN_INPUTS, KNOWN_ROLES, DefinitionError, Decision, Facts, NotAllowed,
    State, Transition, Workflow, check_definitions, load_definitions, load_workflow,
)

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

__all__ = [
    "DEFINITIONS_DIR", "KNOWN_CONDITIONS", "KNOWN_EFFECTS", "KNOWN_INPUTS", "KNOWN_ROLES", "Decision",
    "DefinitionError", "Facts", "NotAllowed", "State", "Transition", "Workflow", "WorkingCalendar",
    "check_definitions", "load_definitions", "load_workflow",
]
