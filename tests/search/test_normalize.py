"""The one normaliser: NFC + casefold, folding that also turns đ into d."""

from __future__ import annotations

import unicodedata

import pytest

from search.normalize import fold, has_diacritics, normalize
from search.terms import pairs, terms


def test_normalize_composes_and_casefolds_but_keeps_diacritics() -> None:
    decomposed = unicodedata.normalize("NFD", "Công Đoàn Việt Nam")
    assert normalize(decomposed) == "công đoàn việt nam"
    assert unicodedata.is_normalized("NFC", normalize(decomposed))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Công đoàn", "cong doan"),
        ("ĐÀ NẴNG", "da nang"),
        ("Kế hoạch chuyển đổi số", "ke hoach chuyen doi so"),
        ("Người lao động ở Huế", "nguoi lao dong o hue"),
        ("12/KH-CĐ", "12/kh-cd"),
        ("ươ ƯỚ ỡ ậ", "uo uo o a"),
    ],
)
def test_fold_removes_every_vietnamese_diacritic(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded


def test_fold_keeps_marks_that_belong_to_other_scripts() -> None:
    assert fold("กิน") == "กิน"


def test_has_diacritics() -> None:
    assert has_diacritics("công")
    assert has_diacritics("Đà")
    assert has_diacritics("đ")
    assert not has_diacritics("Cong Doan 2025")
    assert not has_diacritics("")


def test_pairs_are_adjacent_words_joined_as_one_term() -> None:
    words = terms(fold("Công đoàn cơ sở, công đoàn"))
    assert pairs(words) == ["cong_doan", "doan_co", "co_so", "so_cong", "cong_doan"]
    assert pairs(["một"]) == [] and pairs([]) == []
    long = "a" * 200
    assert pairs([long, "b" * 60, "c"]) == ["b" * 60 + "_c"]  # 255 bytes or more: dropped
