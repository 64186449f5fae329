"""Fonts for documents and stamps: a Times-like serif with Vietnamese glyphs, and its pyHanko
font engines (fonts rescaled to 1000 units per em, which pyHanko positions correctly)."""

from __future__ import annotations

import enum
import functools
import io
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.writer import BasePdfFileWriter

__all__ = [
    "FontNotFoundError",
    "FontStyle",
    "MemoryFontFactory",
    "covers_vietnamese",
    "font_path",
    "pdf_font_bytes",
    "seal_font_path",
]

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"))
# First a Times-like serif (Debian fonts-liberation2; fonts-liberation 1.x has no Vietnamese),
# then DejaVu Serif (fonts-dejavu-core).
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "regular": ("liberation2/LiberationSerif-Regular.ttf", "dejavu/DejaVuSerif.ttf"),
    "bold": ("liberation2/LiberationSerif-Bold.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    "italic": ("liberation2/LiberationSerif-Italic.ttf", "dejavu/DejaVuSerif-Italic.ttf"),
    "bold_italic": (
        "liberation2/LiberationSerif-BoldItalic.ttf",
        "dejavu/DejaVuSerif-BoldItalic.ttf",
    ),
    "seal": ("dejavu/DejaVuSans-Bold.ttf", "liberation2/LiberationSans-Bold.ttf"),
}
_STAMP_UNICODES = [
    code
    for start, end in (
        (0x20, 0x24F),  # Latin, Latin-1, Latin Extended-A and -B (Ơ, Ư)
        (0x300, 0x36F),  # combining diacritics
        (0x1E00, 0x1EFF),  # Latin Extended Additional (ạ … ỹ)
        (0x2000, 0x206F),  # general punctuation
        (0x20A0, 0x20CF),  # currency (₫)
        (0x2100, 0x214F),  # letterlike symbols (№)
    )
    for code in range(start, end + 1)
]
_PROBE = "ĐđƠơƯưẠệỗữỳ"  # a font without these cannot write Vietnamese


class FontStyle(enum.Enum):
    """The serif styles used on documents."""

    REGULAR = "regular"
    BOLD = "bold"
    ITALIC = "italic"
    BOLD_ITALIC = "bold_italic"


class FontNotFoundError(RuntimeError):
    """No installed font can render Vietnamese text for a role."""


def font_path(style: FontStyle) -> Path:
    """The TrueType file for a serif style."""
    return _find(style.value)


def seal_font_path() -> Path:
    """A bold sans-serif for the seal's ring text."""
    return _find("seal")


@functools.cache
def _find(role: str) -> Path:
    for relative in _CANDIDATES[role]:
        for base in FONT_DIRS:
            path = base / relative
            if path.is_file() and covers_vietnamese(path):
                return path
    raise FontNotFoundError(
        f"no font with Vietnamese glyphs for {role!r}: install fonts-liberation2 or "
        "fonts-dejavu-core"
    )


def covers_vietnamese(path: Path) -> bool:
    """Whether a font has the letters Vietnamese needs (Đ, Ơ, Ư and the stacked marks)."""
    cmap = TTFont(path, lazy=True).getBestCmap()
    return all(ord(char) in cmap for char in _PROBE)


@functools.cache
def pdf_font_bytes(path: Path) -> bytes:
    """The font cut down to the scripts stamps and fields need (Latin with Vietnamese,
    punctuation, currency) and rescaled to 1000 units per em (pyHanko misplaces glyphs of
    2048-upem fonts). Done once per process; the cut makes the rescaling ~5× faster."""
    font = TTFont(path)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_STAMP_UNICODES)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class MemoryFontFactory(FontEngineFactory):
    """A pyHanko font engine factory reading a font from memory. Create one engine per font and
    writer, and share it among every text drawn in that writer."""

    def __init__(self, path: Path, font_size: float = 10) -> None:
        self.path = path
        self.font_size = font_size

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: object = None
    ) -> GlyphAccumulator:
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(pdf_font_bytes(self.path)),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )
