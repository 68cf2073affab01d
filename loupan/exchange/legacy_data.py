"""Synthetic exports of the old systems (1994-2011 sales system, members system).

They look like what such systems write: GB18030 CSV with Chinese headers, dates in every
form (``1994-3-5``, ``1994/03/05``, ``1994年3月5日``, Excel serial numbers), money with
thousands separators or ``万``, phones with spaces, dashes or +86, and (``bad_every``)
deliberately bad rows of known kinds. Deterministic for a seed. Rows are written as they
are made, so full-size and benchmark files never sit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from loupan.core.validators import id_number_checksum

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰晓东海燕春梅文斌俊鹏飞宇浩然欣怡婷雪"
)
SOURCES = ["自然到访", "来电", "网络", "老带新", "代理渠道", "活动", "户外广告", "其他"]
STATUSES = ["意向", "来访", "来访", "认购", "签约", "业主", "流失"]
DISTRICTS = [
    "朝阳区",
    "海淀区",
    "东城区",
    "西城区",
    "丰台区",
    "通州区",
    "昌平区",
    "浦东新区",
    "天河区",
    "南山区",
]
CUSTOMER_HEADERS = [
    "客户编号", "姓名", "手机", "案场", "性别", "出生日期", "身份证号", "来源", "置业顾问", "登记日期",
    "预算", "意向面积", "状态", "备注",
]  # fmt: skip
MEMBER_HEADERS = ["会员编号", "姓名", "手机", "案场", "性别", "出生日期", "入会日期", "身份证号"]
UNIT_HEADERS = [
    "房源编号",
    "项目",
    "楼栋",
    "总层数",
    "房号",
    "楼层",
    "户型",
    "建筑面积",
    "单价",
    "总价",
    "状态",
]
PROJECT_HEADERS = ["项目编号", "项目名称", "城市", "区域", "地址"]
CONTRACT_HEADERS = [
    "合同编号",
    "客户编号",
    "房源编号",
    "合同总价",
    "签约日期",
    "付款方式",
    "已付金额",
    "交房日期",
    "合同状态",
    "退房日期",
]
BAD_KINDS = ["phone", "date", "site", "name", "duplicate_phone", "money", "legacy_id", "id_number", "source"]


def _date_text(rng: random.Random, day: dt.date) -> str | int:
    form = rng.randrange(4)
    if form == 0:
        return f"{day.year}-{day.month}-{day.day}"
    if form == 1:
        return day.strftime("%Y/%m/%d")
    if form == 2:
        return f"{day.year}年{day.month}月{day.day}日"
    return (day - dt.date(1899, 12, 30)).days


def _phone(n: int) -> str:
    return f"13{n % 10}{n:08d}"[-11:] if n < 10**8 else f"15{n:09d}"[-11:]


def _phone_text(rng: random.Random, phone: str) -> str:
    form = rng.randrange(4)
    if form == 0:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if form == 1:
        return f"+86 {phone}"
    if form == 2:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return phone


def _id_number(n: int, born: dt.date, male: bool) -> str:
    """A valid resident ID number, unique per ``n`` (region and sequence come from it)."""
    first = f"{100000 + n // 500:06d}{born:%Y%m%d}{(n % 500) * 2 + (1 if male else 0):03d}"
    return first + id_number_checksum(first)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _money_text(rng: random.Random, yuan: int) -> str:
    return f"{yuan / 10000:g}万" if rng.random() < 0.5 else f"{yuan:,}"


def customer_rows(
    count: int, *, sites: list[str], salespeople: list[str], seed: int = 1, bad_every: int = 0
) -> Iterator[list]:
    """Rows of the old sales system's customer export (headers: :data:`CUSTOMER_HEADERS`)."""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        male = rng.random() < 0.5
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
        registered = dt.date(1994, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 18))
        phone = _phone(n)
        row = [
            f"C{n:06d}", _name(rng), _phone_text(rng, phone), rng.choice(sites), "男" if male else "女",
            _date_text(rng, born), _id_number(n, born, male) if rng.random() < 0.4 else "",
            rng.choice(SOURCES), rng.choice(salespeople) if rng.random() < 0.8 else "",
            _date_text(rng, registered), _money_text(rng, rng.randrange(60, 600) * 10000),
            f"{rng.randrange(60, 200)}㎡", rng.choice(STATUSES), rng.choice(["", "", "老客户", "关注学区"]),
        ]  # fmt: skip
        if bad_every and n % bad_every == 0:
            kind = BAD_KINDS[(n // bad_every) % len(BAD_KINDS)]
            if kind == "phone":
                row[2] = "12345"
            elif kind == "date":
                row[5] = "1994-13-45"
            elif kind == "site":
                row[3] = "NOPE"
            elif kind == "name":
                row[1] = ""
            elif kind == "duplicate_phone":
                row[2], row[3] = _phone(n - 1), rng.choice(sites)
                row[3] = None  # replaced below: same site as the previous row
            elif kind == "money":
                row[10] = "约百万"
            elif kind == "legacy_id":
                row[0] = f"C{n - 1:06d}"
            elif kind == "id_number":
                row[6] = "110105199001011230"
            elif kind == "source":
                row[7] = "电视广告"
        yield row


def _fix_duplicates(rows: Iterator[list]) -> Iterator[list]:
    previous = None
    for row in rows:
        if row[3] is None and previous is not None:
            row[3] = previous[3]
            row[2] = previous[2]
        previous = row
        yield row


def member_rows(count: int, *, sites: list[str], seed: int = 2, overlap: int = 0) -> Iterator[list]:
    """The members system's export (:data:`MEMBER_HEADERS`); the first ``overlap`` members
    have the phone of the sales system's customer of the same number (to be merged)."""
    rng = random.Random(seed)
    sales = random.Random(1)
    for n in range(1, count + 1):
        male = rng.random() < 0.5
        born = dt.datetime(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
        joined = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 11))
        phone = _phone(n) if n <= overlap else _phone(5_000_000 + n)
        site = sites[0] if n <= overlap else rng.choice(sites)
        yield [
            f"M{n:05d}", _name(rng), phone if rng.random() < 0.5 else int(phone), site, "男" if male else "女",
            born if rng.random() < 0.5 else (born.date() - dt.date(1899, 12, 30)).days,
            _date_text(rng, joined), "",
        ]  # fmt: skip
    del sales


def write_csv(path: Path, headers: list[str], rows: Iterator[list], encoding: str = "gb18030") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(row)
    return path


def write_xlsx(path: Path, headers: list[str], rows: Iterator[list]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("会员")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def project_rows(count: int) -> Iterator[list]:
    for n in range(1, count + 1):
        year = 1994 + (n - 1) % 18
        yield [f"P{n:03d}", f"{year}年{n}期花园", "北京", DISTRICTS[n % len(DISTRICTS)], f"{n}号路{n * 3}号"]


def unit_rows(
    count: int, *, projects: int, seed: int = 3, floors: int = 18, stacks: int = 4
) -> Iterator[list]:
    rng = random.Random(seed)
    per_building = floors * stacks
    for n in range(count):
        building, slot = divmod(n, per_building)
        project = building % projects + 1
        floor, stack = divmod(slot, stacks)
        area = rng.randrange(60, 180)
        price = rng.randrange(3000, 30000)
        yield [
            f"U{n + 1:06d}", f"P{project:03d}", f"{building // projects + 1}号楼", floors,
            f"{floor + 1}{stack + 1:02d}", floor + 1, f"{rng.randrange(1, 5)}室2厅1卫", f"{area}.00",
            f"{price:,}", _money_text(rng, price * area), "已售" if rng.random() < 0.3 else "可售",
        ]  # fmt: skip


def contract_rows(count: int, *, customers: int, seed: int = 4) -> Iterator[list]:
    """Contract n sells unit n to customer ``n * 7 % customers + 1`` (a sold unit each); every
    25th was given up (已退房, with its 退房日期 and the deposit-sized sum paid before)."""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        signed = dt.date(1994, 6, 1) + dt.timedelta(days=rng.randrange(0, 365 * 17))
        price = rng.randrange(50, 500) * 10000
        paid = price if rng.random() < 0.7 else price // 2
        handed = signed + dt.timedelta(days=400) if paid == price and rng.random() < 0.8 else ""
        status, cancelled = "有效", ""
        if n % 25 == 0:
            paid, handed, status = price // 10, "", "已退房"
            cancelled = _date_text(rng, signed + dt.timedelta(days=30 + n % 150))
        yield [
            f"HT{n:06d}", f"C{n * 7 % customers + 1:06d}", f"U{n:06d}", _money_text(rng, price),
            _date_text(rng, signed), rng.choice(["全款", "按揭", "分期"]), f"{paid:,}",
            _date_text(rng, handed) if handed else "", status, cancelled,
        ]  # fmt: skip


def write_all(out: Path, *, customers: int, members: int, projects: int, units: int, contracts: int,
              sites: list[str], salespeople: list[str], bad_every: int = 0) -> list[Path]:  # fmt: skip
    """Write the five files into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rows = _fix_duplicates(
        customer_rows(customers, sites=sites, salespeople=salespeople, bad_every=bad_every)
    )
    return [
        write_csv(out / "legacy_customers.csv", CUSTOMER_HEADERS, rows),
        write_xlsx(
            out / "legacy_members.xlsx",
            MEMBER_HEADERS,
            member_rows(members, sites=sites, overlap=members // 10),
        ),
        write_csv(out / "legacy_projects.csv", PROJECT_HEADERS, project_rows(projects)),
        write_csv(out / "legacy_units.csv", UNIT_HEADERS, unit_rows(units, projects=projects)),
        write_csv(
            out / "legacy_contracts.csv", CONTRACT_HEADERS, contract_rows(contracts, customers=customers)
        ),
    ]
