from __future__ import annotations

import datetime as dt

import pytest

from signing.wording import VIETNAM_TZ, iso_vietnam, short_vietnam


def test_times_are_told_in_vietnam_time() -> None:
    moment = dt.datetime(2026, 11, 23, 3, 57, 43, 120000, tzinfo=dt.UTC)

    assert iso_vietnam(moment) == "2026-11-23T10:57:43+07:00"
    assert short_vietnam(moment) == "10:57 ngày 23/11/2026"
    assert moment.astimezone(VIETNAM_TZ).hour == 10
    with pytest.raises(ValueError):
        iso_vietnam(dt.datetime(2026, 11, 23, 10, 57))
