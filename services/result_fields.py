"""Which submitted values a result template prints, and which of them a service's form never asks for.

A result document (templates/documents/<result.template>.html) reads the form's values as ``d``:
``pick(d, "child_full_name", "full_name")`` (the first of those names the data has), ``d.get("x")``,
``d["x"]`` or ``d.x``. A value no field of the service can fill would print as a hole on every document
the service issues, so ``flask services check`` reports it (issue 14, point 6). Names read together count
as one value: the alternatives of one ``pick``, and the picks of one list the template joins
(``[pick(d, "lot"), pick(d, "sheet")]|select|join(" / ")`` prints whichever is there). A value with a
fallback in the template (``pick(d, "owner_full_name") or application.applicant.name``) is never a hole.

Plain Python over the Jinja syntax tree: no Flask, no rendering.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

__all__ = ["TemplateValue", "Hole", "template_values", "holes"]


@dataclass(frozen=True)
class TemplateValue:
    names: tuple[str, ...]  # any of them fills it
    line: int
    template: str
    has_fallback: bool


@dataclass(frozen=True)
class Hole:
    service: str  # slug
    template: str
    line: int
    names: tuple[str, ...]

    def describe(self) -> str:
        return (f"{self.service}: {self.template}.html line {self.line}: no form field fills "
                + " | ".join(self.names))


def _read(call: nodes.Node) -> tuple[str, ...] | None:
    """The names one node reads from ``d``, or None when it reads none."""
    if isinstance(call, nodes.Call) and isinstance(call.node, nodes.Name) and call.node.name == "pick":
        if call.args and isinstance(call.args[0], nodes.Name) and call.args[0].name == "d":
            return tuple(a.value for a in call.args[1:] if isinstance(a, nodes.Const) and isinstance(a.value, str))
    if isinstance(call, nodes.Call) and isinstance(call.node, nodes.Getattr) and call.node.attr == "get" \
            and isinstance(call.node.node, nodes.Name) and call.node.node.name == "d":
        first = call.args[0] if call.args else None
        if isinstance(first, nodes.Const) and isinstance(first.value, str):
            return (first.value,)
    if isinstance(call, nodes.Getitem) and isinstance(call.node, nodes.Name) and call.node.name == "d" \
            and isinstance(call.arg, nodes.Const) and isinstance(call.arg.value, str):
        return (call.arg.value,)
    if isinstance(call, nodes.Getattr) and isinstance(call.node, nodes.Name) and call.node.name == "d" \
            and call.attr != "get":
        return (call.attr,)
    return None


def _unfiltered(node: nodes.Node) -> nodes.Node:
    while isinstance(node, nodes.Filter) and node.node is not None:
        node = node.node
    return node


def _walk(node: nodes.Node, template: str, fallback: bool, out: list[TemplateValue]) -> None:
    names = _read(node)
    if names is not None:
        out.append(TemplateValue(names, node.lineno, template, fallback))
        return
    if isinstance(node, nodes.Or):
        _walk(node.left, template, True, out)
        _walk(node.right, template, fallback, out)
        return
    if isinstance(node, nodes.List) and node.items and all(_read(_unfiltered(i)) for i in node.items):
        found: list[TemplateValue] = []
        for item in node.items:
            _walk(item, template, fallback, found)
        if found:
            joined = tuple(dict.fromkeys(name for value in found for name in value.names))
            out.append(TemplateValue(joined, node.lineno, template, all(v.has_fallback for v in found)))
        return
    for child in node.iter_child_nodes():
        _walk(child, template, fallback, out)


def template_values(name: str, environment: jinja2.Environment) -> list[TemplateValue]:
    """Every value template ``name`` (and the templates it extends or includes) reads from ``d``."""
    seen: set[str] = set()
    out: list[TemplateValue] = []
    pending = [f"{name}.html"]
    while pending:
        filename = pending.pop()
        if filename in seen:
            continue
        seen.add(filename)
        source = environment.loader.get_source(environment, filename)[0]
        tree = environment.parse(source)
        _walk(tree, Path(filename).stem, False, out)
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
                pending.append(node.template.value)
    return out


def holes(service, environment: jinja2.Environment, template: str) -> list[Hole]:
    """The values of ``template`` that no field of ``service`` (a services.loader.ServiceDef) fills."""
    fields = {field.name for field in service.fields}
    return [Hole(service.slug, value.template, value.line, value.names)
            for value in template_values(template, environment)
            if not value.has_fallback and not fields.intersection(value.names)]
