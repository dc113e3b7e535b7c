"""axe-core (node_modules/, installed by `make node-deps` from package-lock.json) run inside the page, and
the other checks made at each width: no sideways scrolling at 320 px."""
import json
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_WIDTHS = (375, 1366)
NARROWEST = 320
HEIGHT = 800

RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))"""

# The elements that stick out past the right edge, to say what makes a page scroll sideways.
WIDER_THAN_SCREEN = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5 && getComputedStyle(e).position !== 'fixed'
          && (!e.closest('.table-responsive') || getComputedStyle(e).position === 'absolute'))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
          + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
          + ' right=' + Math.round(e.getBoundingClientRect().right))"""


def run_axe(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations of the page as it is now. axe is normally there already (the audit
    context's init script); otherwise it is added as a script tag, which the portal's Content-Security-Policy
    allows only because the audit context bypasses CSP."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN, WCAG_21_AA)


def horizontal_overflow(page, width=NARROWEST) -> str | None:
    """None when the page fits `width` CSS pixels; else what is wider."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width:
        return None
    return f"scrollWidth {scroll_width} > {width}: " + json.dumps(page.evaluate(WIDER_THAN_SCREEN, width))


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:6]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {node['target']}  —  {summary[:300]}")
        if len(violation["nodes"]) > 6:
            lines.append(f"      … and {len(violation['nodes']) - 6} more")
    return "\n".join(lines)


def check_page(page, shots=None) -> list[str]:
    """Every width in turn on the page as loaded (the stylesheet follows the viewport, no reload): the
    overflow check at 320 px, axe at 375 and 1366 px. Returns the problems found, readable."""
    problems = []
    for width in (NARROWEST, *AXE_WIDTHS):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        if shots is not None:
            shots(page, width)
        if width == NARROWEST:
            overflow = horizontal_overflow(page)
            if overflow:
                problems.append(f"{width} px: sideways scrolling, {overflow}")
            continue
        violations = run_axe(page)
        if violations:
            problems.append(f"{width} px: {len(violations)} axe violation(s)\n{describe(violations)}")
    return problems
