"""The service catalogue: one TOML file per administrative procedure (thủ tục hành chính).

Modules:
  loader  parse, validate, load, export service definitions (``ServiceDef``)
  fees    fee rules (``FeeRule``) and VND formatting
  forms   WTForms form classes and JSON validation built from a ``ServiceDef``
  search  accent-insensitive Vietnamese search over the catalogue

This package is plain Python and data: it never imports Flask, SQLAlchemy or ``portal``.
"""

__all__ = ["ServiceError", "value_kind"]


# Defined here rather than in loader.py because both loader.py and fees.py raise it and
# loader.py imports fees.py; keeping it in the package root avoids a circular import.
class ServiceError(Exception):
    """A service definition is invalid: names the file, the key (a path such as
    ``fields[2].type``) and the reason, so an administrator can fix the file."""

    def __init__(self, file: str, key: str, reason: str):
        super().__init__(file, key, reason)
        self.file = file
        self.key = key
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}"

    def __reduce__(self):
        # Keeps the three attributes when the error crosses a process boundary (RQ jobs).
        return (type(self), (self.file, self.key, self.reason))


def value_kind(value) -> str:
    """The TOML type of ``value`` in words, for error reasons ("số nguyên", "chuỗi ký tự", …)."""
    # bool before int: in Python True is an int, in TOML it is not a number.
    if isinstance(value, bool):
        return "giá trị true/false"
    if isinstance(value, int):
        return "số nguyên"
    if isinstance(value, float):
        return "số thực"
    if isinstance(value, str):
        return "chuỗi ký tự"
    if isinstance(value, (list, tuple)):
        return "danh sách"
    if isinstance(value, dict):
        return "bảng"
    if value is None:
        return "giá trị rỗng"
    return "ngày giờ" if hasattr(value, "isoformat") else type(value).__name__
