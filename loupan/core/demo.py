"""Deterministic demo data: a developer in Hangzhou, its sales sites, staff and customers.

The same seed and the same ``today`` give the same data, row for row. Every date is an
offset from ``today`` (local time, Asia/Shanghai): nothing happens today or later except
the next actions that make up today's and the coming days' work.

The generator is plain Python (no ORM) so that both ``manage.py seed_demo`` (ORM
``bulk_create``) and the benchmarks (raw bulk inserts of a million customers) use it.
Rows are dicts keyed by model attribute names (``site_id``, ``owner_id``...).

Consistency kept here, so that the demo looks like the result of real use:
- a customer's ``last_touched_at`` is its latest activity, ``next_action_at`` the next
  action of that latest activity (as ``activity_create`` does), ``None`` in the pool;
- ``lead`` customers have no visit; every other status but ``lost`` has one (``visit``
  first, then ``revisit``); deals (subscribed, contracted, owner) have two or more;
- owned leads/visited/lost customers were touched within their site's ``pool_after_days``
  (else the nightly job would release them); pool customers were idle longer, carry no
  owner and no next action, ``pooled_at`` is when the idle limit ran out;
- budgets follow the income band, areas the budget, bedrooms the area.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from loupan.core.validators import id_number_checksum
from loupan.customers.validation import name_initials

DEMO_PREFIX = "demo_"
DEMO_PASSWORD = "loupan-demo"
COMPANY_NAME = "杭州云澜置业有限公司"
AGENCY_NAME = "杭州鼎汇房产代理有限公司"
CITY = "杭州"
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "CST")  # no DST in China since 1991

# --- Names ---------------------------------------------------------------------------
# Common surnames with rough frequency weights (per mille of the population).
_SURNAMES = (
    "王72 李71 张68 刘54 陈45 杨32 黄23 赵22 吴20 周19 徐13 孙12 马12 朱11 胡10 郭10 何9 林9 "
    "罗8 高8 郑7 梁7 谢6 宋6 唐6 许5 韩5 冯5 邓5 曹5 彭4 曾4 肖4 田4 董4 袁4 潘4 于4 蒋3 蔡3 "
    "余3 杜3 叶3 程3 苏3 魏3 吕3 丁3 任3 沈3 姚3 卢3 姜2 崔2 钟2 谭2 陆2 汪2 范2 金2 石2 廖2 "
    "贾2 夏2 韦2 付2 方2 白2 邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶2 黎2 "
    "贺2 顾2 毛2 郝2 龚1 邵1 万1 钱1 严1 覃1 武1 戴1 莫1 孔1 向1 汤1 欧阳1 上官1 司马1"
)
SURNAMES = [re.match(r"\D+", s).group() for s in _SURNAMES.split()]
SURNAME_WEIGHTS = [int(re.search(r"\d+", s).group()) for s in _SURNAMES.split()]
MALE_CHARS = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国文志海东晨博阳子轩然睿泽瑞铭昊天翔逸成栋亮"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲婷雪琳慧颖倩洁燕萍红梅莉兰佳欣怡雨晓思梦瑶琪诗涵悦可馨妍薇璐蕾丹"
NEUTRAL_CHARS = "文华明丽晓嘉子安宇欣佳一"

# --- Places and people -----------------------------------------------------------------
DISTRICTS = [  # Hangzhou's districts and counties, weighted by population
    ("西湖区", 12), ("上城区", 13), ("拱墅区", 11), ("滨江区", 8), ("萧山区", 15), ("余杭区", 12),
    ("临平区", 8), ("钱塘区", 6), ("富阳区", 5), ("临安区", 4), ("桐庐县", 2), ("淳安县", 1),
    ("建德市", 1),
]  # fmt: skip
DISTRICT_CODES = {  # administrative division codes for ID numbers
    "西湖区": "330106", "上城区": "330102", "拱墅区": "330105", "滨江区": "330108",
    "萧山区": "330109", "余杭区": "330110", "临平区": "330113", "钱塘区": "330114",
    "富阳区": "330111", "临安区": "330112", "桐庐县": "330122", "淳安县": "330127", "建德市": "330182",
}  # fmt: skip
SITES = [  # (name, code, address, pool_after_days)
    ("西溪云庐", "XXYL", "西湖区文一西路1288号", 30),
    ("钱江悦府", "QJYF", "上城区钱江路639号", 30),
    ("良渚文澜苑", "LZWL", "余杭区良渚街道古墩路1899号", 45),
    ("滨江天曜府", "BJTY", "滨江区江南大道3900号", 30),
    ("湘湖壹号院", "XHYH", "萧山区湘湖路88号", 30),
]
_PLACE_WORDS = "西溪 钱江 良渚 滨江 湘湖 运河 之江 紫金 翠苑 九堡 未来 青山 富春 临安 丁兰 三墩 闲林 瓶窑 塘栖 星桥".split()  # noqa: SIM905
_ESTATE_WORDS = "云庐 悦府 华庭 公馆 壹号院 雅苑 澜庭 天著 名邸 学府 花园 湾 里 玺园 锦园 星城".split()  # noqa: SIM905
OCCUPATIONS = [
    ("企业职员", 22), ("私营业主", 10), ("公务员", 6), ("教师", 7), ("医生", 4), ("护士", 3),
    ("工程师", 8), ("IT从业者", 9), ("金融从业者", 5), ("个体户", 6), ("律师", 2), ("会计", 3),
    ("设计师", 3), ("销售经理", 4), ("企业高管", 4), ("自由职业", 3), ("科研人员", 2),
]  # fmt: skip
RETIRED = "退休"
INTERESTS = ["高尔夫", "教育", "健身", "旅游", "投资理财", "亲子", "宠物", "摄影", "茶艺", "美食",
             "阅读", "瑜伽", "户外运动", "音乐", "书画", "收藏", "汽车"]  # fmt: skip
INTEREST_WEIGHTS = [3, 14, 10, 12, 9, 12, 6, 4, 4, 6, 5, 4, 4, 3, 2, 2, 5]
SOURCES = [("walk_in", 30), ("phone", 15), ("online", 20), ("referral", 10), ("agency", 12),
           ("event", 6), ("outdoor_ad", 4), ("other", 3)]  # fmt: skip
INCOME_BANDS = ["<10万", "10-30万", "30-50万", "50-100万", ">100万"]
# Budget ranges (in 10,000 yuan) that a household of each income band can afford.
BUDGET_BY_INCOME = {"<10万": (80, 160), "10-30万": (150, 320), "30-50万": (250, 520),
                    "50-100万": (400, 900), ">100万": (800, 2500)}  # fmt: skip
PURPOSES = [("self_use", 55), ("upgrade", 30), ("investment", 12), ("other", 3)]
FLOORS = ["", "", "", "低层", "中层", "中高层", "高层", "不限"]
_MOBILE_PREFIXES = (
    "134 135 136 137 138 139 150 151 152 157 158 159 182 183 184 187 188 147 172 178 195 198 "
    "130 131 132 155 156 185 186 166 175 176 145 196 133 153 180 181 189 173 177 190 191 193 199 "
    "135 136 137 138 139 139 138 150 151 158 159 186 186 187 188 189 189 180 181 133 136"
)
MOBILE_PREFIXES = _MOBILE_PREFIXES.split()
CUSTOMER_NOTES = ["关注学区，孩子明年上小学", "与家人商量中，周末可能带父母来看", "对比竞品楼盘，价格敏感",
                  "首付已准备好，等公积金额度", "希望南北通透，不要临街", "在附近上班，通勤优先",
                  "改善需求，现住房准备出售", "投资为主，关注租金回报", "老客户介绍，信任度高", ""]  # fmt: skip

# --- Activities ----------------------------------------------------------------------------
_CALL_NOTES = ["电话回访，客户关注{bed}室户型，预算{b}万左右", "客户未接听，稍后再联系", "约客户周末来案场看样板间",
               "介绍最新优惠政策，客户表示考虑", "客户询问首付比例和贷款政策", "确认客户到访时间"]  # fmt: skip
_MESSAGE_NOTES = ["微信发送{bed}室户型图和价格单", "短信提醒本周末暖场活动", "发送项目区位图和学区资料",
                  "微信沟通，客户在外地出差", "推送加推房源信息"]  # fmt: skip
_VISIT_NOTES = ["首次到访，参观沙盘和样板间，关注{bed}室", "自然到访，对小区环境满意，担心总价",
                "到访，重点了解交付标准和物业"]  # fmt: skip
_REVISIT_NOTES = [
    "复访，带家人看{n}号楼样板间",
    "复访，详细核算首付和月供",
    "复访，比较{n}号楼和{m}号楼的楼层",
]
_NOTE_NOTES = ["客户考虑学区，对比周边竞品", "客户资金需等现房出售", "客户对价格有异议，需经理协助",
               "客户已在其他楼盘认购", "客户预算不足，暂缓"]  # fmt: skip
_EMAIL_NOTES = ["邮件发送电子楼书", "邮件发送购房合同样本"]
_FOLLOW_KINDS = {"lead": (("call", 45), ("message", 35), ("note", 12), ("email", 8)),
                 "other": (("call", 34), ("message", 25), ("revisit", 22), ("note", 14), ("email", 5))}  # fmt: skip
_DEAL_NOTES = {"subscribed": "认购{n}号楼{u}室，已交定金", "contracted": "签订购房合同，{n}号楼{u}室",
               "owner": "交房完成，{n}号楼{u}室，业主已收房"}  # fmt: skip

STATUSES = [("lead", 40), ("visited", 38), ("lost", 10), ("subscribed", 5), ("contracted", 4), ("owner", 3)]
DEAL_STATUSES = {"subscribed", "contracted", "owner"}
POOL_SHARE = 0.10  # of the customers not in a deal


def _cum(weighted: list[tuple[Any, int]] | tuple) -> tuple[list[Any], list[int]]:
    values = [v for v, _w in weighted]
    return values, list(itertools.accumulate(w for _v, w in weighted))


@dataclass(frozen=True)
class SitePlan:
    code: str
    name: str
    address: str
    pool_after_days: int


@dataclass(frozen=True)
class UserPlan:
    username: str
    full_name: str
    role: str
    site_codes: tuple[str, ...] = ()
    agent: bool = False
    mobile: str = ""


@dataclass
class OrgPlan:
    company_name: str
    agency_name: str
    agency_contract_start: dt.date
    sites: list[SitePlan]
    users: list[UserPlan]


@dataclass(frozen=True)
class SiteStaff:
    """A site as the customer generator needs it: ids and who sells there."""

    site_id: int
    pool_after_days: int
    sales_ids: tuple[int, ...]
    agent_ids: tuple[int, ...] = ()
    weight: float = 1.0


class Names:
    """Chinese personal names and mainland mobile numbers from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames, self._surname_cum = SURNAMES, list(itertools.accumulate(SURNAME_WEIGHTS))

    def name(self, gender: str) -> str:
        rng = self.rng
        surname = self._surnames[bisect.bisect_right(self._surname_cum, rng.random() * self._surname_cum[-1])]
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS if gender == "F" else NEUTRAL_CHARS
        if rng.random() < 0.62:  # three-character names are the majority
            first = chars[int(rng.random() * len(chars))] if rng.random() < 0.7 else NEUTRAL_CHARS[
                int(rng.random() * len(NEUTRAL_CHARS))]  # fmt: skip
            return surname + first + chars[int(rng.random() * len(chars))]
        return surname + chars[int(rng.random() * len(chars))]

    def mobile(self) -> str:
        rng = self.rng
        return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + f"{int(rng.random() * 1e8):08d}"


def plan_org(seed: int, *, today: dt.date, n_sites: int | None = None) -> OrgPlan:
    """The company, its sites and staff. ``n_sites`` None: the demo's 3-4 sites."""
    rng = random.Random(f"org-{seed}")
    names = Names(rng)
    if n_sites is None:
        n_sites = rng.choice((3, 4))
    sites: list[SitePlan] = []
    if n_sites <= len(SITES):
        chosen = sorted(rng.sample(range(len(SITES)), n_sites))
        sites = [SitePlan(SITES[i][1], SITES[i][0], SITES[i][2], SITES[i][3]) for i in chosen]
    else:
        combos = [p + e for p in _PLACE_WORDS for e in _ESTATE_WORDS]
        rng.shuffle(combos)
        for i in range(n_sites):
            base = combos[i % len(combos)]
            name = base if i < len(combos) else f"{base}{i // len(combos) + 1}期"
            district = DISTRICTS[i % len(DISTRICTS)][0]
            sites.append(
                SitePlan(f"P{i + 1:04d}", name, f"{district}{_PLACE_WORDS[i % 20]}路{100 + i}号", 30)
            )
    users = [
        UserPlan(f"{DEMO_PREFIX}admin", "系统管理员", "admin", mobile=names.mobile()),
        UserPlan(f"{DEMO_PREFIX}cm", names.name("M"), "company_manager", mobile=names.mobile()),
    ]
    for site in sites:
        slug = site.code.lower()
        gender = rng.choice("MF")
        users.append(UserPlan(f"{DEMO_PREFIX}sm_{slug}", names.name(gender), "site_manager", (site.code,),
                              mobile=names.mobile()))  # fmt: skip
        for k in range(rng.randint(4, 6)):
            gender = "F" if rng.random() < 0.6 else "M"
            users.append(UserPlan(f"{DEMO_PREFIX}{slug}_s{k + 1}", names.name(gender), "sales", (site.code,),
                                  mobile=names.mobile()))  # fmt: skip
    for site in sites[:2]:  # the agency sells at two sites
        slug = site.code.lower()
        for k in range(2):
            users.append(UserPlan(f"{DEMO_PREFIX}agent_{slug}_{k + 1}", names.name(rng.choice("MF")), "agent",
                                  (site.code,), agent=True, mobile=names.mobile()))  # fmt: skip
    start = today - dt.timedelta(days=400)
    return OrgPlan(COMPANY_NAME, AGENCY_NAME, start, sites, users)


class CustomerGenerator:
    """Customers with their interests and activities, one at a time, deterministically.

    ``customer()`` returns a dict of Customer attributes plus ``"interests"`` (tag names)
    and ``"activities"`` (dicts of Activity attributes without ``customer_id``).
    """

    def __init__(self, seed: int, *, today: dt.date, sites: list[SiteStaff], cross_site_share: float = 0.02):
        self.rng = random.Random(f"customers-{seed}")
        self.names = Names(self.rng)
        self.today = today
        self.midnight = dt.datetime.combine(today, dt.time.min, tzinfo=SHANGHAI)
        self.sites = sites
        self._site_cum = list(itertools.accumulate(s.weight for s in sites))
        self._sales_cum = {
            s.site_id: list(itertools.accumulate(0.6 + self.rng.random() for _u in s.sales_ids))
            for s in sites
        }  # some salespeople get more customers than others
        self._phones: dict[int, set[str]] = {s.site_id: set() for s in sites}
        self._people: list[tuple] = []  # a sample of earlier customers, who may visit another site
        self._cross = cross_site_share
        self._initials: dict[str, str] = {}
        self._districts = _cum(DISTRICTS)
        self._occupations = _cum(OCCUPATIONS)
        self._sources = _cum(SOURCES)
        self._purposes = _cum(PURPOSES)
        self._statuses = _cum(STATUSES)
        self._statuses_no_lead = _cum([s for s in STATUSES if s[0] != "lead"])
        self._kinds = {k: _cum(v) for k, v in _FOLLOW_KINDS.items()}

    # -- small helpers ---------------------------------------------------------------
    def _pick(self, table: tuple[list[Any], list[int]]) -> Any:
        values, cum = table
        return values[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def _at(self, days_ago: int, minute: int) -> dt.datetime:
        """A local time ``days_ago`` days before today, ``minute`` minutes after midnight."""
        return self.midnight - dt.timedelta(days=days_ago, minutes=-minute)

    def _initials_of(self, name: str) -> str:
        value = self._initials.get(name)
        if value is None:
            value = self._initials[name] = name_initials(name)
        return value

    def _age(self) -> int:
        r = self.rng.random()
        if r < 0.12:
            return self.rng.randint(22, 27)
        if r < 0.45:
            return self.rng.randint(28, 35)
        if r < 0.77:
            return self.rng.randint(36, 45)
        if r < 0.91:
            return self.rng.randint(46, 55)
        return self.rng.randint(56, 70)

    def _income(self, age: int) -> str:
        weights = (8, 35, 28, 19, 10) if age >= 30 else (14, 52, 22, 9, 3)
        return self.rng.choices(INCOME_BANDS, weights)[0]

    def _id_number(self, district: str, birth: dt.date, gender: str) -> str:
        seq = self.rng.randint(0, 99)
        sex = self.rng.choice("13579" if gender == "M" else "02468")
        first17 = f"{DISTRICT_CODES[district]}{birth:%Y%m%d}{seq:02d}{sex}"
        return first17 + id_number_checksum(first17)

    def _unique_phone(self, site_id: int) -> str:
        taken = self._phones[site_id]
        while True:
            phone = self.names.mobile()
            if phone not in taken:
                taken.add(phone)
                return phone

    # -- one customer ------------------------------------------------------------------
    def customer(self) -> dict[str, Any]:
        rng = self.rng
        site = self.sites[bisect.bisect_right(self._site_cum, rng.random() * self._site_cum[-1])]
        person = None
        if self._people and rng.random() < self._cross:
            candidate = self._people[int(rng.random() * len(self._people))]
            if candidate[0] not in self._phones[site.site_id]:
                person = candidate
                self._phones[site.site_id].add(candidate[0])
        if person is None:
            r = rng.random()
            gender = "M" if r < 0.52 else "F" if r < 0.975 else "U"
            name = self.names.name(gender)
            age = self._age()
            born = self.today.replace(year=self.today.year - age) if not (
                self.today.month == 2 and self.today.day == 29) else dt.date(self.today.year - age, 2, 28)  # fmt: skip
            birth = born - dt.timedelta(days=int(rng.random() * 364) + 1)
            district = self._pick(self._districts)
            person = (self._unique_phone(site.site_id), name, gender, birth, age, district)
            if len(self._people) < 5000:
                self._people.append(person)
            elif rng.random() < 0.01:
                self._people[int(rng.random() * 5000)] = person
        phone, name, gender, birth, age, district = person
        if gender == "U" and rng.random() < 0.5:
            birth, age = None, None

        income = self._income(age or 35)
        occupation = RETIRED if (age or 0) >= 58 and rng.random() < 0.7 else self._pick(self._occupations)
        source = self._pick(self._sources)
        status = self._pick(self._statuses_no_lead if source == "walk_in" else self._statuses)
        is_deal = status in DEAL_STATUSES
        in_pool = not is_deal and rng.random() < POOL_SHARE

        # Owner: agents bring agency customers at their sites; salespeople the rest.
        if source == "agency" and site.agent_ids and rng.random() < 0.85:
            seller = site.agent_ids[int(rng.random() * len(site.agent_ids))]
        else:
            cum = self._sales_cum[site.site_id]
            seller = site.sales_ids[bisect.bisect_right(cum, rng.random() * cum[-1])]

        # Intention: budget from income, area from budget, bedrooms from area.
        lo, hi = BUDGET_BY_INCOME[income]
        has_intention = not (status == "lead" and rng.random() < 0.2)
        budget_min = budget_max = area_min = area_max = bedrooms = None
        purpose = level = floor = ""
        if has_intention:
            b_min = lo + int(rng.random() * (hi - lo) * 0.7) // 10 * 10
            b_max = b_min + 30 + int(rng.random() * max(40, b_min * 0.4)) // 10 * 10
            price = 3.0 + rng.random() * 1.8  # 10,000 yuan per m2
            mid = (b_min + b_max) / 2 / price
            a_min = max(40, int(mid * 0.9) // 5 * 5)
            a_max = max(a_min + 10, int(mid * 1.1) // 5 * 5)
            bedrooms = 1 if mid < 70 else 2 if mid < 95 else 3 if mid < 130 else 4 if mid < 180 else 5
            budget_min, budget_max = Decimal(b_min * 10000), Decimal(b_max * 10000)
            area_min, area_max = Decimal(a_min), Decimal(a_max)
            purpose = self._pick(self._purposes)
            if purpose == "upgrade" and bedrooms < 3:
                purpose = "self_use"
            floor = FLOORS[int(rng.random() * len(FLOORS))]
        if is_deal:
            level = "A"
        elif status == "lost":
            level = "D"
        elif has_intention or rng.random() < 0.5:
            level = rng.choices("ABCD", (8, 24, 42, 26) if status == "visited" else (3, 14, 45, 38))[0]

        interests = []
        for _ in range(rng.choices((0, 1, 2, 3), (25, 35, 28, 12))[0]):
            tag = rng.choices(INTERESTS, INTEREST_WEIGHTS)[0]
            if tag not in interests:
                interests.append(tag)

        # Time line: the latest touch first, then the registration before it.
        pool_days = site.pool_after_days
        if in_pool:
            last_ago = rng.randint(pool_days + 1, 330)
        elif is_deal:
            last_ago = 1 + int(120 * rng.random() ** 2)
        elif rng.random() < 0.12:  # about to go to the pool: the warnings have work
            last_ago = rng.randint(max(1, pool_days - 3), pool_days - 1)
        else:
            last_ago = 1 + int((pool_days - 2) * rng.random() ** 1.5)
        n_acts = 1 + min(int(rng.expovariate(0.23)), 19)
        if is_deal:
            n_acts = max(n_acts, 3)
        elif status == "visited" and n_acts < 2 and source != "walk_in":
            n_acts = 2
        created_ago = last_ago if n_acts == 1 else last_ago + 1 + int((364 - last_ago) * rng.random() ** 1.6)
        n_acts = min(n_acts, 1 + (created_ago - last_ago) * 3)  # at most three a day
        created_minute = 9 * 60 + int(rng.random() * 10 * 60)
        created_at = self._at(created_ago, created_minute)

        days = sorted(rng.randint(last_ago, created_ago) for _ in range(n_acts - 2))
        days = [created_ago, *reversed(days), last_ago][:n_acts] if n_acts > 1 else [created_ago]
        activities = []
        visited = status != "lead" and (status != "lost" or rng.random() < 0.5)
        seen_visit = False
        building = rng.randint(1, 12)
        notes_vars = {"bed": bedrooms or 3, "b": (budget_max or 2000000) // 10000, "n": building,
                      "m": building % 12 + 1, "u": f"{rng.randint(2, 30)}0{rng.randint(1, 4)}"}  # fmt: skip
        minute = created_minute
        for i, day in enumerate(days):
            if i == 0:
                minute = created_minute + 5 + int(rng.random() * 40)
                if visited and source in ("walk_in", "referral", "agency", "event"):
                    kind = "visit"
                else:
                    kind = (
                        "call"
                        if source in ("phone", "outdoor_ad", "other") or rng.random() < 0.6
                        else "message"
                    )
            else:
                previous_day = days[i - 1]
                minute = minute + 30 + int(rng.random() * 120) if day == previous_day else (
                    9 * 60 + int(rng.random() * 11 * 60))  # fmt: skip
                kind = self._pick(self._kinds["other" if visited else "lead"])
                if visited and not seen_visit and (i == 1 or rng.random() < 0.5):
                    kind = "visit"
            if kind in ("visit", "revisit"):
                kind = "revisit" if seen_visit else "visit"
                seen_visit = True
            if is_deal and i == len(days) - 1:
                kind, text = "note", _DEAL_NOTES[status]
            else:
                text = rng.choice(
                    {"call": _CALL_NOTES, "message": _MESSAGE_NOTES, "visit": _VISIT_NOTES,
                     "revisit": _REVISIT_NOTES, "note": _NOTE_NOTES, "email": _EMAIL_NOTES}[kind]
                )  # fmt: skip
            occurred = self._at(day, min(minute, 23 * 60 + 50))
            next_action = None
            if i < len(days) - 1 and rng.random() < 0.5:
                next_action = occurred + dt.timedelta(days=rng.randint(1, 7))
            activities.append(
                {
                    "user_id": seller,
                    "kind": kind,
                    "occurred_at": occurred,
                    "notes": text.format(**notes_vars),
                    "next_action_at": next_action,
                }  # fmt: skip
            )
        if visited and not seen_visit:  # a visited customer had at least one visit
            first = activities[0]
            first["kind"], first["notes"] = "visit", _VISIT_NOTES[0].format(**notes_vars)
        if status == "lost":
            activities[-1]["kind"], activities[-1]["notes"] = "note", rng.choice(_NOTE_NOTES[3:])

        # Today's work: the next action of the latest follow-up.
        last = activities[-1]
        last_touched = last["occurred_at"]
        if not in_pool and status != "lost":
            r = rng.random()
            if r < 0.22 and last_ago >= 2:  # overdue
                last["next_action_at"] = self._at(rng.randint(1, min(last_ago - 1, 7)), 10 * 60)
            elif r < 0.34:  # today
                last["next_action_at"] = self._at(0, (9 + int(rng.random() * 9)) * 60 + rng.choice((0, 30)))
            elif r < 0.72:  # coming days
                last["next_action_at"] = self._at(-rng.randint(1, 14), 10 * 60 + rng.choice((0, 240)))
            else:
                last["next_action_at"] = None
        else:
            last["next_action_at"] = None

        return {
            "site_id": site.site_id,
            "owner_id": None if in_pool else seller,
            "registered_by_id": seller,
            "credited_to_id": seller,
            "name": name,
            "name_initials": self._initials_of(name),
            "phone": phone,
            "phone_last4": phone[-4:],
            "id_number": self._id_number(district, birth, gender) if is_deal and birth else "",
            "gender": gender,
            "birth_date": birth,
            "income_band": income,
            "occupation": occupation,
            "district": district,
            "source_id": source,
            "notes": CUSTOMER_NOTES[int(rng.random() * len(CUSTOMER_NOTES))] if rng.random() < 0.3 else "",
            "status": status,
            "in_pool": in_pool,
            "pooled_at": last_touched + dt.timedelta(days=pool_days) if in_pool else None,
            "last_touched_at": last_touched,
            "next_action_at": None if in_pool else last["next_action_at"],
            "intent_budget_min": budget_min,
            "intent_budget_max": budget_max,
            "intent_area_min": area_min,
            "intent_area_max": area_max,
            "intent_bedrooms": bedrooms,
            "intent_purpose": purpose,
            "intent_level": level,
            "intent_floor": floor,
            "created_at": created_at,
            "updated_at": last_touched,
            "interests": interests,
            "activities": activities,
        }


CUSTOMER_FIELDS = [
    "site_id", "owner_id", "registered_by_id", "credited_to_id", "name", "name_initials", "phone",
    "phone_last4", "id_number", "gender", "birth_date", "income_band", "occupation", "district",
    "source_id", "notes", "status", "in_pool", "pooled_at", "last_touched_at", "next_action_at",
    "intent_budget_min", "intent_budget_max", "intent_area_min", "intent_area_max", "intent_bedrooms",
    "intent_purpose", "intent_level", "intent_floor", "created_at", "updated_at",
]  # fmt: skip
ACTIVITY_FIELDS = ["user_id", "kind", "occurred_at", "notes", "next_action_at"]


@dataclass
class SeedResult:
    sites: int = 0
    users: int = 0
    customers: int = 0
    activities: int = 0
    by_role: dict[str, int] = field(default_factory=dict)


def seed(*, customers: int, seed: int, today: dt.date | None = None, batch_size: int = 1000) -> SeedResult:
    """Write the demo company and ``customers`` customers through the ORM (bulk_create).

    Existing demo sites and users are reused (matched by code and username); the caller
    checks that there are no customers yet.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import F, OuterRef, Subquery
    from django.utils import timezone

    from loupan.core.models import AuditEvent
    from loupan.customers.models import Customer, Interest
    from loupan.customers.sources import ensure_default_sources
    from loupan.org.models import Agency, Company, Site, User
    from loupan.sales.models import Activity

    today = today or timezone.localdate()
    plan = plan_org(seed, today=today)
    result = SeedResult()
    with transaction.atomic():
        ensure_default_sources()
        company = Company.objects.order_by("id").first()
        if company is None:
            Company.objects.create(name=plan.company_name)
        elif company.name == "Loupan":
            company.name = plan.company_name
            company.save(update_fields=["name"])
        sites = {}
        for sp in plan.sites:
            sites[sp.code], _ = Site.objects.get_or_create(
                code=sp.code,
                defaults={
                    "name": sp.name,
                    "address": f"{CITY}市{sp.address}",
                    "pool_after_days": sp.pool_after_days,
                },
            )
        agency, _ = Agency.objects.get_or_create(
            name=plan.agency_name,
            defaults={
                "contract_start": plan.agency_contract_start,
                "contact_name": "周经理",
                "contact_phone": "0571-88886666",
            },  # fmt: skip
        )
        password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
        users = {}
        for up in plan.users:
            user, created = User.objects.get_or_create(
                username=up.username,
                defaults={
                    "full_name": up.full_name,
                    "role": up.role,
                    "password": password,
                    "mobile": up.mobile,
                    "agency": agency if up.agent else None,
                    "is_staff": up.role == "admin",
                    "is_superuser": up.role == "admin",
                },  # fmt: skip
            )
            if created and up.site_codes:
                user.sites.set([sites[c] for c in up.site_codes])
            users[up.username] = user
            result.by_role[up.role] = result.by_role.get(up.role, 0) + 1
        staff = []
        for sp in plan.sites:
            ids = [users[u.username].pk for u in plan.users if sp.code in u.site_codes]
            roles = {users[u.username].pk: u.role for u in plan.users}
            staff.append(
                SiteStaff(
                    site_id=sites[sp.code].pk,
                    pool_after_days=sites[sp.code].pool_after_days,
                    sales_ids=tuple(i for i in ids if roles[i] == "sales"),
                    agent_ids=tuple(i for i in ids if roles[i] == "agent"),
                    weight=1.0 + (len(staff) % 3) * 0.3,
                )
            )
        tags = {}
        for name in INTERESTS:
            tags[name], _ = Interest.objects.get_or_create(name=name)

        gen = CustomerGenerator(seed, today=today, sites=staff)
        full_names = {u.pk: u.full_name for u in users.values()}
        through = Customer.interests.through
        first_activity_id = first_event_id = None
        remaining = customers
        while remaining > 0:
            drafts = [gen.customer() for _ in range(min(batch_size, remaining))]
            remaining -= len(drafts)
            objs = Customer.objects.bulk_create(
                [Customer(**{k: d[k] for k in CUSTOMER_FIELDS}) for d in drafts]
            )
            links, acts, events = [], [], []
            for obj, d in zip(objs, drafts, strict=True):
                links.extend(through(customer_id=obj.pk, interest_id=tags[t].pk) for t in d["interests"])
                acts.extend(Activity(customer_id=obj.pk, **a) for a in d["activities"])
                events.append(
                    AuditEvent(
                        actor_id=d["registered_by_id"], action="create", object_type="customer", object_id=obj.pk,
                        changes={"name": [None, d["name"]], "site": [None, d["site_id"]],
                                 "owner": [None, d["registered_by_id"]], "source": [None, d["source_id"]]},
                        actor_name=full_names[d["registered_by_id"]], detail={"seed_demo": True},
                    )
                )  # fmt: skip
            through.objects.bulk_create(links)
            created_acts = Activity.objects.bulk_create(acts)
            if first_activity_id is None and created_acts:
                first_activity_id = created_acts[0].pk
            created_events = AuditEvent.objects.bulk_create(events)
            if first_event_id is None and created_events:
                first_event_id = created_events[0].pk
            result.customers += len(objs)
            result.activities += len(acts)
        # bulk_create stamps auto_now(_add) fields with the current time: put history back.
        Customer.objects.filter(site__in=sites.values()).update(updated_at=F("last_touched_at"))
        if first_activity_id is not None:
            Activity.objects.filter(pk__gte=first_activity_id).update(created_at=F("occurred_at"))
        if first_event_id is not None:
            AuditEvent.objects.filter(pk__gte=first_event_id, detail__seed_demo=True).update(
                at=Subquery(Customer.objects.filter(pk=OuterRef("object_id")).values("created_at")[:1])
            )
        # --- inventory (loupan.inventory.demo): a project per site, buildings, units, prices ---
        from loupan.inventory.demo import seed_inventory

        seed_inventory(list(sites.values()), seed, actor=users[f"{DEMO_PREFIX}admin"], today=today)
        # --- deals (loupan.sales.demo): a share of each project sold, with its money trail ---
        from loupan.sales.demo import seed_deals

        seed_deals(list(sites.values()), seed, today=today, actor=users[f"{DEMO_PREFIX}admin"])
        # --- the reception desk's rotation (接待轮序): every salesperson and agent of the site ---
        from loupan.sales.services import reception_slot_add_all

        for site in sites.values():
            reception_slot_add_all(actor=users[f"{DEMO_PREFIX}admin"], site=site)
    result.sites = len(sites)
    result.users = len(users)
    return result
