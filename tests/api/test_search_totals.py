"""How a total reads on the search page: Vietnamese and English digit grouping, and "more than"
for a total past the limit of exact counting."""

from __future__ import annotations

from api.search_results import total_text


def test_counts_are_grouped_as_each_language_writes_them() -> None:
    assert total_text(7) == ("7", "7")
    assert total_text(1234) == ("1.234", "1,234")


def test_a_lower_bound_reads_more_than() -> None:
    assert total_text(10_000, lower_bound=True) == ("hơn 10.000", "more than 10,000")
