"""Labels of the events that are not workflow actions: administrative records written beside the workflow
(a unit reorganisation, a corrected result)."""
from .i18n import current_language

EXTRA_ACTIONS = {
    "reorganize": ("Sắp xếp lại đơn vị hành chính", "Administrative units reorganised"),
    "correct": ("Đính chính kết quả", "Result corrected"),
    "digitise_result": ("Số hóa kết quả giải quyết", "Result digitised"),
}


def extra_action_label(action: str, language: str | None = None) -> str | None:
    labels = EXTRA_ACTIONS.get(action)
    if labels is None:
        return None
    return labels[1] if (language or current_language()) == "en" else labels[0]
