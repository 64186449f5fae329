"""The signature block (phần ký): the signer's authority and title, the space for the signature
image, the full name, and where the unit's seal goes over the image's left third (Nghị định
30/2020, Phụ lục I)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from signing.fonts import FontStyle
from signing.form import Rect
from signing.typesetting import draw_centred_lines, nfc

__all__ = ["BlockGeometry", "SignerBlock", "block_geometry", "draw_signer_block"]

TEXT_SIZE = 13.0
LEADING = 16.0
IMAGE_WIDTH, IMAGE_HEIGHT = 150.0, 60.0
GAP = 82.0  # from the last title line down to the name
SEAL_DIAMETER = 102.0  # 36 mm, the real size of a unit's seal
RESERVED_TITLE_LINES = 3  # when the title is drawn at signing time, not printed beforehand
_NAME_BASELINE = 4.0


@dataclass(frozen=True)
class SignerBlock:
    """The lines printed around the leader's signature on an uploaded PDF."""

    title_lines: list[str]
    """Authority and title, e.g. ``["TM. BAN CHẤP HÀNH", "CHỦ TỊCH"]`` or
    ``["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]``."""

    full_name: str


@dataclass(frozen=True)
class BlockGeometry:
    """Positions in one coordinate system (a page, or a signature field's own box)."""

    block_rect: Rect
    """Everything, from the top of the first title line down to below the name."""
    image_rect: Rect
    """Where the signature image is drawn, between the title and the name."""
    seal_rect: Rect
    """The seal: real size, vertically centred on the image, covering its left third."""
    title_baselines: list[float]
    """Baselines of the title lines, top first; the last one sits right above the image."""
    name_baseline: float
    centre_x: float


def block_geometry(centre_x: float, bottom: float, title_lines: int) -> BlockGeometry:
    """The block's layout for ``title_lines`` lines of title, built up from ``bottom``."""
    name_baseline = bottom + _NAME_BASELINE
    last_title = name_baseline + GAP
    title_baselines = [last_title + LEADING * (title_lines - 1 - i) for i in range(title_lines)]
    top = last_title + LEADING * (title_lines - 1) + TEXT_SIZE
    gap_middle = (name_baseline + TEXT_SIZE + last_title - 3) / 2
    image_left = centre_x - IMAGE_WIDTH / 2
    image_rect = (
        image_left,
        gap_middle - IMAGE_HEIGHT / 2,
        image_left + IMAGE_WIDTH,
        gap_middle + IMAGE_HEIGHT / 2,
    )
    seal_right = image_left + IMAGE_WIDTH / 3
    seal_rect = (
        seal_right - SEAL_DIAMETER,
        gap_middle - SEAL_DIAMETER / 2,
        seal_right,
        gap_middle + SEAL_DIAMETER / 2,
    )
    half_width = max(IMAGE_WIDTH, 220.0) / 2
    block_rect = (centre_x - half_width, bottom, centre_x + half_width, top)
    return BlockGeometry(
        block_rect=block_rect,
        image_rect=image_rect,
        seal_rect=seal_rect,
        title_baselines=title_baselines,
        name_baseline=name_baseline,
        centre_x=centre_x,
    )


def block_height(title_lines: int) -> float:
    rect = block_geometry(0.0, 0.0, title_lines).block_rect
    return rect[3] - rect[1]


def draw_signer_block(canvas: Canvas, geometry: BlockGeometry, block: SignerBlock) -> None:
    """Print the title lines and the full name (bold, centred) with reportlab."""
    lines = [nfc(line).upper() for line in block.title_lines]
    baselines = geometry.title_baselines[len(geometry.title_baselines) - len(lines) :]
    if lines:
        draw_centred_lines(
            canvas, lines, geometry.centre_x, baselines[0], FontStyle.BOLD, TEXT_SIZE, LEADING
        )
    draw_centred_lines(
        canvas,
        [nfc(block.full_name)],
        geometry.centre_x,
        geometry.name_baseline,
        FontStyle.BOLD,
        TEXT_SIZE,
        LEADING,
    )
