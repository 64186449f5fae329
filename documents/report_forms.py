"""Report forms (biểu mẫu báo cáo): indicator fields with types, validation and roll-up rules.

A form is data: it travels inside a round's ``Opened`` event as a plain dict, so every
submission is checked against the form it was asked for, even after forms change.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from documents.errors import InvalidInputError

MAX_FIELDS = 60
MAX_TEXT_LENGTH = 4000
MAX_INTEGER = 10**12

Value = int | float | bool | str | None


class FieldType(StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    TEXT = "text"


class Aggregation(StrEnum):
    SUM = "sum"
    WEIGHTED_MEAN = "weighted_mean"  # weighted by another (numeric) field of the same form
    MEAN = "mean"
    COUNT_TRUE = "count_true"  # yes/no: how many units said yes, and their share
    LIST = "list"  # text: listed per unit, not summed
    NONE = "none"


ALLOWED_AGGREGATIONS = {
    FieldType.INTEGER: {Aggregation.SUM, Aggregation.MEAN, Aggregation.WEIGHTED_MEAN},
    FieldType.DECIMAL: {Aggregation.SUM, Aggregation.MEAN, Aggregation.WEIGHTED_MEAN},
    FieldType.BOOLEAN: {Aggregation.COUNT_TRUE},
    FieldType.TEXT: {Aggregation.LIST, Aggregation.NONE},
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


@dataclass(frozen=True)
class ReportField:
    """One indicator (chỉ tiêu) of a form."""

    key: str
    label: str
    """Vietnamese label, shown to users and printed in the summary."""
    type: FieldType
    aggregation: Aggregation
    label_en: str = ""
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    at_most_field: str | None = None
    """The value may not exceed this other field's value (e.g. members with signatures ≤
    members)."""
    weight_field: str | None = None
    """For ``weighted_mean``: the field whose value weighs each unit's figure."""
    unit: str = ""
    """What the figure counts, e.g. "%"; printed beside the label."""

    @property
    def numeric(self) -> bool:
        return self.type in (FieldType.INTEGER, FieldType.DECIMAL)


@dataclass(frozen=True)
class ReportForm:
    code: str
    title: str
    fields: tuple[ReportField, ...] = field(default_factory=tuple)

    def field(self, key: str) -> ReportField:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "fields": [
                {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in asdict(f).items()}
                for f in self.fields
            ],
        }

    # -- checking values ------------------------------------------------------------------
    def clean(self, raw: Mapping[str, object]) -> dict[str, Value]:
        """The submitted values, typed and checked; every problem in one bilingual error."""
        unknown = sorted(set(raw) - {f.key for f in self.fields})
        problems_vi: list[str] = []
        problems_en: list[str] = []
        if unknown:
            problems_vi.append("Chỉ tiêu không có trong biểu mẫu: " + ", ".join(unknown) + ".")
            problems_en.append("Fields not on the form: " + ", ".join(unknown) + ".")
        values: dict[str, Value] = {}
        for item in self.fields:
            try:
                values[item.key] = _typed(item, raw.get(item.key))
            except _Problem as problem:
                problems_vi.append(f"«{item.label}»: {problem.vi}")
                problems_en.append(f"'{item.label_en or item.key}': {problem.en}")
        for item in self.fields:
            value, bound = values.get(item.key), self._bound_of(item)
            limit = values.get(bound.key) if bound else None
            if bound and _is_number(value) and _is_number(limit) and value > limit:  # type: ignore[operator]
                shown, shown_limit = _show(value), _show(limit)  # type: ignore[arg-type]
                problems_vi.append(
                    f"«{item.label}» ({shown}) không thể lớn hơn «{bound.label}» ({shown_limit})."
                )
                problems_en.append(
                    f"'{item.label_en or item.key}' ({shown}) cannot exceed "
                    f"'{bound.label_en or bound.key}' ({shown_limit})."
                )
        if problems_vi:
            raise InvalidInputError(
                "Số liệu báo cáo chưa hợp lệ. " + " ".join(problems_vi),
                "The report's figures are not valid. " + " ".join(problems_en),
            )
        return values

    def _bound_of(self, item: ReportField) -> ReportField | None:
        return self.field(item.at_most_field) if item.at_most_field else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Problem(Exception):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _typed(item: ReportField, raw: object) -> Value:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if item.required and item.type is not FieldType.BOOLEAN:
            raise _Problem("cần nhập số liệu.", "a value is required.")
        return False if item.type is FieldType.BOOLEAN else None
    if item.type is FieldType.TEXT:
        text = _nfc(str(raw))
        if len(text) > MAX_TEXT_LENGTH:
            raise _Problem(
                f"tối đa {MAX_TEXT_LENGTH} ký tự.", f"at most {MAX_TEXT_LENGTH} characters."
            )
        return text
    if item.type is FieldType.BOOLEAN:
        return _boolean(raw)
    number = _number(item, raw)
    if item.minimum is not None and number < item.minimum:
        raise _Problem(
            f"không được nhỏ hơn {_show(item.minimum)}.", f"must be at least {_show(item.minimum)}."
        )
    if item.maximum is not None and number > item.maximum:
        raise _Problem(
            f"không được lớn hơn {_show(item.maximum)}.", f"must be at most {_show(item.maximum)}."
        )
    return number


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _nfc(str(raw)).casefold()
    if text in {"true", "1", "yes", "có", "co", "on", "x"}:
        return True
    if text in {"false", "0", "no", "không", "khong", "off"}:
        return False
    raise _Problem("chọn Có hoặc Không.", "answer yes or no.")


def _number(item: ReportField, raw: object) -> int | float:
    if isinstance(raw, bool):
        raise _Problem("phải là một số.", "must be a number.")
    text = str(raw).strip().replace(" ", "")
    if item.type is FieldType.DECIMAL:
        text = text.replace(",", ".")  # 12,5 is the Vietnamese way to write 12.5
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        raise _Problem("phải là một số.", "must be a number.") from None
    if not parsed.is_finite():
        raise _Problem("phải là một số.", "must be a number.")
    if item.type is FieldType.INTEGER:
        if parsed != parsed.to_integral_value():
            raise _Problem("phải là số nguyên.", "must be a whole number.")
        if abs(parsed) > MAX_INTEGER:
            raise _Problem("số quá lớn.", "the number is too large.")
        return int(parsed)
    value = float(parsed)
    if not math.isfinite(value) or abs(value) > MAX_INTEGER:
        raise _Problem("số quá lớn.", "the number is too large.")
    return value


# -- building forms from data -------------------------------------------------------------
def form_from_data(data: Mapping[str, Any]) -> ReportForm:
    """A form from its JSON shape (the API's form builder, or an event); checked."""
    if not isinstance(data, Mapping):
        raise InvalidInputError("Biểu mẫu không hợp lệ.", "The form is not valid.")
    title = _nfc(str(data.get("title") or ""))
    if not title:
        raise InvalidInputError("Biểu mẫu cần có tên.", "The form needs a title.")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise InvalidInputError(
            "Biểu mẫu cần ít nhất một chỉ tiêu.", "The form needs at least one field."
        )
    if len(raw_fields) > MAX_FIELDS:
        raise InvalidInputError(
            f"Biểu mẫu có tối đa {MAX_FIELDS} chỉ tiêu.", f"A form has at most {MAX_FIELDS} fields."
        )
    fields = tuple(_field_from_data(index, item) for index, item in enumerate(raw_fields, 1))
    _check_references(fields)
    code = _nfc(str(data.get("code") or "")) or "bieu-mau"
    return ReportForm(code=code, title=title, fields=fields)


def _field_from_data(index: int, data: object) -> ReportField:
    where_vi, where_en = f"Chỉ tiêu thứ {index}", f"Field {index}"
    if not isinstance(data, Mapping):
        raise InvalidInputError(f"{where_vi} không hợp lệ.", f"{where_en} is not valid.")
    key = str(data.get("key") or "").strip()
    label = _nfc(str(data.get("label") or ""))
    if not key or not key.replace("_", "").isalnum() or not key.isascii():
        raise InvalidInputError(
            f"{where_vi}: mã chỉ tiêu chỉ gồm chữ không dấu, số và dấu gạch dưới.",
            f"{where_en}: the key may hold only ASCII letters, digits and underscores.",
        )
    if not label:
        raise InvalidInputError(f"{where_vi}: cần nhập tên.", f"{where_en}: a label is required.")
    try:
        kind = FieldType(str(data.get("type")))
    except ValueError:
        raise InvalidInputError(
            f"{where_vi}: kiểu phải là một trong {', '.join(FieldType)}.",
            f"{where_en}: the type must be one of {', '.join(FieldType)}.",
        ) from None
    default = {
        FieldType.BOOLEAN: Aggregation.COUNT_TRUE,
        FieldType.TEXT: Aggregation.LIST,
    }.get(kind, Aggregation.SUM)
    try:
        aggregation = Aggregation(str(data.get("aggregation") or default))
    except ValueError:
        aggregation = None
    if aggregation not in ALLOWED_AGGREGATIONS[kind]:
        allowed = ", ".join(sorted(ALLOWED_AGGREGATIONS[kind]))
        raise InvalidInputError(
            f"{where_vi}: cách tổng hợp của kiểu {kind} phải là một trong {allowed}.",
            f"{where_en}: the aggregation of a {kind} field must be one of {allowed}.",
        )
    bounds = [_bound(data.get(name), where_vi, where_en) for name in ("minimum", "maximum")]
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise InvalidInputError(
            f"{where_vi}: giá trị nhỏ nhất lớn hơn giá trị lớn nhất.",
            f"{where_en}: the minimum exceeds the maximum.",
        )
    return ReportField(
        key=key,
        label=label,
        label_en=_nfc(str(data.get("label_en") or "")),
        type=kind,
        aggregation=aggregation,
        required=bool(data.get("required", True)),
        minimum=bounds[0],
        maximum=bounds[1],
        at_most_field=str(data["at_most_field"]) if data.get("at_most_field") else None,
        weight_field=str(data["weight_field"]) if data.get("weight_field") else None,
        unit=_nfc(str(data.get("unit") or "")),
    )


def _bound(value: object, where_vi: str, where_en: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidInputError(
            f"{where_vi}: giới hạn phải là số.", f"{where_en}: bounds must be numbers."
        )
    return number


def _check_references(fields: Iterable[ReportField]) -> None:
    by_key: dict[str, ReportField] = {}
    for item in fields:
        if item.key in by_key:
            raise InvalidInputError(
                f"Mã chỉ tiêu «{item.key}» bị trùng.", f"The field key '{item.key}' is repeated."
            )
        by_key[item.key] = item
    for item in by_key.values():
        for other in (item.at_most_field, item.weight_field):
            if other is not None and (other not in by_key or not by_key[other].numeric):
                raise InvalidInputError(
                    f"Chỉ tiêu «{item.label}» tham chiếu «{other}» không phải chỉ tiêu số của "
                    "biểu mẫu.",
                    f"Field '{item.key}' refers to '{other}', which is not a numeric field of "
                    "the form.",
                )
        if item.aggregation is Aggregation.WEIGHTED_MEAN and item.weight_field is None:
            raise InvalidInputError(
                f"Chỉ tiêu «{item.label}» tổng hợp theo bình quân gia quyền cần chỉ tiêu trọng số.",
                f"Field '{item.key}' is a weighted mean and needs a weight field.",
            )


@cache
def builtin_forms() -> dict[str, ReportForm]:
    """The forms shipped with the platform (``data/report_forms.json``), by code."""
    raw = resources.files("documents").joinpath("data/report_forms.json").read_text("utf-8")
    return {item["code"]: form_from_data(item) for item in json.loads(raw)}
