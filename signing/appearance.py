"""Images of signatures and seals (hình ảnh chữ ký, con dấu), drawn deterministically with
Pillow for development and demonstrations: the same name always gives the same image."""

from __future__ import annotations

import functools
import hashlib
import io
import math
import random
import unicodedata

from PIL import Image, ImageDraw, ImageFont

from signing.fonts import seal_font_path

__all__ = ["captioned_seal", "seal_image", "seal_with_caption", "signature_image"]

SIGNATURE_SIZE = (600, 240)
SIGNATURE_INK = (22, 52, 168, 255)
SEAL_SIZE = 600
SEAL_INK = (206, 22, 34, 255)
_SUPERSAMPLE = 2
# Ring geometry of the seal, as fractions of its size (the caption shares the name's band).
_OUTER, _OUTER_WIDTH = 0.483, 0.024
_INNER, _INNER_WIDTH = 0.335, 0.009
_NAME_SPAN = math.radians(250)  # the name runs over the top, the caption over the bottom
_CAPTION_SPAN = math.radians(96)


def signature_image(full_name: str) -> bytes:
    """A blue, handwritten-looking squiggle on a transparent background (PNG, 600×240)."""
    rng = _seeded(full_name)
    width, height = (side * _SUPERSAMPLE for side in SIGNATURE_SIZE)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    loops = rng.randint(3, 5)
    amplitudes = [rng.uniform(1.3, 1.6)] + [rng.uniform(0.45, 1.0) for _ in range(loops)]
    lean = rng.uniform(0.1, 0.4)
    points: list[tuple[float, float]] = []
    steps = 120 * loops
    # A prolate cycloid (forward motion with loops, like a quick cursive hand) whose loop
    # heights drift smoothly from one loop to the next.
    for i in range(steps + 1):
        t = i / steps * loops * 2 * math.pi
        k = t / (2 * math.pi)
        low = min(int(k), loops - 1)
        blend = (1 - math.cos((k - low) * math.pi)) / 2
        amplitude = amplitudes[low] * (1 - blend) + amplitudes[low + 1] * blend
        radius = height * 0.13 * amplitude
        rise = height * 0.34 * amplitude
        x = width * (0.08 + 0.55 * k / loops) + radius * math.sin(t)
        y = height * 0.62 - (rise * (1 - math.cos(t)) / 2) + radius * lean * math.sin(t)
        points.append((x, y))
    # The flourish: down from the last loop, back under the name and out to the right.
    end_x, end_y = points[-1]
    controls = [
        (end_x, end_y),
        (end_x + width * 0.06, height * 0.98),
        (width * rng.uniform(0.02, 0.12), height * 0.92),
        (width * 0.96, height * rng.uniform(0.50, 0.66)),
    ]
    points.extend(_bezier(controls, 160)[1:])
    _stroke(ImageDraw.Draw(image), points, max_width=10.0 * _SUPERSAMPLE, ink=SIGNATURE_INK)
    return _png(image.resize(SIGNATURE_SIZE, Image.Resampling.LANCZOS))


def _bezier(controls: list[tuple[float, float]], steps: int) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = controls
    result = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        result.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return result


def seal_image(unit_name: str) -> bytes:
    """A red round seal on a transparent background (PNG, 600×600): the unit name in capitals
    around the ring, a star in the middle, and the lower arc left free for a caption."""
    size = SEAL_SIZE * _SUPERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    for radius, width in ((_OUTER, _OUTER_WIDTH), (_INNER, _INNER_WIDTH)):
        r, w = radius * size, width * size
        draw.ellipse(
            (centre - r, centre - r, centre + r, centre + r), outline=SEAL_INK, width=round(w)
        )
    draw.polygon(_star(centre, centre, size * 0.15, size * 0.06), fill=SEAL_INK)
    name = unicodedata.normalize("NFC", unit_name).upper()
    _arc_text(image, name, outward=True, max_span=_NAME_SPAN, max_size=0.085, min_size=0.04)
    return _png(image.resize((SEAL_SIZE, SEAL_SIZE), Image.Resampling.LANCZOS))


def seal_with_caption(seal_png: bytes, caption: str) -> bytes:
    """The seal with a caption (the signing time) along the lower arc of its ring (PNG)."""
    return _png(captioned_seal(seal_png, caption))


def captioned_seal(seal_png: bytes, caption: str) -> Image.Image:
    """:func:`seal_with_caption` as a Pillow image."""
    seal = Image.open(io.BytesIO(seal_png)).convert("RGBA")
    layer = Image.new("RGBA", seal.size, (0, 0, 0, 0))
    _arc_text(layer, caption, outward=False, max_span=_CAPTION_SPAN, max_size=0.05, min_size=0.02)
    return Image.alpha_composite(seal, layer)


def _seeded(text: str) -> random.Random:
    digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _stroke(
    draw: ImageDraw.ImageDraw,
    points: list[tuple[float, float]],
    max_width: float,
    ink: tuple[int, int, int, int],
) -> None:
    """Draw a pen stroke that swells in the middle and thins out at both ends."""
    count = len(points)
    for i in range(1, count):
        (xa, ya), (xb, yb) = points[i - 1], points[i]
        taper = min(1.0, i / (count * 0.04), (count - i) / (count * 0.12))
        width = max(1.5, max_width * (0.35 + 0.65 * taper))
        draw.line((xa, ya, xb, yb), fill=ink, width=round(width))
        r = width / 2
        draw.ellipse((xb - r, yb - r, xb + r, yb + r), fill=ink)


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


@functools.cache
def _font(pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(seal_font_path()), pixels)


def _arc_text(
    image: Image.Image,
    text: str,
    *,
    outward: bool,
    max_span: float,
    max_size: float,
    min_size: float,
) -> None:
    """Write ``text`` along the seal's ring: over the top with the letters' tops outward, or
    along the bottom, left to right, with their tops toward the centre."""
    size = image.width
    centre = size / 2
    band_inner = (_INNER + _INNER_WIDTH) * size
    band_outer = (_OUTER - _OUTER_WIDTH / 2) * size
    pixels = round(max_size * size)
    while True:
        font = _font(pixels)
        ascent, descent = font.getmetrics()
        margin = (band_outer - band_inner - ascent * 0.95) / 2
        baseline = band_inner + margin + descent * 0.3 if outward else band_outer - margin
        spacing = pixels * 0.08
        advances = [font.getlength(char) + spacing for char in text]
        span = sum(advances) / baseline
        if span <= max_span or pixels <= min_size * size:
            break
        pixels -= 1
    angle = (-math.pi / 2 - span / 2) if outward else (math.pi / 2 + span / 2)
    tile_side = pixels * 3
    for char, advance in zip(text, advances, strict=True):
        step = advance / baseline
        middle = angle + step / 2 if outward else angle - step / 2
        angle = angle + step if outward else angle - step
        if char.isspace():
            continue
        tile = Image.new("RGBA", (tile_side, tile_side), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text(
            (tile_side / 2, tile_side / 2), char, font=font, fill=SEAL_INK, anchor="ms"
        )
        turn = -math.degrees(middle) - 90 if outward else 90 - math.degrees(middle)
        tile = tile.rotate(turn, resample=Image.Resampling.BICUBIC)
        x = centre + baseline * math.cos(middle) - tile_side / 2
        y = centre + baseline * math.sin(middle) - tile_side / 2
        image.alpha_composite(tile, (round(x), round(y)))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
