"""The incoming stamp's look (hình dấu "ĐẾN"): a red-framed box like the rubber stamp of
Nghị định 30 (Phụ lục IV) — the receiving unit's name on top, a large "ĐẾN" on the left, and the
arrival number, date and time (+07:00) on the right — drawn as a pyHanko stamp style."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import BaseStamp, BaseStampStyle

from signing.fonts import FontStyle, MemoryFontFactory, font_path
from signing.stamps import pdf_number, shaped_line

__all__ = ["ARRIVAL_STAMP_SIZE", "ArrivalStampStyle", "arrival_lines"]

ARRIVAL_STAMP_SIZE = (170.0, 44.0)
"""Width and height of the incoming stamp, in points (60 × 15.5 mm)."""
STAMP_INK = b"0.808 0.086 0.133"  # the seal's red (206, 22, 34)
_ENGINE_SIZE = 10.0
_NAME_SIZE, _MARK_SIZE, _LINE_SIZE = 6.5, 13.0, 7.5
_MARK_WIDTH = 44.0  # the "ĐẾN" cell on the left


def arrival_lines(arrival_number: int, received_at: dt.datetime) -> tuple[str, str, str]:
    """The three lines beside "ĐẾN": number, date, time with the Vietnam offset."""
    return (
        f"Số đến: {arrival_number:02d}",
        f"Ngày: {received_at:%d/%m/%Y}",
        f"Giờ: {received_at:%H:%M:%S} (+07:00)",
    )


@dataclass(frozen=True)
class ArrivalStampStyle(BaseStampStyle):
    """The incoming stamp: red frame, unit name, "ĐẾN", number, date and time."""

    unit_name: str = ""
    arrival_number: int = 0
    received_at: dt.datetime | None = None
    """Already in Vietnam time."""
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> BaseStamp:
        return _ArrivalStamp(writer=writer, style=self, box=box)


class _ArrivalStamp(BaseStamp):
    style: ArrivalStampStyle

    def _engine(self, style: FontStyle, resource: str) -> GlyphAccumulator:
        assert self.writer is not None
        engine = MemoryFontFactory(font_path(style), _ENGINE_SIZE).create_font_engine(self.writer)
        self.set_resource(ResourceType.FONT, pdf_name(resource), engine.as_resource())
        return engine

    def _render_inner_content(self) -> list[bytes]:
        assert self.style.received_at is not None
        width, height = self.box.width, self.box.height
        bold = self._engine(FontStyle.BOLD, "/FStB")
        regular = self._engine(FontStyle.REGULAR, "/FStR")
        n = pdf_number
        rule = height - 12.0
        commands = [
            b"q %s RG %s rg" % (STAMP_INK, STAMP_INK),
            b"1.2 w %s %s %s %s re S" % (n(0.8), n(0.8), n(width - 1.6), n(height - 1.6)),
            b"0.5 w 0.8 %s m %s %s l S" % (n(rule), n(width - 0.8), n(rule)),
            b"%s 0.8 m %s %s l S" % (n(_MARK_WIDTH), n(_MARK_WIDTH), n(rule)),
        ]
        name = bold.shape(self.style.unit_name.upper())
        name_size = min(_NAME_SIZE, (width - 8) / max(name.x_advance, 0.001))
        commands.append(shaped_line(bold, "/FStB", name, name_size, width / 2, rule + 3.5, 1))
        mark = bold.shape("ĐẾN")
        mark_size = min(_MARK_SIZE, (_MARK_WIDTH - 8) / mark.x_advance)
        commands.append(
            shaped_line(bold, "/FStB", mark, mark_size, _MARK_WIDTH / 2, rule / 2 - 4.5, 1)
        )
        leading = rule / 3
        for index, text in enumerate(
            arrival_lines(self.style.arrival_number, self.style.received_at)
        ):
            shaped = regular.shape(text)
            size = min(_LINE_SIZE, (width - _MARK_WIDTH - 8) / shaped.x_advance)
            baseline = rule - leading * (index + 1) + 2.5
            commands.append(
                shaped_line(regular, "/FStR", shaped, size, _MARK_WIDTH + 5, baseline, 0)
            )
        commands.append(b"Q")
        return commands
