"""Importing a union tree from CSV: all rows or none, bad rows reported by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.application import OfficeApplication
from documents.unit_import import ImportRejectedError
from tests.documents.builders import office

HEADER = "code,name,short_name,abbreviation,level,parent_code,place\n"
GOOD = HEADER + (
    "tld,Tổng Liên đoàn Lao động Việt Nam,Tổng LĐLĐ Việt Nam,TLĐ,national,,Hà Nội\n"
    # a child may come before its parent in the file
    "yd,Liên đoàn Lao động huyện Yên Định,LĐLĐ huyện Yên Định,LĐLĐ,upper_grassroots,th,Yên Định\n"
    "th,Liên đoàn Lao động tỉnh Thanh Hóa,LĐLĐ tỉnh Thanh Hóa,LĐLĐ,provincial,tld,Thanh Hóa\n"
    "ql,Công đoàn cơ sở Trường Tiểu học Quán Lào,CĐCS TH Quán Lào,CĐCS,grassroots,yd,Yên Định\n"
)


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


def test_a_good_file_is_imported_whole(app: OfficeApplication) -> None:
    assert app.import_units("\ufeff" + GOOD) == 4
    tree = app.tree()
    by_code = {unit.code: unit for unit in tree.all()}
    assert tree.issuer_header(by_code["yd"].id) == (
        "LĐLĐ TỈNH THANH HÓA",
        "LIÊN ĐOÀN LAO ĐỘNG HUYỆN YÊN ĐỊNH",
    )
    assert tree.ancestors(by_code["ql"].id) == [
        by_code["yd"].id,
        by_code["th"].id,
        by_code["tld"].id,
    ]
    # a second file may hang new units under stored ones
    more = (
        HEADER
        + "bv,Công đoàn cơ sở Bệnh viện Yên Định,CĐCS BV Yên Định,CĐCS,grassroots,yd,Yên Định\n"
    )
    assert app.import_units(more) == 1
    assert len(app.tree()) == 5


def test_bad_rows_are_reported_by_line_and_nothing_is_stored(app: OfficeApplication) -> None:
    bad = GOOD + (
        "th,Trùng mã,Trùng,X,provincial,tld,Huế\n"  # line 6: repeats line 4
        "Mã Sai,Tên,Tên,X,grassroots,yd,Huế\n"  # line 7: bad code
        "x1,Tên,Tên,X,cap_xa,yd,Huế\n"  # line 8: bad level
        "x2,Tên,Tên,X,grassroots,khong-co,Huế\n"  # line 9: unknown parent
        "x3,Tên,Tên,X,provincial,ql,Huế\n"  # line 10: parent at a lower level
        "x4,,Tên,X,grassroots,yd,Huế\n"  # line 11: empty name
        "x5,Tên,Tên,X,grassroots,,Huế\n"  # line 12: no parent
    )
    before = app.recorder.max_notification_id()
    with pytest.raises(ImportRejectedError) as refused:
        app.import_units(bad)
    assert [error.line for error in refused.value.errors] == [6, 7, 8, 9, 10, 11, 12]
    assert "dòng 6" in refused.value.message_vi and "line 6" in refused.value.message_en
    assert "trùng với dòng 4" in str(refused.value.errors[0])
    assert app.recorder.max_notification_id() == before
    assert len(app.tree()) == 0


def test_missing_columns_and_existing_codes_are_refused(app: OfficeApplication) -> None:
    with pytest.raises(ImportRejectedError, match="thiếu cột: place"):
        app.import_units("code,name,short_name,abbreviation,level,parent_code\n")
    app.import_units(GOOD)
    with pytest.raises(ImportRejectedError, match="đã có trong hệ thống"):
        app.import_units(GOOD)
    assert len(app.tree()) == 4
