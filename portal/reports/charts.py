"""Charts as SVG made on the server (no JavaScript): a stacked bar for a total's parts and horizontal
bars for a breakdown. Text is escaped; every chart has a title and its numbers as text."""
from __future__ import annotations

from xml.sax.saxutils import escape

from ..i18n import N_, translated

COLORS = {"early": "#198754", "on_time": "#20c997", "late": "#dc3545", "carried_over": "#6c757d",
          "online": "#0d6efd", "counter": "#fd7e14", "in_progress_on_time": "#0dcaf0", "overdue": "#b02a37",
          "waiting_citizen": "#ffc107", "refused": "#6f42c1", "withdrawn": "#adb5bd",
          "satisfied": "#198754", "normal": "#ffc107", "unsatisfied": "#dc3545"}


def _number(value) -> str:
    return f"{value:,}".replace(",", ".")


def stacked_bar(title: str, parts: list[tuple[str, int, str]], width: int = 640,
                no_data: str = "Không có dữ liệu") -> str:
    """One bar split in proportion to `parts` (label, value, colour), with a legend below."""
    total = sum(value for _, value, _ in parts)
    bar_w, x = width - 20, 10.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 96" width="100%" role="img" '
           f'font-family="system-ui, sans-serif" font-size="12"><title>{escape(title)}</title>',
           f'<text x="10" y="16" font-weight="600">{escape(title)} ({_number(total)})</text>']
    if total == 0:
        out.append(f'<rect x="10" y="26" width="{bar_w}" height="24" fill="#e9ecef"/>'
                   f'<text x="20" y="43" fill="#495057">{escape(no_data)}</text>')
    for label, value, color in parts:
        if total and value:
            w = bar_w * value / total
            out.append(f'<rect x="{x:.1f}" y="26" width="{w:.1f}" height="24" fill="{color}">'
                       f'<title>{escape(label)}: {_number(value)}</title></rect>')
            x += w
    lx = 10
    for label, value, color in parts:
        text = f"{label}: {_number(value)}"
        out.append(f'<rect x="{lx}" y="64" width="11" height="11" fill="{color}"/>'
                   f'<text x="{lx + 15}" y="74">{escape(text)}</text>')
        lx += 26 + int(len(text) * 6.6)
    out.append("</svg>")
    return "".join(out)


def bar_chart(title: str, items: list[tuple[str, float]], *, color: str = "#0d6efd", percent: bool = False,
              width: int = 640, no_data: str = "Không có dữ liệu", label_lang: str | None = None) -> str:
    """Horizontal bars, one per (label, value); `percent` values are fractions shown as %. `label_lang`
    marks the labels' language when it is not the page's (Vietnamese unit names on an English page)."""
    lang = f' lang="{label_lang}"' if label_lang else ""
    row_h, label_w = 26, 250
    height = 30 + row_h * max(len(items), 1) + 6
    top = max((v for _, v in items if v is not None), default=0) or 1
    if percent:
        top = 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'font-family="system-ui, sans-serif" font-size="12"><title>{escape(title)}</title>',
           f'<text x="10" y="16" font-weight="600">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 28 + i * row_h
        shown = "—" if value is None else (f"{value * 100:.1f}%".replace(".",
                                                                         ",") if percent else _number(value))
        w = 0 if value is None else (width - label_w - 70) * value / top
        short = label if len(label) <= 38 else label[:37] + "…"
        out.append(f'<text x="10" y="{y + 15}"{lang}><title>{escape(label)}</title>{escape(short)}</text>'
                   f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" fill="{color}"/>'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{shown}</text>')
    if not items:
        out.append(f'<text x="10" y="44" fill="#495057">{escape(no_data)}</text>')
    out.append("</svg>")
    return "".join(out)


def report_charts(report, language: str = "vi") -> dict[str, str]:
    """The page's charts in `language` (the monthly PDF, an official document, stays Vietnamese)."""
    def tr(text):
        return translated(text) if language == "en" else text
    t = report.total
    return {
        "received": stacked_bar(tr(N_("Hồ sơ tiếp nhận")), [
            (tr(N_("Kỳ trước chuyển sang")), t.carried_over, COLORS["carried_over"]),
            (tr(N_("Trực tuyến")), t.online, COLORS["online"]), (tr(N_("Trực tiếp")), t.counter, COLORS["counter"])],
            no_data=tr(N_("Không có dữ liệu"))),
        "resolved": stacked_bar(tr(N_("Hồ sơ đã giải quyết")), [
            (tr(N_("Trước hạn")), t.early, COLORS["early"]), (tr(N_("Đúng hạn")), t.on_time, COLORS["on_time"]),
            (tr(N_("Quá hạn")), t.late, COLORS["late"])], no_data=tr(N_("Không có dữ liệu"))),
        "pending": stacked_bar(tr(N_("Hồ sơ chưa xong cuối kỳ")), [
            (tr(N_("Trong hạn")), t.in_progress_on_time, COLORS["in_progress_on_time"]),
            (tr(N_("Quá hạn")), t.overdue, COLORS["overdue"]),
            (tr(N_("Chờ công dân")), t.waiting_citizen, COLORS["waiting_citizen"])],
            no_data=tr(N_("Không có dữ liệu"))),
        "by_unit": bar_chart(tr(N_("Tỷ lệ giải quyết đúng hạn theo đơn vị")),
                             [(row.name, row.figures.on_time_rate) for row in report.by_unit],
                             color=COLORS["early"], percent=True, no_data=tr(N_("Không có dữ liệu")),
                             label_lang="vi" if language == "en" else None),
    }
