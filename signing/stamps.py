"""What signatures and filled fields look like on the page: pyHanko stamp styles for the
personal signature and the unit's seal, and appearance streams for the number and date."""

from __future__ import annotations

import functools
import io
import threading
import weakref
from dataclasses import dataclass

from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import PdfResources, RawContent, ResourceType
from pyhanko.pdf_utils.font.api import FontEngine, ShapeResult
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage, pil_image
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PdfFileWriter
from pyhanko.stamp import BaseStamp, BaseStampStyle

from signing.fonts import FontStyle, MemoryFontFactory, font_path
from signing.form import BASELINE_RATIO, Rect
from signing.signature_block import (
    RESERVED_TITLE_LINES,
    TEXT_SIZE,
    block_geometry,
)

__all__ = [
    "ImageStampStyle",
    "SignerStampStyle",
    "open_png",
    "pdf_number",
    "shaped_line",
    "text_field_appearance",
]


@dataclass(frozen=True)
class ImageStampStyle(BaseStampStyle):
    """A stamp that is just an image, as large as fits the field, centred, without border."""

    image: Image.Image | None = None
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> BaseStamp:
        return _ImageStamp(writer=writer, style=self, box=box)


class _ImageStamp(BaseStamp):
    style: ImageStampStyle

    def _render_inner_content(self) -> list[bytes]:
        assert self.style.image is not None
        image = _CachedPdfImage(self.style.image, writer=self.writer)
        command = _fitted_image(image, (0.0, 0.0, self.box.width, self.box.height))
        self.import_resources(image.resources)
        return [command]


@dataclass(frozen=True)
class SignerStampStyle(BaseStampStyle):
    """The whole signature block drawn at signing time, for a page that does not print it:
    title lines (bold, centred), the signature image, the full name (bold)."""

    title_lines: tuple[str, ...] = ()
    full_name: str = ""
    signature: Image.Image | None = None
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> BaseStamp:
        return _SignerStamp(writer=writer, style=self, box=box)


class _SignerStamp(BaseStamp):
    style: SignerStampStyle

    def _render_inner_content(self) -> list[bytes]:
        width, height = self.box.width, self.box.height
        natural = block_geometry(0.0, 0.0, RESERVED_TITLE_LINES).block_rect
        scale = min(1.0, height / (natural[3] - natural[1]))  # shrink a field made too small
        geometry = block_geometry(width / scale / 2, 0.0, RESERVED_TITLE_LINES)
        assert self.writer is not None
        engine = MemoryFontFactory(font_path(FontStyle.BOLD), TEXT_SIZE).create_font_engine(
            self.writer
        )
        self.set_resource(ResourceType.FONT, pdf_name("/FSig"), engine.as_resource())
        commands = [b"q %s 0 0 %s 0 0 cm" % (_num(scale), _num(scale))]
        assert self.style.signature is not None
        image = _CachedPdfImage(self.style.signature, writer=self.writer)
        commands.append(_fitted_image(image, geometry.image_rect))
        self.import_resources(image.resources)
        lines = list(self.style.title_lines)[-RESERVED_TITLE_LINES:]
        baselines = geometry.title_baselines[RESERVED_TITLE_LINES - len(lines) :]
        for text, baseline in [*zip(lines, baselines, strict=True)] + [
            (self.style.full_name, geometry.name_baseline)
        ]:
            commands.append(
                _line(
                    engine, "/FSig", engine.shape(text), TEXT_SIZE, geometry.centre_x, baseline, 1
                )
            )
        commands.append(b"Q")
        return commands


def text_field_appearance(
    writer: BasePdfFileWriter,
    engine: FontEngine,
    font_resource: str,
    text: str,
    rect: Rect,
    font_size: float,
    align: int,
) -> generic.IndirectObject:
    """A text field's normal appearance (a form XObject) showing ``text`` on one line, shrunk
    if it would not fit."""
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    shaped = engine.shape(text)
    natural = shaped.x_advance * font_size
    size = font_size if natural <= width - 2 else font_size * (width - 2) / natural
    anchor = {0: 1.0, 1: width / 2, 2: width - 1.0}.get(align, width / 2)
    resources = PdfResources()
    resources[ResourceType.FONT][pdf_name(font_resource)] = engine.as_resource()
    line = _line(engine, font_resource, shaped, size, anchor, BASELINE_RATIO * font_size, align)
    data = b"/Tx BMC q 0 g " + line + b" Q EMC"
    content = RawContent(data, resources=resources, box=layout.BoxConstraints(width, height))
    return writer.add_object(content.as_form_xobject())


def _line(
    engine: FontEngine,
    resource: str,
    shaped: ShapeResult,
    size: float,
    anchor_x: float,
    baseline: float,
    align: int,
) -> bytes:
    """One shaped line at ``size``, left (0), centred (1) or right (2) on ``anchor_x``. The
    engine shapes at its own size; a different size is reached by scaling, which keeps the
    engine's glyph positioning exact."""
    scale = size / engine.font_size
    width = shaped.x_advance * size
    left = anchor_x - {0: 0.0, 1: width / 2, 2: width}.get(align, width / 2)
    return b"q %s 0 0 %s %s %s cm BT %s %s Tf 0 0 Td %s ET Q" % (
        _num(scale),
        _num(scale),
        _num(left),
        _num(baseline),
        resource.encode("ascii"),
        _num(engine.font_size),
        shaped.graphics_ops,
    )


def _fitted_image(image: PdfImage, rect: Rect) -> bytes:
    """Draw the image as large as fits ``rect``, centred, keeping its proportions."""
    left, bottom, right, top = rect
    pixels_w, pixels_h = image.image.size
    scale = min((right - left) / pixels_w, (top - bottom) / pixels_h)
    width, height = pixels_w * scale, pixels_h * scale
    image.box = layout.BoxConstraints(width, height)
    x = left + (right - left - width) / 2
    y = bottom + (top - bottom - height) / 2
    return b"q 1 0 0 1 %s %s cm %s Q" % (_num(x), _num(y), image.render())


def _num(value: float) -> bytes:
    """A number for a content stream: fixed-point, never exponent notation."""
    return (f"{value:.4f}".rstrip("0").rstrip(".") or "0").encode("ascii")


shaped_line = _line
"""One shaped line of text, left (0), centred (1) or right (2) on an anchor: content stream."""
pdf_number = _num
"""A number for a content stream."""


def open_png(png: bytes) -> Image.Image:
    """Decode an image given as bytes (PNG with transparency, usually); the same bytes give the
    same (cached) image, whose PDF encoding is then made once (``_CachedPdfImage``). Treat the
    result as read-only."""
    return _decoded_png(png)


@functools.lru_cache(maxsize=64)
def _decoded_png(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


class _CachedPdfImage(PdfImage):
    """pyHanko's ``PdfImage`` whose image XObject (raw pixels, zlib-compressed, and its alpha
    mask) is encoded once per image and copied, already compressed, into each writer."""

    @property
    def image_ref(self) -> generic.IndirectObject:
        assert self.writer is not None
        ref = self._image_ref
        if ref is None or ref.get_pdf_handler() is not self.writer:
            self._image_ref = ref = _add_encoded(self.writer, _encoded(self.image))
        return ref


@dataclass(frozen=True)
class _EncodedImage:
    image: generic.StreamObject
    smask: generic.StreamObject | None


_ENCODED: dict[int, tuple[weakref.ref[Image.Image], _EncodedImage]] = {}
"""By ``id`` of the image (PIL images are not hashable), while the image lives."""
_ENCODED_LOCK = threading.Lock()


def _encoded(image: Image.Image) -> _EncodedImage:
    key = id(image)
    with _ENCODED_LOCK:
        entry = _ENCODED.get(key)
    if entry is not None and entry[0]() is image:
        return entry[1]
    scratch = PdfFileWriter()
    stream = pil_image(image, scratch).get_object()
    smask = stream.get("/SMask")
    found = _EncodedImage(stream, smask.get_object() if smask is not None else None)

    def forget(_: object) -> None:
        with _ENCODED_LOCK:
            _ENCODED.pop(key, None)

    with _ENCODED_LOCK:
        _ENCODED[key] = (weakref.ref(image, forget), found)
    return found


def _add_encoded(writer: BasePdfFileWriter, encoded: _EncodedImage) -> generic.IndirectObject:
    def copy(stream: generic.StreamObject) -> generic.StreamObject:
        entries = {k: v for k, v in stream.items() if k not in ("/SMask", "/Length")}
        return generic.StreamObject(entries, encoded_data=stream.encoded_data)

    image = copy(encoded.image)
    if encoded.smask is not None:
        image[pdf_name("/SMask")] = writer.add_object(copy(encoded.smask))
    return writer.add_object(image)
