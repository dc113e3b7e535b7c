"""Fee rules of a service (phí, lệ phí) and VND formatting.

A service file writes its fee in one of two shapes:

    fee = 0                      # free
    fee = 75000                  # fixed amount in VND

    [fee]                        # per page of the original, per copy, with a cap per copy
    kind = "per_page"            # (Thông tư 226/2016/TT-BTC: phí chứng thực bản sao)
    field = "pages"              # integer field holding the number of pages
    copies_field = "copies"      # optional integer field holding the number of copies (default 1)
    first_pages = 2              # optional: how many leading pages use first_rate
    first_rate = 2000            # required when first_pages > 0
    next_rate = 1000             # rate for every later page
    cap = 200000                 # optional: maximum per copy
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches

from . import ServiceError, value_kind

__all__ = ["FeeRule", "FixedFee", "PerPageFee", "parse_fee", "format_vnd"]

PER_PAGE_KEYS = ("kind", "field", "copies_field", "first_pages", "first_rate", "next_rate", "cap")


def format_vnd(amount: int, locale: str = "vi") -> str:
    """``1500000`` -> ``"1.500.000 ₫"`` (Vietnamese dot grouping); ``locale="en"`` groups with commas."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int number of dong, got {type(amount).__name__}")
    separator = "," if locale == "en" else "."
    grouped = f"{abs(amount):,}".replace(",", separator)
    return f"{'-' if amount < 0 else ''}{grouped} ₫"


@dataclass(frozen=True)
class FeeRule(ABC):
    """How much an application costs, in whole dong."""

    @property
    @abstractmethod
    def is_free(self) -> bool: ...

    @abstractmethod
    def compute(self, data: Mapping) -> int:
        """The amount due for the application's clean form data (``forms.validate_data``)."""

    @abstractmethod
    def describe(self, locale: str = "vi") -> str:
        """The rule in words for the catalogue page."""

    @abstractmethod
    def to_value(self) -> int | dict:
        """The rule in the service-file shape (what ``parse_fee`` reads back)."""

    @property
    def referenced_fields(self) -> tuple[str, ...]:
        """Form fields the amount depends on; the loader checks they exist."""
        return ()


@dataclass(frozen=True)
class FixedFee(FeeRule):
    amount: int = 0

    @property
    def is_free(self) -> bool:
        return self.amount == 0

    def compute(self, data: Mapping) -> int:
        return self.amount

    def describe(self, locale: str = "vi") -> str:
        if self.is_free:
            return "Free" if locale == "en" else "Miễn phí"
        return format_vnd(self.amount, locale)

    def to_value(self) -> int:
        return self.amount


_VI_ORDINALS = {1: "thứ nhất", 2: "thứ hai", 3: "thứ ba", 4: "thứ tư", 5: "thứ năm", 6: "thứ sáu",
                7: "thứ bảy", 8: "thứ tám", 9: "thứ chín", 10: "thứ mười"}
_EN_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
                7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth"}


def _vi_ordinal(n: int) -> str:
    return _VI_ORDINALS.get(n, f"thứ {n}")


def _en_ordinal(n: int) -> str:
    if n in _EN_ORDINALS:
        return _EN_ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class PerPageFee(FeeRule):
    field: str
    next_rate: int
    first_pages: int = 0
    first_rate: int = 0
    cap: int | None = None
    copies_field: str | None = None

    @property
    def is_free(self) -> bool:
        return self.next_rate == 0 and (self.first_pages == 0 or self.first_rate == 0)

    @property
    def referenced_fields(self) -> tuple[str, ...]:
        return (self.field,) + ((self.copies_field,) if self.copies_field else ())

    def per_copy(self, pages: int) -> int:
        leading = min(pages, self.first_pages)
        amount = leading * self.first_rate + (pages - leading) * self.next_rate
        return amount if self.cap is None else min(amount, self.cap)

    def compute(self, data: Mapping) -> int:
        pages = _count(data, self.field)
        copies = _count(data, self.copies_field) if self.copies_field else 1
        return self.per_copy(pages) * copies

    def describe(self, locale: str = "vi") -> str:
        if locale == "en":
            return self._describe_en()
        first, rest = format_vnd(self.first_rate), format_vnd(self.next_rate)
        if self.first_pages == 0:
            parts = [f"{rest}/trang"]
        else:
            if self.first_pages == 1:
                leading = "trang thứ nhất"
            elif self.first_pages == 2:
                leading = "trang thứ nhất và thứ hai"
            else:
                leading = f"{self.first_pages} trang đầu"
            parts = [f"{first}/trang cho {leading}",
                     f"{rest}/trang từ trang {_vi_ordinal(self.first_pages + 1)}"]
        if self.cap is not None:
            parts.append(f"tối đa {format_vnd(self.cap)}/bản")
        return ", ".join(parts)

    def _describe_en(self) -> str:
        first, rest = format_vnd(self.first_rate, "en"), format_vnd(self.next_rate, "en")
        if self.first_pages == 0:
            parts = [f"{rest}/page"]
        else:
            leading = "the first page" if self.first_pages == 1 else f"the first {self.first_pages} pages"
            parts = [f"{first}/page for {leading}",
                     f"{rest}/page from the {_en_ordinal(self.first_pages + 1)} page"]
        if self.cap is not None:
            parts.append(f"at most {format_vnd(self.cap, 'en')} per copy")
        return ", ".join(parts)

    def to_value(self) -> dict:
        value: dict = {"kind": "per_page", "field": self.field}
        if self.copies_field is not None:
            value["copies_field"] = self.copies_field
        if self.first_pages:
            value["first_pages"] = self.first_pages
            value["first_rate"] = self.first_rate
        value["next_rate"] = self.next_rate
        if self.cap is not None:
            value["cap"] = self.cap
        return value


def _count(data: Mapping, name: str) -> int:
    # The data comes from forms.validate_data, so a bad value here is a programming error
    # (fee computed before validation), not user input: fail loudly rather than charge 0.
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"fee needs an integer '{name}', got {value!r}")
    if value < 0:
        raise ValueError(f"fee needs a non-negative '{name}', got {value}")
    return value


def _amount(value, filename: str, key: str, *, positive: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(filename, key, f"phải là số nguyên (đồng), nhận được {value_kind(value)}")
    if value < 0 or (positive and value == 0):
        bound = "lớn hơn 0" if positive else "không âm"
        raise ServiceError(filename, key, f"phải là số nguyên {bound}, nhận được {value}")
    return value


def _field_name(value, filename: str, key: str) -> str:
    if not isinstance(value, str) or not value.isidentifier() or not value.isascii():
        raise ServiceError(filename, key, f"phải là tên một trường của biểu mẫu, nhận được {value!r}")
    return value


def parse_fee(value, filename: str) -> FeeRule:
    """Read the ``fee`` value of a service file. Raises ``ServiceError`` naming ``fee…`` keys."""
    if isinstance(value, dict):
        return _parse_table(value, filename)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(filename, "fee", "phải là số nguyên (đồng, ví dụ fee = 75000) hoặc bảng [fee] "
                                            f"với kind = \"per_page\", nhận được {value_kind(value)}")
    return FixedFee(_amount(value, filename, "fee"))


def _parse_table(table: dict, filename: str) -> FeeRule:
    # The kind decides which keys are valid, so a wrong kind is reported before its keys.
    if "kind" in table and table["kind"] != "per_page":
        raise ServiceError(filename, "fee.kind",
                           f"loại phí không hợp lệ {table['kind']!r} (chỉ nhận \"per_page\"; "
                           "phí cố định viết là số nguyên, ví dụ fee = 75000)")
    for key in table:
        if key not in PER_PAGE_KEYS:
            hint = get_close_matches(key, PER_PAGE_KEYS, n=1)
            suggestion = f" (có phải là '{hint[0]}'?)" if hint else ""
            raise ServiceError(filename, f"fee.{key}", f"khóa không được hỗ trợ{suggestion}")
    if "kind" not in table:
        raise ServiceError(filename, "fee.kind", "thiếu khóa bắt buộc (chỉ nhận \"per_page\")")
    for required in ("field", "next_rate"):
        if required not in table:
            raise ServiceError(filename, f"fee.{required}", "thiếu khóa bắt buộc")
    field = _field_name(table["field"], filename, "fee.field")
    copies_field = None
    if "copies_field" in table:
        copies_field = _field_name(table["copies_field"], filename, "fee.copies_field")
        if copies_field == field:
            raise ServiceError(filename, "fee.copies_field", "không được trùng với fee.field")
    first_pages = _amount(table.get("first_pages", 0), filename, "fee.first_pages")
    if first_pages and "first_rate" not in table:
        raise ServiceError(filename, "fee.first_rate", "thiếu khóa bắt buộc khi first_pages > 0")
    if not first_pages and "first_rate" in table:
        raise ServiceError(filename, "fee.first_rate", "chỉ dùng khi first_pages > 0")
    first_rate = _amount(table.get("first_rate", 0), filename, "fee.first_rate")
    next_rate = _amount(table["next_rate"], filename, "fee.next_rate")
    cap = _amount(table["cap"], filename, "fee.cap", positive=True) if "cap" in table else None
    return PerPageFee(field=field, next_rate=next_rate, first_pages=first_pages, first_rate=first_rate,
                      cap=cap, copies_field=copies_field)
