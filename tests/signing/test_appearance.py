from __future__ import annotations

import io

from PIL import Image

from signing import seal_image, seal_with_caption, signature_image
from tests.signing.conftest import pixels


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGBA")


def _inked(image: Image.Image, alpha: int = 200) -> list[tuple[int, ...]]:
    return [p for p in pixels(image) if p[3] > alpha]


def test_signature_is_a_blue_squiggle_on_transparent_background() -> None:
    image = _image(signature_image("Nguyễn Phúc Linh"))

    assert image.size == (600, 240)
    assert pixels(image.crop((0, 0, 1, 1)))[0][3] == 0
    inked = _inked(image)
    assert len(inked) > 2000
    assert all(b > r and b > g for r, g, b, _ in inked)


def test_images_are_deterministic_and_differ_between_names() -> None:
    assert signature_image("Nguyễn Phúc Linh") == signature_image("Nguyễn Phúc Linh")
    assert signature_image("Nguyễn Phúc Linh") != signature_image("Trần Thị Mai")
    assert seal_image("Công đoàn cơ sở Phú Tân") == seal_image("Công đoàn cơ sở Phú Tân")


def test_seal_is_red_round_and_transparent_outside_the_ring() -> None:
    image = _image(seal_image("Liên đoàn Lao động tỉnh Bến Tre"))

    assert image.size == (600, 600)
    corners = pixels(image.crop((0, 0, 20, 20))) + pixels(image.crop((580, 580, 600, 600)))
    assert all(p[3] == 0 for p in corners)
    assert len(_inked(image.crop((290, 290, 310, 310)))) == 400  # the star's middle
    assert all(r > g + 80 and r > b + 80 for r, g, b, _ in _inked(image))


def test_caption_adds_ink_on_the_lower_arc_only() -> None:
    seal = seal_image("Liên đoàn Lao động tỉnh Bến Tre")
    plain, captioned = _image(seal), _image(seal_with_caption(seal, "2026-11-23T10:57:43+07:00"))

    def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
        return len(_inked(image.crop(box), alpha=128))

    lower, upper = (150, 470, 450, 580), (150, 20, 450, 130)
    assert ink(captioned, lower) > ink(plain, lower) + 500
    assert ink(captioned, upper) == ink(plain, upper)
