"""A deterministic union tree of the real system's shape (shared/samples.md): 1 national,
34 provincial federations + 20 central sector unions, ~20 upper-grassroots units under each,
~116 grassroots unions under each of those — about 126,000 units."""

from __future__ import annotations

import csv
import io
import random

PROVINCES = 34
SECTORS = 20
UPPER_PER_LEVEL2 = 20
GRASSROOTS_PER_UPPER = 116
COLUMNS = ("code", "name", "short_name", "abbreviation", "level", "parent_code", "place")
_PLACES = [
    "Hà Nội",
    "Huế",
    "Đà Nẵng",
    "Cần Thơ",
    "Hải Phòng",
    "Thanh Hóa",
    "Nghệ An",
    "Bến Tre",
    "Lâm Đồng",
    "Đắk Lắk",
    "Quảng Ninh",
    "Tây Ninh",
    "Gia Lai",
    "Khánh Hòa",
    "An Giang",
]
_WORKPLACES = [
    "Công ty TNHH May",
    "Công ty CP Thủy sản",
    "Trường Tiểu học",
    "Trường THCS",
    "Bệnh viện Đa khoa",
    "Công ty TNHH Điện tử",
    "Công ty CP Xây dựng",
    "Ủy ban nhân dân xã",
]


def union_tree_rows(seed: int = 2026) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = [
        dict(
            code="tld",
            name="Tổng Liên đoàn Lao động Việt Nam",
            short_name="Tổng LĐLĐ Việt Nam",
            abbreviation="TLĐ",
            level="national",
            parent_code="",
            place="Hà Nội",
        )
    ]
    level2 = [
        (f"p{i:02d}", f"Liên đoàn Lao động tỉnh {_PLACES[i % len(_PLACES)]} {i}", "LĐLĐ")
        for i in range(PROVINCES)
    ]
    level2 += [(f"s{i:02d}", f"Công đoàn ngành Trung ương số {i}", "CĐN") for i in range(SECTORS)]
    for code, name, abbreviation in level2:
        place = _PLACES[rng.randrange(len(_PLACES))]
        rows.append(
            dict(
                code=code,
                name=name,
                short_name=name.replace("Liên đoàn Lao động", "LĐLĐ"),
                abbreviation=abbreviation,
                level="provincial",
                parent_code="tld",
                place=place,
            )
        )
        for u in range(UPPER_PER_LEVEL2):
            upper = f"{code}-u{u:02d}"
            upper_name = f"Liên đoàn Lao động huyện số {u} ({name})"
            rows.append(
                dict(
                    code=upper,
                    name=upper_name,
                    short_name=f"LĐLĐ huyện số {u}",
                    abbreviation="LĐLĐ",
                    level="upper_grassroots",
                    parent_code=code,
                    place=place,
                )
            )
            for g in range(GRASSROOTS_PER_UPPER):
                workplace = _WORKPLACES[rng.randrange(len(_WORKPLACES))]
                rows.append(
                    dict(
                        code=f"{upper}-g{g:03d}",
                        name=f"Công đoàn cơ sở {workplace} số {g} ({upper})",
                        short_name=f"CĐCS {workplace} số {g}",
                        abbreviation="CĐCS",
                        level="grassroots",
                        parent_code=upper,
                        place=place,
                    )
                )
    return rows


def union_tree_csv(seed: int = 2026) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(union_tree_rows(seed))
    return buffer.getvalue()
