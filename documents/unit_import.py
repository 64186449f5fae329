"""Import of a whole union tree from CSV: every row checked, bad rows reported by line, and
nothing stored unless every row is good (one ``save()`` for the whole file).

Format (UTF-8, header required, column order free):
``code,name,short_name,abbreviation,level,parent_code,place``
``level`` is one of national, provincial, upper_grassroots, grassroots; ``parent_code`` is
empty only for the national unit and names a unit of the file or one already stored, at a
higher level.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from documents.errors import InvalidInputError
from documents.units import Unit, UnitLevel, unit_id_for

COLUMNS = ("code", "name", "short_name", "abbreviation", "level", "parent_code", "place")
LEVEL_RANK = {level.value: rank for rank, level in enumerate(UnitLevel)}
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    short_name: str
    abbreviation: str
    level: str
    parent_code: str | None
    place: str


@dataclass(frozen=True)
class RowError:
    line: int
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return f"dòng {self.line}: {self.message_vi} / line {self.line}: {self.message_en}"


class ImportRejectedError(InvalidInputError):
    """The file was refused; ``errors`` lists every bad row. Nothing was stored."""

    code = "import_rejected"

    def __init__(self, errors: list[RowError]) -> None:
        shown = "; ".join(str(error) for error in errors[:20])
        more = f" (+{len(errors) - 20})" if len(errors) > 20 else ""
        super().__init__(
            f"Tệp có {len(errors)} dòng lỗi, không đơn vị nào được nhập: {shown}{more}",
            f"The file has {len(errors)} bad rows; no unit was imported: {shown}{more}",
        )
        self.errors = errors


def parse_rows(text: str) -> tuple[list[UnitRow], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        return [], [
            RowError(
                1,
                f"thiếu cột: {', '.join(missing)} (cần: {', '.join(COLUMNS)})",
                f"missing columns: {', '.join(missing)} (expected: {', '.join(COLUMNS)})",
            )
        ]
    rows: list[UnitRow] = []
    errors: list[RowError] = []
    for record in reader:
        line = reader.line_num
        values = {column: (record.get(column) or "").strip() for column in COLUMNS}
        empty = [c for c in COLUMNS if c != "parent_code" and not values[c]]
        if empty:
            errors.append(
                RowError(line, f"thiếu giá trị: {', '.join(empty)}", f"empty: {', '.join(empty)}")
            )
            continue
        rows.append(
            UnitRow(
                line=line,
                code=values["code"],
                name=values["name"],
                short_name=values["short_name"],
                abbreviation=values["abbreviation"],
                level=values["level"],
                parent_code=values["parent_code"] or None,
                place=values["place"],
            )
        )
    return rows, errors


def check_rows(rows: list[UnitRow], existing_levels: dict[str, str]) -> list[RowError]:
    """Checks codes, levels and parents against the file and the units already stored."""
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    levels = dict(existing_levels)
    for row in rows:
        if not CODE_PATTERN.fullmatch(row.code):
            errors.append(
                RowError(
                    row.line,
                    f"mã «{row.code}» không hợp lệ (chữ thường, số, '.', '_', '-')",
                    f"invalid code '{row.code}' (lowercase letters, digits, '.', '_', '-')",
                )
            )
        if row.level not in LEVEL_RANK:
            errors.append(
                RowError(
                    row.line, f"cấp «{row.level}» không hợp lệ", f"invalid level '{row.level}'"
                )
            )
        if row.code in existing_levels:
            errors.append(
                RowError(
                    row.line,
                    f"mã «{row.code}» đã có trong hệ thống",
                    f"code '{row.code}' already exists",
                )
            )
        elif row.code in first_line:
            errors.append(
                RowError(
                    row.line,
                    f"mã «{row.code}» trùng với dòng {first_line[row.code]}",
                    f"code '{row.code}' repeats line {first_line[row.code]}",
                )
            )
        else:
            first_line[row.code] = row.line
            levels[row.code] = row.level
    for row in rows:
        errors.extend(_parent_errors(row, levels))
    return sorted(errors, key=lambda error: error.line)


def _parent_errors(row: UnitRow, levels: dict[str, str]) -> Iterable[RowError]:
    if row.parent_code is None:
        if row.level != UnitLevel.NATIONAL:
            yield RowError(row.line, "thiếu đơn vị cấp trên", "parent_code is required")
        return
    parent_level = levels.get(row.parent_code)
    if parent_level is None:
        yield RowError(
            row.line,
            f"không có đơn vị cấp trên «{row.parent_code}»",
            f"no parent unit '{row.parent_code}'",
        )
    elif row.level in LEVEL_RANK and LEVEL_RANK.get(parent_level, 99) >= LEVEL_RANK[row.level]:
        yield RowError(
            row.line,
            f"đơn vị cấp trên «{row.parent_code}» ({parent_level}) không ở cấp cao hơn",
            f"parent '{row.parent_code}' ({parent_level}) is not at a higher level",
        )


def units_from_csv(text: str, existing_levels: dict[str, str]) -> list[Unit]:
    """The units of a CSV file, or ``ImportRejectedError`` listing every bad row."""
    rows, errors = parse_rows(text)
    errors += check_rows(rows, existing_levels)
    if errors:
        raise ImportRejectedError(sorted(errors, key=lambda error: error.line))
    return [
        Unit(
            code=row.code,
            name=row.name,
            short_name=row.short_name,
            abbreviation=row.abbreviation,
            level=row.level,
            parent_id=unit_id_for(row.parent_code) if row.parent_code else None,
            place=row.place,
        )
        for row in rows
    ]
