"""A workflow definition drawn as SVG on the server: states as boxes in layers (their distance from
`draft`), actions as labelled arrows. Forward arrows go down; arrows back up or within a layer bend out
to the left; arrows within a layer arc below the boxes; an action that keeps the state is listed inside
its box (↻)."""
from __future__ import annotations

from collections import deque
from xml.sax.saxutils import escape

from ..i18n import N_

BOX_W, BOX_H = 210, 58
GAP_X, GAP_Y = 70, 110
MARGIN = 40
LEFT = 170  # room on the left for the arrows going back up
CHAR_W = 6.1  # average width of an 11 px sans-serif character, for label backgrounds

CLOCK_FILL = "#fff3cd"
PAUSED_FILL = "#e7f1ff"
TERMINAL_FILL = "#e9ecef"


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def layers(workflow) -> list[list[str]]:
    """States by breadth-first distance from the initial state; unreachable ones last."""
    depth = {workflow.initial: 0}
    queue = deque([workflow.initial])
    while queue:
        state = queue.popleft()
        for t in workflow.transitions:
            if state in t.sources and t.to not in depth:
                depth[t.to] = depth[state] + 1
                queue.append(t.to)
    bottom = max(depth.values(), default=0) + 1
    grouped: dict[int, list[str]] = {}
    for name in workflow.states:
        grouped.setdefault(depth.get(name, bottom), []).append(name)
    return [grouped[k] for k in sorted(grouped)]


def edges(workflow, locale: str = "vi") -> dict[tuple[str, str], list[str]]:
    """(from, to) -> action labels in `locale` (deduplicated: roles or conditions may repeat an action)."""
    found: dict[tuple[str, str], list[str]] = {}
    for t in workflow.transitions:
        label = t.label_en if locale == "en" and t.label_en else t.label
        for source in t.sources:
            labels = found.setdefault((source, t.to), [])
            if label not in labels:
                labels.append(label)
    return found


def render_svg(workflow, locale: str = "vi") -> str:
    rows = layers(workflow)
    widest = max(len(r) for r in rows)
    inner = widest * BOX_W + (widest - 1) * GAP_X
    width = LEFT + inner + MARGIN + 60
    height = MARGIN * 2 + len(rows) * BOX_H + (len(rows) - 1) * GAP_Y + 30
    pos: dict[str, tuple[float, float, int]] = {}
    for depth, row in enumerate(rows):
        row_width = len(row) * BOX_W + (len(row) - 1) * GAP_X
        left = LEFT + (inner - row_width) / 2
        for i, name in enumerate(row):
            pos[name] = (left + i * (BOX_W + GAP_X), MARGIN + depth * (BOX_H + GAP_Y), depth)

    title = workflow.title if locale == "vi" else (workflow.title_en or workflow.title)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
           f'width="{width:.0f}" height="{height:.0f}" role="img" '
           f'aria-labelledby="wf-{_attr(workflow.name)}-title" '
           f'font-family="system-ui, sans-serif" font-size="11">',
           f'<title id="wf-{_attr(workflow.name)}-title">{escape(title)}</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>']
    labels: list[str] = []
    loops: dict[str, list[str]] = {}
    for k, ((src, dst), names) in enumerate(sorted(edges(workflow, locale).items())):
        if src not in pos or dst not in pos:
            continue
        text = ", ".join(names)
        x1, y1, d1 = pos[src]
        x2, y2, d2 = pos[dst]
        if src == dst:
            loops.setdefault(src, []).append(text)
            continue
        if d2 > d1:
            sx, sy = x1 + BOX_W / 2, y1 + BOX_H
            tx, ty = x2 + BOX_W / 2, y2
            if d2 - d1 > 1:  # a long arrow bends so it does not run through the boxes in between
                bend = max(x1, x2) + BOX_W + 24
                path = f"M{sx},{sy} C{bend},{sy + 40} {bend},{ty - 40} {tx},{ty}"
                lx, ly = bend - 8, (sy + ty) / 2
            else:
                path = f"M{sx},{sy} L{tx},{ty}"
                share = 0.5 + (0.18 if k % 2 else -0.18) * (x1 != x2)
                lx, ly = sx + (tx - sx) * share, sy + (ty - sy) * share
            anchor = "middle"
        elif d2 == d1:
            # within a layer: an arc under the boxes
            sx, sy = x1 + BOX_W / 2 + 12, y1 + BOX_H
            tx, ty = x2 + BOX_W / 2 - 12, y2 + BOX_H
            dip = sy + 34 + 8 * (k % 3)
            path = f"M{sx},{sy} C{sx},{dip} {tx},{dip} {tx},{ty}"
            lx, ly = (sx + tx) / 2, dip - 4
            anchor = "middle"
        else:
            # back up: leave from the left side and come back into the target's left side
            sx, sy = x1, y1 + BOX_H / 2 + 6
            tx, ty = x2, y2 + BOX_H / 2 - 6
            reach = min(x1, x2) - 60 - 12 * (k % 3)
            path = f"M{sx},{sy} C{reach},{sy} {reach},{ty} {tx},{ty}"
            lx, ly = reach + 4, (sy + ty) / 2
            anchor = "middle"
        out.append(f'<path d="{path}" fill="none" stroke="#495057" stroke-width="1.3" '
                   f'marker-end="url(#arrow)">'
                   f'<title>{escape(text)}</title></path>')
        w = len(text) * CHAR_W + 8
        bx = lx - w / 2 if anchor == "middle" else lx - 2
        labels.append(f'<rect x="{bx:.1f}" y="{ly - 9:.1f}" width="{w:.1f}" height="15" fill="#fff" '
                      f'fill-opacity="0.9" rx="3"/>'
                      f'<text x="{lx:.1f}" y="{ly + 2:.1f}" text-anchor="{anchor}" fill="#212529">'
                      f'{escape(text)}</text>')
    out.extend(labels)
    for name, (x, y, _d) in pos.items():
        state = workflow.states[name]
        label = state.label if locale == "vi" else (state.label_en or state.label)
        fill = TERMINAL_FILL if state.terminal else (CLOCK_FILL if state.clock else PAUSED_FILL)
        stroke_width = 2.4 if state.terminal else 1.4
        loop_text = ""
        if name in loops:
            note = "↻ " + ", ".join(loops[name])
            loop_text = (f'<text x="{x + BOX_W / 2:.1f}" y="{y + 50:.1f}" text-anchor="middle" '
                         f'font-size="10" fill="#495057"><title>{escape(note)}</title>'
                         f'{escape(note if len(note) <= 38 else note[:37] + "…")}</text>')
        out.append(f'<g class="state" data-state="{_attr(name)}">'
                   f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
                   f'stroke="#343a40" stroke-width="{stroke_width}"/>'
                   f'<text x="{x + BOX_W / 2:.1f}" y="{y + 19:.1f}" text-anchor="middle" font-size="13" '
                   f'font-weight="600">{escape(label)}</text>'
                   f'<text x="{x + BOX_W / 2:.1f}" y="{y + 35:.1f}" text-anchor="middle" fill="#6c757d">'
                   f'{escape(name)}</text>{loop_text}</g>')
    out.append("</svg>")
    return "".join(out)


# Translated where shown (admin/workflows.html).
LEGEND = [(CLOCK_FILL, N_("Đang tính thời hạn giải quyết")),
          (PAUSED_FILL, N_("Không tính thời hạn (chờ, chưa tiếp nhận)")),
          (TERMINAL_FILL, N_("Trạng thái kết thúc"))]


def svg_response(name: str):
    """The diagram of the workflow `name` as an SVG response (404 for an unknown name)."""
    from flask import abort, make_response

    from ..workflows_registry import all_workflows
    workflow = all_workflows().get(name)
    if workflow is None:
        abort(404)
    response = make_response(render_svg(workflow))
    response.mimetype = "image/svg+xml"
    return response
