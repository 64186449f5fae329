"""Roll-up of report figures (tổng hợp số liệu): each field's declared aggregation over a set
of accepted submissions. Pure functions: the read model feeds them rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from documents.report_forms import Aggregation, ReportForm, Value


@dataclass
class FieldTotal:
    key: str
    aggregation: str
    value: float | int | None = None
    """Sum, mean, weighted mean or count of "yes"; ``None`` when nothing was reported."""
    share: float | None = None
    """For yes/no fields: the share of reporting units that said yes, in percent."""
    texts: list[tuple[str, str]] = field(default_factory=list)
    """For listed text fields: (unit name, text) of every unit that wrote something."""


@dataclass
class _Accumulator:
    total: float = 0.0
    weight: float = 0.0
    count: int = 0
    yes: int = 0
    integral: bool = True
    texts: list[tuple[str, str]] = field(default_factory=list)


def roll_up(
    form: ReportForm, reports: Iterable[tuple[str, Mapping[str, Value]]]
) -> tuple[int, dict[str, FieldTotal]]:
    """(how many reports, the total of every field) over ``(unit name, values)`` pairs."""
    accumulators = {item.key: _Accumulator() for item in form.fields}
    reported = 0
    for unit_name, values in reports:
        reported += 1
        for item in form.fields:
            _add(accumulators[item.key], item.aggregation, values, item.key, item.weight_field)
            if item.aggregation is Aggregation.LIST:
                text = values.get(item.key)
                if isinstance(text, str) and text:
                    accumulators[item.key].texts.append((unit_name, text))
    return reported, {
        item.key: _total(item.key, item.aggregation, accumulators[item.key]) for item in form.fields
    }


def _add(
    acc: _Accumulator,
    aggregation: Aggregation,
    values: Mapping[str, Value],
    key: str,
    weight_field: str | None,
) -> None:
    value = values.get(key)
    if aggregation is Aggregation.COUNT_TRUE:
        acc.count += 1
        acc.yes += value is True
        return
    if not isinstance(value, int | float) or isinstance(value, bool):
        return
    acc.integral = acc.integral and isinstance(value, int)
    if aggregation is Aggregation.WEIGHTED_MEAN:
        weight = values.get(weight_field or "")
        if isinstance(weight, int | float) and not isinstance(weight, bool) and weight > 0:
            acc.total += value * weight
            acc.weight += weight
        return
    acc.total += value
    acc.count += 1


def _total(key: str, aggregation: Aggregation, acc: _Accumulator) -> FieldTotal:
    total = FieldTotal(key=key, aggregation=aggregation.value)
    if aggregation is Aggregation.SUM and acc.count:
        total.value = int(acc.total) if acc.integral else round(acc.total, 6)
    elif aggregation is Aggregation.MEAN and acc.count:
        total.value = round(acc.total / acc.count, 2)
    elif aggregation is Aggregation.WEIGHTED_MEAN and acc.weight:
        total.value = round(acc.total / acc.weight, 2)
    elif aggregation is Aggregation.COUNT_TRUE and acc.count:
        total.value = acc.yes
        total.share = round(100 * acc.yes / acc.count, 2)
    elif aggregation is Aggregation.LIST:
        total.texts = acc.texts
    return total


def totals_as_data(totals: Mapping[str, FieldTotal]) -> dict[str, Any]:
    return {
        key: {"value": t.value, "share": t.share, "texts": [list(pair) for pair in t.texts]}
        if t.aggregation == Aggregation.LIST.value
        else {"value": t.value, "share": t.share}
        for key, t in totals.items()
    }
