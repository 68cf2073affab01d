"""The fields each kind of import reads, their usual column names, and the proposed mapping.

A column maps to a field when its header, cleaned (case, spaces, ``*``, brackets), is the
field's API name or one of its Chinese or English synonyms. A mapping saved for the
source system wins over the proposal; the user adjusts both in the UI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import values as v


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    synonyms: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[Any], Any] = v.text


LEGACY_ID = Field(
    "legacy_id", _("Legacy ID"), ("旧系统编号", "编号", "客户编号", "原编号", "id", "legacyid", "序号"), True
)
SITE = Field(
    "site", _("Site code"), ("案场", "案场编号", "案场代码", "销售现场", "sitecode", "销售案场"), True
)
NAME = Field("name", _("Name"), ("姓名", "客户姓名", "名字", "客户名称", "会员姓名", "fullname"), True)
PHONE = Field(
    "phone",
    _("Mobile phone"),
    ("手机", "手机号", "手机号码", "电话", "联系电话", "移动电话", "mobile", "tel"),
    True,
    v.parse_phone,
)
GENDER = Field("gender", _("Gender"), ("性别", "sex"), parse=v.parse_gender)
BIRTH = Field(
    "birth_date", _("Birth date"), ("出生日期", "生日", "出生年月", "birthday", "dob"), parse=v.parse_date
)
ID_NUMBER = Field("id_number", _("ID number"), ("身份证", "身份证号", "身份证号码", "证件号码", "idcard"))
NOTES = Field("notes", _("Notes"), ("备注", "说明", "remark", "remarks", "memo"))

CUSTOMER_FIELDS = [
    LEGACY_ID, SITE, NAME, PHONE, GENDER, BIRTH, ID_NUMBER,
    Field("income_band", _("Income band"), ("家庭年收入", "收入", "年收入", "income")),
    Field("occupation", _("Occupation"), ("职业", "工作", "job")),
    Field("district", _("Home district"), ("居住区域", "居住区", "区域", "住址区域", "area")),
    Field("source", _("Source"), ("来源", "来源渠道", "渠道", "获知途径", "channel")),
    Field("owner", _("Salesperson"), ("置业顾问", "销售员", "业务员", "销售", "顾问", "salesperson")),
    Field("status", _("Status"), ("状态", "客户状态")),
    Field("created_at", _("Registered on"), ("登记日期", "登记时间", "来访日期", "首次来访", "创建时间", "registered"), parse=v.parse_datetime),
    Field("intent_budget_min", _("Budget from"), ("预算下限", "最低预算", "预算从", "budgetmin"), parse=v.parse_money),
    Field("intent_budget_max", _("Budget to"), ("预算上限", "最高预算", "预算", "总价预算", "budgetmax"), parse=v.parse_money),
    Field("intent_area_min", _("Area from"), ("面积下限", "最小面积", "areamin"), parse=v.parse_decimal),
    Field("intent_area_max", _("Area to"), ("面积上限", "最大面积", "意向面积", "areamax"), parse=v.parse_decimal),
    Field("intent_bedrooms", _("Bedrooms"), ("意向户型", "居室", "房间数", "bedrooms"), parse=v.parse_int),
    Field("intent_level", _("Intention level"), ("意向等级", "客户等级", "等级", "level")),
    NOTES,
]  # fmt: skip

MEMBER_FIELDS = [
    Field("legacy_id", _("Member number"), ("会员编号", "会员号", "会员卡号", "卡号", "编号", "id", "memberno"), True),
    SITE, NAME, PHONE, GENDER, BIRTH, ID_NUMBER,
    Field("club_joined_on", _("Member since"), ("入会日期", "入会时间", "注册日期", "joined"), parse=v.parse_date),
    NOTES,
]  # fmt: skip

PROJECT_FIELDS = [
    Field("legacy_id", _("Legacy ID"), ("项目编号", "编号", "id"), True),
    Field("name", _("Name"), ("项目名称", "楼盘名称", "项目", "楼盘", "名称"), True),
    Field("city", _("City"), ("城市", "所在城市")),
    Field("district", _("District"), ("区域", "行政区", "区县")),
    Field("address", _("Address"), ("地址", "项目地址", "楼盘地址")),
]

UNIT_FIELDS = [
    Field("legacy_id", _("Legacy ID"), ("房源编号", "房号编号", "编号", "id"), True),
    Field("project", _("Project"), ("项目", "项目名称", "楼盘", "楼盘名称"), True),
    Field("building", _("Building"), ("楼栋", "楼号", "栋号", "楼栋名称", "幢"), True),
    Field(
        "building_floors", _("Floors of the building"), ("总层数", "楼层总数", "floors"), parse=v.parse_int
    ),
    Field("number", _("Unit number"), ("房号", "房间号", "单元号", "unit"), True),
    Field("floor", _("Floor"), ("楼层", "所在楼层", "层"), True, v.parse_int),
    Field("layout", _("Layout"), ("户型", "户型结构")),
    Field("bedrooms", _("Bedrooms"), ("居室", "室", "房间数"), parse=v.parse_int),
    Field("area", _("Building area"), ("建筑面积", "面积", "area"), True, v.parse_decimal),
    Field("inner_area", _("Inner area"), ("套内面积", "使用面积"), parse=v.parse_decimal),
    Field("orientation", _("Orientation"), ("朝向",)),
    Field("unit_price", _("Unit price"), ("单价", "建筑单价", "每平米单价"), parse=v.parse_money),
    Field("total_price", _("Total price"), ("总价", "房屋总价", "标准总价"), parse=v.parse_money),
    Field("status", _("Status"), ("状态", "销售状态", "房源状态")),
]

CONTRACT_FIELDS = [
    Field("legacy_id", _("Contract number"), ("合同编号", "合同号", "编号", "id"), True),
    Field("customer", _("Customer legacy ID"), ("客户编号", "客户", "customer"), True),
    Field("unit", _("Unit legacy ID"), ("房源编号", "房源", "unit"), True),
    Field("price", _("Contract price"), ("合同总价", "成交总价", "成交价", "合同金额", "price"), True, v.parse_money),
    Field("signed_at", _("Signed on"), ("签约日期", "签约时间", "合同日期", "signed"), True, v.parse_datetime),
    Field("payment_method", _("Payment method"), ("付款方式", "付款方式名称", "payment")),
    Field("paid", _("Paid so far"), ("已付金额", "已收金额", "累计回款", "回款金额", "paid"), parse=v.parse_money),
    Field("handed_over_at", _("Handed over on"), ("交房日期", "交付日期", "handover"), parse=v.parse_datetime),
    Field("status", _("Status"), ("合同状态", "状态")),
    Field("cancelled_at", _("Cancelled on"), ("退房日期", "作废日期", "撤销日期", "cancelled"), parse=v.parse_datetime),
]  # fmt: skip

FIELDS: dict[str, list[Field]] = {
    "customers": CUSTOMER_FIELDS,
    "members": MEMBER_FIELDS,
    "projects": PROJECT_FIELDS,
    "units": UNIT_FIELDS,
    "contracts": CONTRACT_FIELDS,
}

_NOISE_RE = re.compile(r"[\s*＊:：_\-]|[（(].*?[)）]")


def clean_header(header: str) -> str:
    return _NOISE_RE.sub("", str(header or "")).lower()


def propose_mapping(kind: str, headers: list[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """``{header: field name or ""}``: the saved mapping first, then names and synonyms."""
    fields = FIELDS[kind]
    lookup: dict[str, str] = {}
    for f in fields:
        for name in (f.name, f.name.replace("_", ""), *f.synonyms):
            lookup.setdefault(clean_header(name), f.name)
    names = {f.name for f in fields}
    saved = {h: f for h, f in (saved or {}).items() if f in names or f == ""}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        if header in saved:
            mapping[header] = saved[header]
        else:
            candidate = lookup.get(clean_header(header), "")
            mapping[header] = "" if candidate in used else candidate
        if mapping[header]:
            used.add(mapping[header])
    return mapping


def missing_required(kind: str, mapping: dict[str, str]) -> list[Field]:
    chosen = set(mapping.values())
    return [f for f in FIELDS[kind] if f.required and f.name not in chosen]
