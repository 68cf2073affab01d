"""Each form of date, money, phone and gender the old systems write; encodings; mapping."""

import datetime as dt
from decimal import Decimal

import pytest

from loupan.exchange.importing import values as v
from loupan.exchange.importing.fields import propose_mapping
from loupan.exchange.importing.readers import detect_encoding, open_table


@pytest.mark.parametrize(
    "raw",
    ["1994-3-5", "1994/03/05", "1994年3月5日", "1994.3.5", "19940305", 34398, "34398", 34398.0,
     dt.datetime(1994, 3, 5, 10, 30), dt.date(1994, 3, 5), " 1994 年 3 月 5 日 ", "1994-03-05 00:00:00"],
)  # fmt: skip
def test_every_date_form_reads_as_the_same_day(raw) -> None:  # noqa: ANN001
    assert v.parse_date(raw) == dt.date(1994, 3, 5)


@pytest.mark.parametrize("raw", ["1994-13-45", "昨天", "1994-2-30", -5])
def test_bad_dates_are_refused(raw) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        v.parse_date(raw)


def test_blank_date_is_none() -> None:
    assert v.parse_date("  ") is None and v.parse_date(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,250,000", "1250000.00"), ("125万", "1250000.00"), ("125.5 万元", "1255000.00"), ("¥1250000.00", "1250000.00"),
     ("1.2亿", "120000000.00"), (1250000, "1250000.00"), (1250000.5, "1250000.50"), ("１２５万", "1250000.00"),
     ("1,250,000元", "1250000.00")],
)  # fmt: skip
def test_money_forms(raw, expected) -> None:  # noqa: ANN001
    assert v.parse_money(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["约百万", "-5", "12..5万"])
def test_bad_money_is_refused(raw) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        v.parse_money(raw)


@pytest.mark.parametrize(
    "raw", ["13800138000", "138 0013 8000", "+86 13800138000", "+86-138-0013-8000", "0086 138 0013 8000",
            "138-0013-8000", 13800138000, 13800138000.0, "１３８００１３８０００"],
)  # fmt: skip
def test_phone_forms(raw) -> None:  # noqa: ANN001
    assert v.parse_phone(raw) == "13800138000"


def test_bad_phone_is_refused() -> None:
    with pytest.raises(ValueError):
        v.parse_phone("12345")


def test_genders_and_areas() -> None:
    assert [v.parse_gender(x) for x in ("男", "女", "M", "f", "", "未知")] == ["M", "F", "M", "F", "U", "U"]
    assert v.parse_decimal("89.5㎡") == Decimal("89.50") and v.parse_decimal("120平米") == Decimal("120.00")
    with pytest.raises(ValueError):
        v.parse_gender("x")


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("gb18030", False, "gb18030"), ("gbk", False, "gb18030"), ("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig")],
)  # fmt: skip
def test_encodings_are_detected_and_read(tmp_path, encoding, bom, expected) -> None:  # noqa: ANN001
    text = "编号,姓名,手机\nL1,张伟,13800138000\nL2,欧阳娜娜,139 0013 9000\n"
    path = tmp_path / "f.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    assert detect_encoding(path) == expected
    table = open_table(path, "f.csv")
    assert table.headers == ["编号", "姓名", "手机"]
    assert list(table.rows) == [(2, ["L1", "张伟", "13800138000"]), (3, ["L2", "欧阳娜娜", "139 0013 9000"])]
    table.close()


def test_mapping_from_chinese_and_english_headers_and_saved_mapping() -> None:
    headers = ["客户编号", "姓名", "手机号码", "Site", "性别*", "出生日期（公历）", "Owner", "神秘列"]
    mapping = propose_mapping("customers", headers)
    assert mapping == {
        "客户编号": "legacy_id", "姓名": "name", "手机号码": "phone", "Site": "site", "性别*": "gender",
        "出生日期（公历）": "birth_date", "Owner": "owner", "神秘列": "",
    }  # fmt: skip
    saved = propose_mapping("customers", headers, saved={"神秘列": "notes", "Owner": ""})
    assert saved["神秘列"] == "notes" and saved["Owner"] == ""
