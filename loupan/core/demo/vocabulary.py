"""The demo's vocabulary: Chinese names, Hangzhou's districts, estates, occupations,
interests, sources and the weights that make the generated customers look real."""

from __future__ import annotations

import datetime as dt
import re

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
