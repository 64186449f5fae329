"""The issued page as a reader sees it: rendered with poppler's pdftoppm, the seal's red and
the signature's blue are where Nghị định 30 puts them. The PNG is kept for a look by eye
(``pytest --basetemp=DIR`` keeps it under DIR)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from tests.signing.conftest import pixels, widget_rects

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm missing: apt-get install poppler-utils"
)

DPI = 60


def _render(pdf: bytes, directory: Path, name: str) -> Image.Image:
    path = directory / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(path), str(directory / name)],
        check=True,
        timeout=60,
    )
    return Image.open(directory / f"{name}.png").convert("RGB")


def _box(rect: list[float], page_height: float) -> tuple[int, int, int, int]:
    scale = DPI / 72
    left, bottom, right, top = rect
    return (
        round(left * scale),
        round((page_height - top) * scale),
        round(right * scale),
        round((page_height - bottom) * scale),
    )


def _count(image: Image.Image, test: Callable[[tuple[int, ...]], bool]) -> int:
    return sum(1 for pixel in pixels(image) if test(pixel))


def _red(p: tuple[int, ...]) -> bool:
    return p[0] > 150 and p[1] < 110 and p[2] < 110


def _blue(p: tuple[int, ...]) -> bool:
    return p[2] > 120 and p[0] < 110


def test_seal_overlaps_the_left_third_of_the_signature(issued_pdf: bytes, artifacts: Path) -> None:
    page = _render(issued_pdf, artifacts, "issued-plan")
    height = float(pypdf.PdfReader(io.BytesIO(issued_pdf)).pages[-1].mediabox.top)
    rects = widget_rects(issued_pdf)
    leader = _box(rects["leader_signature"], height)
    seal = _box(rects["unit_seal"], height)
    third = leader[0] + (leader[2] - leader[0]) // 3

    assert _count(page.crop(seal), _red) > 300
    assert _count(page.crop((third, leader[1], leader[2], leader[3])), _blue) > 40
    assert _count(page.crop((leader[0], leader[1], third, leader[3])), _red) > 20
    assert _count(page.crop((0, 0, page.width, seal[1])), _red) == 0
