#!/usr/bin/env python3
"""Generate sample-repo/history.ron: the scripted 2017 Tengzhou campaign.

The committed history.ron is the product; this script is how it was made, so that a
change to the story is a change here and a regeneration, not ~900 hand edits.

Rerun (from the repository root, Python 3.8+, no dependencies):

    python3 sample-repo/tools/generate_history.py > sample-repo/history.ron
    cargo test --test sample_data

Deterministic: no clocks, no unseeded randomness; the same script gives the same bytes.
The script also checks the story it tells (gates, scores against min_score, the top-ten cut)
with the campaign's own formula and stops with an error if an outcome would not hold:

    final = 0.7 * trimmed mean of reviewer totals (highest and lowest dropped at >= 5 reviews)
          + 0.3 * mean of Routine / Unannounced ratings

Ids of units and members must match sample-repo/units.ron and members.ron;
tests/sample_data.rs checks that.
"""

import json
import random
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal


def two(x):
    """A score as pingxuan shows it (src/rules/round.rs): the float's decimal
    to nine places, rounded half up to two places (84.015 -> 84.02)."""
    return str(Decimal(f"{x:.9f}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

TZ = timezone(timedelta(hours=8))
RNG = random.Random(20170615)

# ---------------------------------------------------------------- RON writer


class Var:
    """An enum variant: Var("Foo") -> Foo, Var("Foo", x) -> Foo(x)."""

    def __init__(self, name, *args):
        self.name, self.args = name, args


class SVar:
    """A struct-like enum variant: SVar("Foo", a=1) -> Foo(a: 1)."""

    def __init__(self, name, fields):
        self.name, self.fields = name, fields


class Some:
    def __init__(self, v):
        self.v = v


class Map:
    def __init__(self, items):
        self.items = items


def fmt_float(x):
    s = repr(float(x))
    return s if ("." in s or "e" in s) else s + ".0"


def inline(v):
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return fmt_float(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Some):
        return "Some(" + inline(v.v) + ")"
    if isinstance(v, Var):
        if not v.args:
            return v.name
        return v.name + "(" + ", ".join(inline(a) for a in v.args) + ")"
    if isinstance(v, SVar):
        return v.name + "(" + ", ".join(f"{k}: {inline(x)}" for k, x in v.fields.items()) + ")"
    if isinstance(v, Map):
        return "{" + ", ".join(f"{inline(k)}: {inline(x)}" for k, x in v.items) + "}"
    if isinstance(v, dict):
        return "(" + ", ".join(f"{k}: {inline(x)}" for k, x in v.items()) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(inline(x) for x in v) + "]"
    raise TypeError(v)


def pretty(v, ind=0):
    one = inline(v)
    if len(one) + ind <= 100:
        return one
    pad, pad1 = " " * ind, " " * (ind + 4)
    if isinstance(v, dict):
        body = "".join(f"{pad1}{k}: {pretty(x, ind + 4)},\n" for k, x in v.items())
        return "(\n" + body + pad + ")"
    if isinstance(v, SVar):
        body = "".join(f"{pad1}{k}: {pretty(x, ind + 4)},\n" for k, x in v.fields.items())
        return v.name + "(\n" + body + pad + ")"
    if isinstance(v, Map):
        body = "".join(f"{pad1}{inline(k)}: {pretty(x, ind + 4)},\n" for k, x in v.items)
        return "{\n" + body + pad + "}"
    if isinstance(v, list):
        body = "".join(f"{pad1}{pretty(x, ind + 4)},\n" for x in v)
        return "[\n" + body + pad + "]"
    if isinstance(v, Var) and len(v.args) == 1:
        return v.name + "(" + pretty(v.args[0], ind) + ")"
    if isinstance(v, Some):
        return "Some(" + pretty(v.v, ind) + ")"
    return one


# ---------------------------------------------------------------- campaign facts
# (mirrors sample-repo/campaign.ron; the test suite checks the scores against that file)

CRITERIA = {
    "brand": [("B1", 15), ("B2", 20), ("B3", 15), ("B4", 20), ("B5", 15), ("B6", 15)],
    "window": [("W1", 10), ("W2", 10), ("W3", 10), ("W4", 8), ("W5", 12),
               ("W6", 10), ("W7", 12), ("W8", 10), ("W9", 10), ("W10", 8)],
    "star": [("S1", 15), ("S2", 25), ("S3", 20), ("S4", 25), ("S5", 15)],
}
MIN_SCORE = {"brand": 80.0, "window": 85.0, "star": 85.0}
SLOTS = {"brand": None, "window": 10, "star": 10}
DEPARTMENTS = ["jijian", "zongzhiban", "wangguanban", "xinfang", "huanbao", "jisheng", "anquan"]
DEPT_NAME = {"jijian": "紀檢(監察)", "zongzhiban": "綜治辦", "wangguanban": "網管辦",
             "xinfang": "信訪", "huanbao": "環保", "jisheng": "計生", "anquan": "安全生產"}

CHAIR = "liguohua"
OFFICE_CLERKS = ["liuyang", "heping"]
TOWN_CLERK = ("majuan", "guanqiao-zhen")
# reviewer -> (own unit, declared conflict units, declared conflict nominations)
REVIEWERS = {
    "wangjianguo": ("xuanchuanbu", [], []),
    "zhaomin": ("gonganju", ["gonganju-chegusuo", "gonganju-churujing"], []),
    "sunli": ("renmin-yiyuan", ["renmin-yiyuan-menzhen"], []),
    "zhoujie": ("gongdian-gongsi", ["gongdian-yingye-ting"], []),
    "wuhaiyan": ("zonggonghui", [], []),
    "zhengkai": ("longquan-jiedao", ["longquan-bianmin-zhongxin"], []),
    "chenjing": ("renshe-ju", ["shebao-fuwu-dating"], ["2017-star-012"]),
}


def conflicted(reviewer, nom):
    unit, units, noms = REVIEWERS[reviewer]
    return nom["unit"] == unit or nom["unit"] in units or nom["id"] in noms


# ---------------------------------------------------------------- the entries
# Each entry: target final score `target`, planned outcome `plan`, and its record.
# plan: "final", "below" (under min_score), "gate:<ID>", "veto", "upheld" (objection upheld),
#       "fraud", "cut" (eligible but outside the top ten).

ARCH = iter(range(11, 200))


def archive():
    return f"滕文明檔〔2017〕{next(ARCH)}號"


def media(outlet, level, d, title):
    return {"outlet": outlet, "level": Var(level), "date": d, "title": title}


def honour(title, level, since):
    return {"title": title, "level": Var(level), "since": since}


BRANDS = [
    dict(unit="gongdian-gongsi", name="國網滕州市供電公司", brand="光明驛站", target=92.5, plan="final",
         contact=("孔令軍", "0632-5512201"), sat={2015: 95.2, 2016: 96.1},
         deeds="以“光明驛站”為品牌,在全市21個鎮街設立供電服務驛站,推行“一次告知、一站辦結、限時送電”,"
               "低壓居民新裝平均接電時間由5個工作日壓縮到2個工作日;組建共產黨員服務隊37支,常年為孤寡老人、"
               "留守兒童家庭免費檢修線路,2016年入戶服務1.2萬余次。",
         honours=[honour("山東省文明單位", "Provincial", 2012), honour("滕州市行風建設先進單位", "Municipal", 2014)],
         media=[media("大眾日報", "Provincial", "2016-11-08", "滕州:“光明驛站”把電送到百姓心坎上"),
                media("滕州日報", "Municipal", "2017-03-21", "供電服務驛站覆蓋全市鎮街")]),
    dict(unit="zilaishui-gongsi", name="滕州市自來水公司", brand="清泉到家", target=88.0, plan="final",
         contact=("顏秀梅", "0632-5523310"), sat={2015: 92.4, 2016: 93.0},
         deeds="打造“清泉到家”服務品牌,開通24小時供水服務熱線,實行“報修半小時到場、小修不過夜”;"
               "完成老舊小區管網改造42處,惠及居民1.6萬戶;每季度向社會公布水質檢測結果。",
         honours=[honour("滕州市文明單位", "Municipal", 2013)],
         media=[media("滕州電視臺", "Municipal", "2017-05-12", "清泉到家:一條熱線連著萬戶水龍頭")]),
    dict(unit="zhongxin-renmin-yiyuan", name="滕州市中心人民醫院", brand="仁心滕醫", target=90.1, plan="final",
         contact=("張慶華", "0632-5531128"), sat={2015: 93.8, 2016: 94.5},
         deeds="以“仁心滕醫”為品牌,推行預約診療、診間結算和“先診療后付費”,門診平均候診時間縮短至18分鐘;"
               "組織專家下鄉義診126場,建立鎮街醫聯體21個,對貧困患者實行“一站式”救助結算。",
         honours=[honour("山東省衛生計生系統文明單位", "Provincial", 2014)],
         media=[media("棗莊日報", "Prefectural", "2017-04-16", "滕州中心人民醫院:讓群眾看病少跑腿"),
                media("滕州日報", "Municipal", "2016-09-02", "名醫下鄉義診進百村")]),
    dict(unit="guoshui-ju", name="滕州市國家稅務局", brand="滕稅e家", target=86.4, plan="final",
         contact=("劉文博", "0632-5542210"), sat={2015: 91.5, 2016: 92.7},
         deeds="推出“滕稅e家”網上辦稅品牌,90%以上涉稅事項實現網上辦理;設立小微企業辦稅綠色通道和“雙語”導稅服務,"
               "推行首問責任、限時辦結和延時服務制度,納稅人滿意度連續兩年居全市前列。",
         honours=[honour("滕州市文明單位", "Municipal", 2015)],
         media=[media("滕州日報", "Municipal", "2017-02-27", "“滕稅e家”讓納稅人少跑腿")]),
    # GATE-BRAND-SAT: 2015 appraisal satisfaction 88.5 < 90.
    dict(unit="dishui-ju", name="滕州市地方稅務局", brand="陽光地稅 溫馨服務", target=84.0, plan="gate:GATE-BRAND-SAT",
         contact=("楊光輝", "0632-5543376"), sat={2015: 88.5, 2016: 91.2},
         deeds="以“陽光地稅 溫馨服務”為品牌,推行稅費政策“一口清”和征納溝通平臺,2016年辦稅服務廳整合擴建后"
               "平均等候時間下降四成;2015年因辦稅高峰排隊時間長,行風評議滿意率88.5%,已制定整改措施。",
         honours=[honour("滕州市文明單位", "Municipal", 2016)],
         media=[media("滕州電視臺", "Municipal", "2016-12-05", "地稅辦稅服務廳擴容提速")]),
    dict(unit="gonganju", name="滕州市公安局", brand="警民連心橋", target=87.2, plan="final",
         contact=("魏志強", "0632-5566110"), sat={2015: 92.0, 2016: 93.6},
         deeds="打造“警民連心橋”品牌,全市派出所推行“一窗通辦”和戶籍業務“預約+延時”服務,"
               "為行動不便群眾上門辦證3100余人次;社區民警“一村一警”聯系群眾,化解矛盾糾紛860余起。",
         honours=[honour("棗莊市文明單位", "Prefectural", 2014)],
         media=[media("山東電視臺", "Provincial", "2016-10-20", "滕州:“警民連心橋”架到百姓家門口")]),
    # GATE-BRAND-CLEAN: a 2016 violation of discipline is on record.
    dict(unit="nongshang-yinhang", name="山東滕州農村商業銀行", brand="金融便民進萬家", target=82.0, plan="gate:GATE-BRAND-CLEAN",
         contact=("褚福祥", "0632-5578801"), sat={2015: 92.3, 2016: 90.8},
         incidents=[{"kind": Var("Violation"), "date": "2016-05-18",
                     "description": "城區某支行一名客戶經理違規辦理貸款業務,經監管部門查處并受到紀律處分"}],
         deeds="推進“金融便民進萬家”工程,在行政村布設助農取款服務點520個,實現基礎金融服務村村通;"
               "開展金融知識進社區、防范電信詐騙宣傳活動180余場。",
         honours=[honour("滕州市文明單位", "Municipal", 2014)],
         media=[media("滕州日報", "Municipal", "2016-08-15", "助農取款點讓村民家門口取錢")]),
    dict(unit="youzheng-fengongsi", name="中國郵政集團公司滕州市分公司", brand="綠色郵路 情滿滕州", target=76.5, plan="below",
         contact=("史紅艷", "0632-5591102"), sat={2015: 90.6, 2016: 91.1},
         deeds="以“綠色郵路 情滿滕州”為品牌,開通農村電商服務站136個,郵件妥投率保持98%以上;"
               "為高考錄取新生開通錄取通知書投遞“綠色通道”。",
         honours=[],
         media=[media("滕州電視臺", "Municipal", "2017-07-26", "錄取通知書投遞開通綠色通道")]),
    # Candidate, removed by an upheld objection during the notice (CANDIDATES).
    dict(unit="gongjiao-gongsi", name="滕州市公共交通有限公司", brand="文明公交 溫馨車廂", target=85.3, plan="upheld",
         contact=("韓建設", "0632-5525566"), sat={2015: 91.0, 2016: 91.9},
         deeds="打造“文明公交 溫馨車廂”品牌,開行城鄉公交線路48條,推行進站停穩、禮讓斑馬線、愛心座椅等八項服務規范;"
               "為65歲以上老人、殘疾人辦理免費乘車卡2.3萬張。",
         honours=[honour("滕州市文明單位", "Municipal", 2015)],
         media=[media("滕州日報", "Municipal", "2017-01-09", "公交車上的“溫馨車廂”")]),
    dict(unit="zhengwu-fuwu-zhongxin", name="滕州市政務服務中心", brand="馬上就辦 辦就辦好", target=89.0, plan="final",
         contact=("周麗娜", "0632-5501188"), sat={2015: 94.0, 2016: 95.3},
         deeds="以“馬上就辦 辦就辦好”為品牌,進駐部門36個、事項412項,推行“一窗受理、集成服務”和全程代辦,"
               "企業設立登記壓縮至3個工作日;開設周六“不打烊”窗口,全年延時服務4600余件。",
         honours=[honour("山東省青年文明號", "Provincial", 2013), honour("滕州市文明單位", "Municipal", 2012)],
         media=[media("人民網", "National", "2017-03-30", "山東滕州:審批服務“馬上就辦”"),
                media("大眾日報", "Provincial", "2016-12-14", "滕州政務服務一窗受理")]),
    dict(unit="guanqiao-zhen", name="官橋鎮便民服務中心", brand="官橋便民直通車", target=83.2, plan="final",
         contact=("殷建華", "0632-5710236"), sat={2015: 91.7, 2016: 92.9},
         deeds="打造“官橋便民直通車”品牌,鎮便民服務中心與62個村(居)代辦點聯網,群眾辦理社保、民政、計生等事項"
               "“村里申請、鎮上辦結、干部代跑”,2016年代辦事項5800余件,無一起有效投訴。",
         honours=[honour("滕州市文明單位", "Municipal", 2015)],
         media=[media("滕州日報", "Municipal", "2017-04-03", "官橋:干部代跑 群眾少跑")]),
    dict(unit="longquan-jiedao", name="龍泉街道", brand="龍泉鄰里情", target=84.6, plan="final",
         contact=("孫玉蘭", "0632-5589021"), sat={2015: 93.1, 2016: 93.4},
         deeds="以“龍泉鄰里情”為品牌,在轄區28個社區建立“鄰里之家”,組建志愿服務隊伍96支,"
               "開展助老助殘、四點半課堂、鄰里調解等服務;社區便民服務站實現“十分鐘服務圈”。",
         honours=[honour("山東省文明社區(龍泉街道善國社區)", "Provincial", 2014)],
         media=[media("棗莊日報", "Prefectural", "2017-05-28", "龍泉街道:鄰里守望 溫暖相伴")]),
]

WINDOWS = [
    dict(unit="gonganju-chegusuo", name="滕州市公安局交警大隊車輛管理所", target=91.0, plan="final",
         contact=("李海濤", "0632-5566201"), know=96.5, ssat=97.2,
         deeds="推行機動車登記、駕駛證業務“一證通辦”,開設老年人、殘疾人綠色通道和中午延時服務;"
               "引入自助辦理終端12臺,駕駛證補換領10分鐘辦結,2016年辦理業務32萬筆,零投訴。",
         honours=[honour("全省公安機關車管所規范化建設示范單位", "Provincial", 2015)],
         media=[media("棗莊日報", "Prefectural", "2017-03-18", "滕州車管所:群眾辦事一次辦好")]),
    dict(unit="shebao-fuwu-dating", name="滕州市社會保險事業處服務大廳", target=88.6, plan="final",
         contact=("邵明", "0632-5540115"), know=94.0, ssat=95.1,
         deeds="整合養老、醫療、工傷、生育等12類業務,實行“綜合柜員制”,群眾一窗辦理全部社保業務;"
               "為退休人員開展待遇資格上門認證1800余人次。",
         honours=[honour("滕州市巾幗文明崗", "Municipal", 2014)],
         media=[media("滕州電視臺", "Municipal", "2017-02-10", "社保大廳推行綜合柜員制")]),
    dict(unit="guoshui-banshui-ting", name="滕州市國稅局辦稅服務廳", target=90.2, plan="final",
         contact=("劉文博", "0632-5542210"), know=95.5, ssat=96.0,
         deeds="設置導稅臺、自助辦稅區和納稅人學堂,推行“預約辦稅+延時服務+首問負責”,"
               "發票領購平均用時由15分鐘縮短到5分鐘;與地稅聯合設立“一窗通辦”窗口。",
         honours=[honour("全國稅務系統文明服務示范單位", "National", 2015)],
         media=[media("大眾日報", "Provincial", "2017-04-25", "滕州國稅:辦稅廳里的“加速度”")]),
    dict(unit="dishui-banshui-ting", name="滕州市地稅局辦稅服務廳", target=83.1, plan="below",
         contact=("楊光輝", "0632-5543376"), know=92.0, ssat=91.4,
         deeds="實行首問責任、一次性告知和限時辦結制度,開通社保費、房產交易稅費一窗征收,"
               "2017年上半年完成服務廳擴建,增設窗口8個。",
         honours=[], media=[]),
    dict(unit="gongdian-yingye-ting", name="滕州市供電公司善國路營業廳", target=87.5, plan="final",
         contact=("孔令軍", "0632-5512201"), know=95.0, ssat=96.3,
         deeds="推行“一口對外、首問負責”,業擴報裝實行“一證受理”,營業廳設電費自助繳費機和愛心服務臺;"
               "對高齡、殘疾客戶提供預約上門服務。",
         honours=[honour("國家電網公司優質服務示范窗口", "National", 2016)],
         media=[media("滕州日報", "Municipal", "2017-05-06", "供電營業廳里的“貼心服務”")]),
    dict(unit="zilaishui-kefu-zhongxin", name="滕州市自來水公司客戶服務中心", target=80.9, plan="below",
         contact=("顏秀梅", "0632-5523310"), know=91.0, ssat=90.6,
         incidents=[{"kind": Var("Complaint"), "date": "2016-08-03",
                     "description": "管網搶修停水未提前公告,部分居民投訴,已整改并建立停水提前告知制度"}],
         deeds="開通96399供水熱線,推行水表報裝“一站式”服務和水費網上繳納,每月開展供水服務進社區活動。",
         honours=[], media=[]),
    dict(unit="renmin-yiyuan-menzhen", name="滕州市人民醫院門診服務中心", target=86.3, plan="final",
         contact=("王紅梅", "0632-5560322"), know=93.5, ssat=94.2,
         deeds="設立門診“一站式”服務中心,集咨詢導診、預約掛號、檢查預約、報告打印、醫保審核于一體;"
               "組建導醫志愿者隊伍,為老年患者全程陪診。",
         honours=[honour("滕州市青年文明號", "Municipal", 2015)],
         media=[media("滕州電視臺", "Municipal", "2017-06-02", "門診一站式服務讓患者少跑腿")]),
    # GATE-WINDOW-KNOW: staff knowledge rate 86 < 90 (the committee's spot check agrees).
    dict(unit="zhongxin-yiyuan-menzhen", name="滕州市中心人民醫院門診部", target=82.0, plan="gate:GATE-WINDOW-KNOW",
         contact=("張慶華", "0632-5531128"), know=86.0, ssat=92.5,
         deeds="門診部日均接診6000余人次,推行分時段預約和自助掛號繳費;2017年新入職導診、收費人員較多,"
               "業務知識培訓正在開展。",
         honours=[], media=[media("滕州日報", "Municipal", "2017-03-11", "中心人民醫院推行分時段預約")]),
    dict(unit="youzheng-xueyuan-yingyesuo", name="滕州市郵政分公司學院路營業所", target=77.8, plan="below",
         contact=("史紅艷", "0632-5591102"), know=91.5, ssat=90.2,
         deeds="營業所服務周邊高校和社區,開設郵政金融、包裹寄遞、報刊訂閱等業務,設學生寄遞服務專窗。",
         honours=[], media=[]),
    dict(unit="gongjijin-fuwu-dating", name="滕州市住房公積金管理中心服務大廳", target=89.4, plan="final",
         contact=("邢玉梅", "0632-5588630"), know=97.0, ssat=96.8,
         deeds="公積金提取、貸款業務實行“一窗受理、并聯審批”,提取業務即時辦結,貸款審批時限壓縮到5個工作日;"
               "開通網上業務大廳和12329服務熱線。",
         honours=[honour("山東省住房城鄉建設系統文明窗口", "Provincial", 2014)],
         media=[media("棗莊日報", "Prefectural", "2017-05-19", "滕州公積金:提取業務立等可取")]),
    # FRAUD: the provincial honour below turns out to be forged (objection during the notice).
    dict(unit="yunguan-fuwu-chuangkou", name="滕州市交通運輸局運輸管理所服務窗口", target=86.0, plan="fraud",
         contact=("胡正國", "0632-5517720"), know=92.5, ssat=93.0,
         deeds="道路運輸證件辦理實行“窗口受理、限時辦結”,推行貨運車輛年審“一次辦好”,開通出租車投訴專線。",
         honours=[honour("全省交通運輸系統文明服務示范窗口", "Provincial", 2016)],
         media=[media("滕州電視臺", "Municipal", "2017-04-14", "運管窗口推行年審一次辦好")]),
    dict(unit="nongshang-yingyebu", name="山東滕州農村商業銀行營業部", target=85.9, plan="final",
         contact=("褚福祥", "0632-5578801"), know=94.5, ssat=93.7,
         deeds="營業部設愛心窗口、無障礙通道,推行彈性窗口和“微笑服務”,開展反假幣、防詐騙宣傳;"
               "為行動不便客戶上門辦理業務210余次。",
         honours=[honour("滕州市青年文明號", "Municipal", 2016)], media=[]),
    # GATE-VETO: 信訪 vetoes for repeated petitions, although the scores are high.
    dict(unit="budongchan-dengji", name="滕州市不動產登記中心受理大廳", target=88.0, plan="veto",
         contact=("高建民", "0632-5530088"), know=93.0, ssat=91.6,
         deeds="整合房屋、土地登記職責,實行“一窗受理、集成服務”,一般登記5個工作日辦結,抵押登記當日辦結。",
         honours=[], media=[media("滕州日報", "Municipal", "2017-05-22", "不動產登記“一窗受理”")]),
    dict(unit="longquan-bianmin-zhongxin", name="龍泉街道便民服務中心", target=84.3, plan="below",
         contact=("孫玉蘭", "0632-5589021"), know=92.0, ssat=93.5,
         deeds="集中辦理居民社保、民政、計生、殘聯等45項事務,推行全程代辦和周末預約服務。",
         honours=[], media=[]),
]

STARS = [
    dict(unit="gonganju", person="孔祥偉", workplace="滕州市公安局交警大隊車輛管理所", post="業務受理窗口民警",
         target=93.0, plan="final", contact=("魏志強", "0632-5566110"),
         deeds="扎根車管窗口十一年,總結“一看二問三核對”工作法,經手業務28萬余筆無一差錯;"
               "主動為殘疾人、老年人上門辦理業務300余次,自費為群眾準備老花鏡、簽字筆。",
         honours=[honour("滕州市勞動模范", "Municipal", 2015)],
         media=[media("滕州日報", "Municipal", "2017-04-11", "孔祥偉:車管窗口的“零差錯”民警")]),
    dict(unit="renmin-yiyuan", person="王雪梅", workplace="滕州市人民醫院", post="門診導診護士長",
         target=91.8, plan="final", contact=("王紅梅", "0632-5560322"),
         deeds="從事導診工作九年,每天接待咨詢400余人次,牽頭編寫《門診就醫指南》;"
               "帶領“微笑導診”志愿隊為老年、殘疾患者陪診,收到表揚信和錦旗60余件。",
         honours=[honour("滕州市三八紅旗手", "Municipal", 2016)],
         media=[media("棗莊日報", "Prefectural", "2017-05-12", "王雪梅:門診大廳里的“微笑天使”")]),
    dict(unit="zhongxin-renmin-yiyuan", person="張立新", workplace="滕州市中心人民醫院", post="急診科主治醫師",
         target=90.5, plan="final", contact=("張慶華", "0632-5531128"),
         deeds="從事急診工作十三年,參與搶救危重患者3000余例,在一起重大交通事故救援中連續工作30小時;"
               "堅持每月到鎮衛生院坐診帶教。",
         honours=[honour("棗莊市優秀醫師", "Prefectural", 2016)],
         media=[media("大眾日報", "Provincial", "2016-12-20", "急診室里的“拼命三郎”")]),
    dict(unit="gongdian-gongsi", person="顏廷福", workplace="國網滕州市供電公司", post="共產黨員服務隊隊長",
         target=89.7, plan="final", contact=("孔令軍", "0632-5512201"),
         deeds="帶領黨員服務隊為農村留守老人免費改造室內線路1200余戶,在2016年汛期搶修中帶隊連續奮戰三晝夜,"
               "提前恢復供電;創新帶電作業工具兩項獲國家專利。",
         honours=[honour("山東省職工職業道德建設標兵", "Provincial", 2016)],
         media=[media("山東電視臺", "Provincial", "2016-08-02", "汛期搶修一線的黨員服務隊")]),
    dict(unit="renshe-ju", person="褚麗娟", workplace="滕州市社會保險事業處服務大廳", post="綜合柜員",
         target=88.9, plan="final", contact=("邵明", "0632-5540115"),
         deeds="熟練掌握社保12類業務,日均辦件120余件,總結“社保業務一口清”辦事指南;"
               "利用休息時間為臥床退休人員上門認證90余人次。",
         honours=[honour("滕州市巾幗建功標兵", "Municipal", 2016)], media=[]),
    dict(unit="guoshui-ju", person="劉慧", workplace="滕州市國稅局辦稅服務廳", post="導稅員",
         target=85.6, plan="cut", contact=("劉文博", "0632-5542210"),
         deeds="擔任導稅員五年,熟悉各類涉稅業務,為小微企業提供“一對一”輔導300余戶,所在崗位零投訴。",
         honours=[], media=[]),
    dict(unit="dishui-ju", person="楊帆", workplace="滕州市地稅局辦稅服務廳", post="申報征收崗",
         target=83.0, plan="below", contact=("楊光輝", "0632-5543376"),
         deeds="承擔房產交易稅費征收工作,業務熟練,積極參加延時服務。", honours=[], media=[]),
    # GATE-STAR-CLEAN: a substantiated complaint in March 2017.
    dict(unit="zilaishui-gongsi", person="陳兆東", workplace="滕州市自來水公司", post="管網維修班長",
         target=87.0, plan="gate:GATE-STAR-CLEAN", contact=("顏秀梅", "0632-5523310"),
         incidents=[{"kind": Var("Complaint"), "date": "2017-03-14",
                     "description": "一名用戶通過12345熱線投訴其上門維修時未按約定時間到達、態度生硬,經核實屬實"}],
         deeds="從事管網維修十五年,年均搶修管道爆裂200余次,冬季防凍期間堅持24小時待命。",
         honours=[], media=[]),
    dict(unit="youzheng-fengongsi", person="李永剛", workplace="中國郵政集團公司滕州市分公司", post="鄉郵投遞員",
         target=92.4, plan="final", contact=("史紅艷", "0632-5591102"),
         deeds="在羊莊鎮山區郵路上騎行投遞十八年,累計行程40余萬公里,郵件妥投率100%;"
               "義務為留守老人代購藥品、代繳話費,被村民稱為“流動的服務站”。",
         honours=[honour("全國郵政系統勞動模范", "National", 2014)],
         media=[media("人民網", "National", "2016-10-09", "山路上的“綠衣使者”李永剛"),
                media("滕州日報", "Municipal", "2017-02-20", "十八年山區郵路情")]),
    # A candidate; an objection against him is dismissed during the notice.
    dict(unit="gongjiao-gongsi", person="田茂林", workplace="滕州市公共交通有限公司", post="1路公交車駕駛員",
         target=88.2, plan="final", contact=("韓建設", "0632-5525566"),
         deeds="安全行車100萬公里無事故,車廂內自備急救箱、雨傘、老花鏡,累計幫助乘客800余人次;"
               "拾到乘客遺失財物30余次全部歸還。",
         honours=[honour("滕州市文明市民", "Municipal", 2015)],
         media=[media("滕州電視臺", "Municipal", "2017-03-06", "1路車上的“溫馨車長”")]),
    dict(unit="nongshang-yinhang", person="顏敏", workplace="山東滕州農村商業銀行營業部", post="大堂經理",
         target=86.0, plan="cut", contact=("褚福祥", "0632-5578801"),
         deeds="擔任大堂經理六年,識破并阻止電信詐騙7起,為客戶挽回損失40余萬元。", honours=[], media=[]),
    dict(unit="beixin-jiedao", person="韓雪", workplace="北辛街道便民服務中心", post="民政業務窗口工作人員",
         target=87.6, plan="final", contact=("馬振東", "0632-5598812"),
         deeds="負責低保、救助等民政業務,建立困難群眾臺賬1100余戶,堅持入戶核查,做到應保盡保;"
               "節假日主動值班,為群眾辦理急事。",
         honours=[honour("滕州市優秀共產黨員", "Municipal", 2016)], media=[]),
    dict(unit="shannan-jiedao", person="邢帥", workplace="善南街道便民服務中心", post="社保業務窗口工作人員",
         target=82.4, plan="below", contact=("張成", "0632-5597706"),
         deeds="負責城鄉居民養老保險征繳,年辦件4000余件。", honours=[], media=[]),
    dict(unit="longquan-jiedao", person="孫曉燕", workplace="龍泉街道荊河社區", post="社區便民服務站站長",
         target=89.1, plan="final", contact=("孫玉蘭", "0632-5589021"),
         deeds="扎根社區十年,推行“民情日記”工作法,為居民代辦事項3000余件;組建“巧手媽媽”志愿隊幫扶困難家庭。",
         honours=[honour("山東省優秀社區工作者", "Provincial", 2016)],
         media=[media("棗莊日報", "Prefectural", "2017-01-18", "孫曉燕:社區里的“貼心人”")]),
    # REG-DEADLINE: registered late, on 5 July, under the chair's exception.
    dict(unit="guanqiao-zhen", person="殷兆磊", workplace="官橋鎮便民服務中心", post="代辦員",
         target=87.9, plan="final", contact=("殷建華", "0632-5710236"), late=True,
         deeds="作為鎮便民服務中心代辦員,騎電動車走遍全鎮62個村,為群眾代辦事項2600余件,"
               "隨身“代辦包”裝著各類表格和印泥,群眾稱他“跑腿書記”。",
         honours=[honour("滕州市優秀共產黨員", "Municipal", 2017)],
         media=[media("滕州日報", "Municipal", "2017-06-26", "官橋“跑腿書記”殷兆磊")]),
]


def build_noms():
    noms = []
    for cat, entries in (("brand", BRANDS), ("window", WINDOWS), ("star", STARS)):
        for i, e in enumerate(entries, 1):
            e = dict(e)
            e["id"] = f"2017-{cat}-{i:03d}"
            e["category"] = cat
            noms.append(e)
    return noms


NOMS = build_noms()
BY_ID = {n["id"]: n for n in NOMS}

# ---------------------------------------------------------------- clock

_day_clock = {}


def at(day, minute_step=4, start=(8, 30)):
    """Next time on `day` (YYYY-MM-DD) of the stream starting at `start`, in call order."""
    d = date.fromisoformat(day)
    n = _day_clock.get((d, start), 0)
    _day_clock[(d, start)] = n + 1
    t = datetime(d.year, d.month, d.day, start[0], start[1], tzinfo=TZ) + timedelta(minutes=minute_step * n)
    if t.hour >= 21:
        sys.exit(f"too many steps on {day}")
    return t


def iso(t):
    return t.isoformat()


STEPS = []


def step(t, actor, action):
    STEPS.append((t, len(STEPS), actor, action))


def clerk_for(nom, i):
    if nom["unit"] == TOWN_CLERK[1]:
        return TOWN_CLERK[0]
    return OFFICE_CLERKS[i % 2]


def days(start, end):
    d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
    return [(d0 + timedelta(days=k)).isoformat() for k in range((d1 - d0).days + 1)]


def workdays(start, end):
    return [d for d in days(start, end) if date.fromisoformat(d).weekday() < 5]


def spread_over(items, dayslist):
    """Deterministically assign items to days, in order."""
    return [(dayslist[(k * len(dayslist)) // max(1, len(items))], x) for k, x in enumerate(items)]


# ---------------------------------------------------------------- nomination records

# An organisation nominee's parent body (units.ron `parent`), shown as its workplace.
PARENT_BODY = {
    "gonganju-chegusuo": "滕州市公安局",
    "shebao-fuwu-dating": "滕州市人力資源和社會保障局",
    "guoshui-banshui-ting": "滕州市國家稅務局",
    "dishui-banshui-ting": "滕州市地方稅務局",
    "gongdian-yingye-ting": "國網山東省電力公司滕州市供電公司",
    "zilaishui-kefu-zhongxin": "滕州市自來水公司",
    "renmin-yiyuan-menzhen": "滕州市人民醫院",
    "zhongxin-yiyuan-menzhen": "滕州市中心人民醫院",
    "youzheng-xueyuan-yingyesuo": "中國郵政集團公司滕州市分公司",
    "gongjijin-fuwu-dating": "滕州市住房公積金管理中心",
    "yunguan-fuwu-chuangkou": "滕州市交通運輸局",
    "nongshang-yingyebu": "山東滕州農村商業銀行",
    "budongchan-dengji": "滕州市國土資源局",
    "longquan-bianmin-zhongxin": "龍泉街道",
    "guanqiao-zhen": "官橋鎮人民政府",
}

SUPERVISORS = [
    ("趙德明", "滕州市人大代表"), ("孟凡華", "滕州市政協委員"), ("田秀英", "善國社區居民代表"),
    ("郭振", "滕州日報社記者"), ("呂桂芳", "退休教師"), ("徐長青", "個體工商戶代表"),
    ("曹麗", "市殘聯志愿者"), ("宋德勝", "企業代表"), ("殷秀蓮", "村民代表"),
]


def nomination_record(n, registered):
    cat = n["category"]
    metrics = {}
    if cat == "brand":
        metrics["appraisal_satisfaction"] = Map(list(n["sat"].items()))
    if cat == "window":
        metrics["service_satisfaction"] = Some(n["ssat"])
        metrics["knowledge_rate"] = Some(n["know"])
    if n.get("incidents"):
        metrics["incidents"] = n["incidents"]
    if cat == "star":
        nominee = {"kind": Var("Person"), "name": n["person"], "workplace": Some(n["workplace"]),
                   "post": Some(n["post"]), "front_line": True}
    else:
        parent = Some(PARENT_BODY[n["unit"]]) if n["unit"] in PARENT_BODY else None
        nominee = {"kind": Var("Organisation"), "name": n["name"], "workplace": parent,
                   "post": None, "front_line": cat == "window"}
    evidence = [
        {"title": "推薦申報函", "reference": archive()},
        {"title": "先進事跡材料及照片", "reference": archive()},
    ]
    for h in n.get("honours", []):
        evidence.append({"title": f"榮譽證書復印件:{h['title']}", "reference": archive()})
    rec = {
        "id": n["id"],
        "category": n["category"],
        "unit": n["unit"],
        "nominee": nominee,
        "brand": Some(n["brand"]) if cat == "brand" else None,
        "registered": registered,
        "contact": {"name": n["contact"][0], "phone": n["contact"][1]},
        "deeds": n["deeds"],
        "metrics": metrics,
        "honours": n.get("honours", []),
        "media": n.get("media", []),
        "activities": [],
        "supervisors": [],
        "evidence": evidence,
        "form_filed": None,
    }
    n["record"] = rec
    return rec


def gen_registrations():
    june = workdays("2017-06-16", "2017-06-30")
    regular = [n for n in NOMS if not n.get("late")]
    for k, (d, n) in enumerate(spread_over(regular, june)):
        t = at(d, minute_step=12, start=(9, 0))
        step(t, clerk_for(n, k), Var("Nominate", nomination_record(n, d)))
    # REG-DEADLINE: the chair's exception, then the late registration.
    late = [n for n in NOMS if n.get("late")]
    assert len(late) == 1
    n = late[0]
    step(at("2017-07-03", start=(10, 0)), CHAIR, Var("Exception", {
        "nomination": n["id"],
        "rule": "REG-DEADLINE",
        "until": "2017-07-07",
        "reason": "官橋鎮6月下旬集中防汛值守,推薦名單未能于6月30日前報送;經評委會研究,同意于7月7日前補報。",
        "by": CHAIR,
        "date": "2017-07-03",
    }))
    step(at("2017-07-05", start=(9, 30)), TOWN_CLERK[0], Var("Nominate", nomination_record(n, "2017-07-05")))


def gen_update():
    # A Nominate of an existing id is an update (allowed in build): a media report is added.
    # It comes before the entry's first activity, because Nominate replaces the whole
    # nomination.ron (activities and supervisors included).
    n = BY_ID["2017-brand-010"]
    rec = dict(n["record"])
    rec["media"] = rec["media"] + [media("滕州日報", "Municipal", "2017-06-28", "政務服務中心開設周六“不打烊”窗口")]
    rec["evidence"] = rec["evidence"] + [{"title": "報道剪報", "reference": archive()}]
    n["record"] = rec
    step(at("2017-07-04", start=(10, 0)), "liuyang", Var("Nominate", rec))


ACT_TEMPLATES = {
    "brand": ["召開“滿意在滕州”爭創活動動員會,制定《{b}品牌建設實施方案》",
              "開展“{b}”服務品牌進社區宣傳周活動,發放服務承諾卡2000余份",
              "組織“{b}”品牌服務標準培訓和崗位練兵,修訂服務規范手冊",
              "邀請服務對象代表座談,征集改進服務意見建議"],
    "window": ["在服務大廳公開服務承諾、辦事流程和投訴電話,設置意見箱",
               "開展窗口人員文明禮儀和業務知識培訓,組織應知應會測試",
               "組織“學雷鋒”志愿服務活動,為老年人、殘疾人提供幫辦代辦",
               "開展“爭創十佳文明窗口”服務技能比武"],
    "star": ["所在單位組織學習{p}同志先進事跡,開展“向身邊榜樣學習”活動",
             "{p}同志參加市級業務技能培訓并在崗位練兵中獲得一等獎",
             "{p}同志帶領青年職工開展志愿服務進社區活動",
             "所在單位召開服務對象座談會,聽取對{p}同志的評價"],
}


def gen_activities():
    build = workdays("2017-07-06", "2017-10-27")
    items = []
    for k, n in enumerate(NOMS):
        for j in range(2):
            items.append((n, (k + j) % 4, j))
    items.sort(key=lambda x: (x[2], x[0]["id"]))
    for d, (n, tpl, j) in spread_over(items, build):
        summary = ACT_TEMPLATES[n["category"]][tpl].format(b=n.get("brand", ""), p=n.get("person", ""))
        step(at(d, start=(14, 0)), clerk_for(n, tpl), SVar("Activity", {
            "nomination": n["id"],
            "activity": {"date": d, "summary": summary},
        }))
    # Supervisors (監督員) for brands and windows.
    orgs = [n for n in NOMS if n["category"] != "star"]
    for k, (d, n) in enumerate(spread_over(orgs, workdays("2017-07-10", "2017-08-31"))):
        name, aff = SUPERVISORS[k % len(SUPERVISORS)]
        step(at(d, start=(16, 0)), clerk_for(n, k), SVar("Supervisor", {
            "nomination": n["id"],
            "supervisor": {"name": name, "affiliation": aff},
        }))


def reviewers_for(n):
    return [r for r in REVIEWERS if not conflicted(r, n)]


# ---------------------------------------------------------------- evaluations

EVAL_RATINGS = {}  # nomination id -> list of (kind, rating) that count


def eval_rating_base(n):
    # The committee's ratings sit a little around the reviewers' view.
    return n["target"] + ((hash_int(n["id"]) % 7) - 3) * 0.5


def hash_int(s):
    h = 0
    for ch in s.encode():
        h = (h * 131 + ch) % 1_000_003
    return h


ROUTINE_FINDINGS = {
    "brand": "查閱品牌建設臺賬、服務規范和群眾評議記錄,品牌管理制度健全,服務承諾落實情況良好。",
    "window": "現場查看窗口設施、服務公示和衛生狀況,抽查辦件記錄,服務秩序良好。",
    "star": "到被推薦人崗位觀察服務過程,查閱工作記錄和群眾評價,服務熱情規范。",
}
SPOT_FINDINGS = {
    "brand": "評委以普通群眾身份暗訪服務網點,工作人員接待主動,辦事流程清晰。",
    "window": "評委以辦事群眾身份暗訪窗口,排隊秩序良好,工作人員著裝規范、用語文明。",
    "star": "評委暗訪被推薦人所在崗位,被推薦人服務耐心細致,群眾評價較高。",
}


def gen_evaluations():
    routine_days = workdays("2017-09-04", "2017-10-27")
    spot_days = workdays("2017-10-09", "2017-11-10")
    for kind, dayslist, findings in (("Routine", routine_days, ROUTINE_FINDINGS),
                                     ("Unannounced", spot_days, SPOT_FINDINGS)):
        for k, (d, n) in enumerate(spread_over(NOMS, dayslist)):
            revs = reviewers_for(n)
            author = revs[(k + (0 if kind == "Routine" else 3)) % len(revs)]
            base = eval_rating_base(n)
            rating = round(base + (0.5 if kind == "Routine" else -0.5), 1)
            rating = max(0.0, min(100.0, rating))
            EVAL_RATINGS.setdefault(n["id"], []).append(rating)
            ev = {"kind": Var(kind), "author": author, "date": d, "rating": Some(rating),
                  "findings": findings[n["category"]]}
            if kind == "Unannounced" and n["category"] == "window":
                # SPOT-CHECK: the committee tests staff knowledge itself.
                know = n["know"] if n["know"] < 90 else min(100.0, n["know"] - 1.5)
                ev["knowledge_rate"] = Some(know)
                if n["know"] < 90:
                    ev["findings"] = "暗訪抽測窗口人員業務知識,應知應會率86%,新入職導診、收費人員對醫保政策掌握不夠熟練。"
            step(at(d, start=(9, 30)), author, SVar("Evaluate", {"nomination": n["id"], "evaluation": ev}))
    # ASSESS: site visits for organisations, interviews for persons, late November (no rating);
    # the other kind follows below.
    late_nov = workdays("2017-11-20", "2017-11-24")
    for k, (d, n) in enumerate(spread_over(NOMS, late_nov)):
        revs = reviewers_for(n)
        author = revs[(k + 5) % len(revs)]
        if n["category"] == "star":
            ev = {"kind": Var("Interview"), "author": author, "date": d, "rating": None,
                  "findings": f"走訪{n['workplace']},與同事、服務對象代表8人座談,普遍反映{n['person']}同志業務精、服務好。"}
        else:
            ev = {"kind": Var("SiteVisit"), "author": author, "date": d, "rating": None,
                  "findings": f"實地考察{n['name']},查閱創建臺賬,現場隨機詢問辦事群眾10人,評價滿意。"}
            if n["category"] == "window":
                ev["service_satisfaction"] = Some(round(min(100.0, n["ssat"] - 0.4), 1))
        step(at(d, start=(14, 30)), author, SVar("Evaluate", {"nomination": n["id"], "evaluation": ev}))
    # CANDIDATE-NEEDS: the campaign requires both a site visit and an interview of every
    # entry (campaign.ron `candidate_needs`), so each gets the other one too (no rating,
    # no metrics: the scores and gates stay as they were).
    for k, (d, n) in enumerate(spread_over(NOMS, late_nov)):
        revs = reviewers_for(n)
        author = revs[(k + 2) % len(revs)]
        if n["category"] == "star":
            ev = {"kind": Var("SiteVisit"), "author": author, "date": d, "rating": None,
                  "findings": f"實地考察{n['workplace']}{n['post']}崗位,現場觀察{n['person']}同志接待服務對象,服務規范、熱情。"}
        else:
            ev = {"kind": Var("Interview"), "author": author, "date": d, "rating": None,
                  "findings": f"走訪{n['name']}服務對象和職工代表6人座談,普遍反映服務便捷、態度熱情。"}
        step(at(d, start=(16, 0)), author, SVar("Evaluate", {"nomination": n["id"], "evaluation": ev}))


def gen_forms():
    nov = workdays("2017-11-01", "2017-11-17")
    for k, (d, n) in enumerate(spread_over(NOMS, nov)):
        step(at(d, start=(8, 40)), clerk_for(n, k), SVar("FileForm", {"nomination": n["id"], "date": d}))


# ---------------------------------------------------------------- scores

SPREAD_ENTRIES = {"2017-window-003": -26.0, "2017-star-004": -22.0, "2017-brand-010": -23.0}
# (nomination, reviewer, criterion, mark, comment)
SPECIAL_MARKS = [
    ("2017-brand-007", "wuhaiyan", "B5", "Abstain", "該行2016年違規放貸事項的整改情況尚在核查,B5暫不評分。"),
    ("2017-brand-005", "wangjianguo", "B6", "NotApplicable", "申報材料未附媒體報道原件,B6不適用本人評判。"),
    ("2017-window-008", "wangjianguo", "W10", "NotApplicable", "門診部志愿服務由院團委統一組織,窗口未單獨開展,W10不適用。"),
    ("2017-window-013", "chenjing", "W9", "Recused", "本人曾就該中心一起登記糾紛出具調解意見,W9回避。"),
    ("2017-star-008", "zhoujie", "S4", "Abstain", "被推薦人2017年3月被投訴事項本人不掌握詳情,S4棄權。"),
]
COMMENTS = {
    "brand": ["品牌特色鮮明,示范作用明顯。", "管理體系完整,建議進一步提煉品牌內涵。", "群眾口碑好,宣傳推廣有力。"],
    "window": ["窗口服務規范,群眾滿意度高。", "設施齊備,服務流程仍可優化。", "服務秩序良好,便民措施扎實。"],
    "star": ["事跡突出,群眾公認。", "業務精湛,示范作用好。", "服務熱情,建議加強總結提煉。"],
}


def marks_for_total(cat, total, salt):
    """Per-criterion points (halves) whose sum is close to `total`, each within 0..=max."""
    crit = CRITERIA[cat]
    r = RNG
    marks = {}
    for cid, mx in crit:
        frac = total / 100.0 + r.uniform(-0.04, 0.04)
        p = round(max(0.0, min(1.0, frac)) * mx * 2) / 2
        marks[cid] = p
    # nudge toward the target total, half a point at a time, within bounds
    for _ in range(400):
        diff = total - sum(marks.values())
        if abs(diff) < 0.5:
            break
        cid, mx = crit[(salt + _) % len(crit)]
        if diff > 0 and marks[cid] + 0.5 <= mx:
            marks[cid] += 0.5
        elif diff < 0 and marks[cid] - 0.5 >= 0:
            marks[cid] -= 0.5
        salt += 1
    return marks


def trimmed_mean(xs, trim_min=5):
    xs = sorted(xs)
    if len(xs) >= trim_min:
        xs = xs[1:-1]
    return sum(xs) / len(xs)


def final_score(review_totals, ratings):
    return 0.7 * trimmed_mean(review_totals) + 0.3 * (sum(ratings) / len(ratings))


def plan_scores():
    """Reviewer totals per nomination, tuned so the final score lands on `target`."""
    out = {}
    offsets = [-2.5, 1.5, -1.0, 2.0, 0.5, -0.5, 1.0]
    for n in NOMS:
        revs = reviewers_for(n)
        assert len(revs) >= 5, n["id"]
        e = sum(EVAL_RATINGS[n["id"]]) / len(EVAL_RATINGS[n["id"]])
        base = (n["target"] - 0.3 * e) / 0.7
        shift = hash_int(n["id"]) % len(offsets)
        marks = {}
        for _attempt in range(6):
            marks = {}
            for i, r in enumerate(revs):
                t = base + offsets[(i + shift) % len(offsets)]
                if n["id"] in SPREAD_ENTRIES and i == len(revs) - 1:
                    t = base + SPREAD_ENTRIES[n["id"]]
                t = max(0.0, min(100.0, t))
                marks[r] = marks_for_total(n["category"], t, i + shift)
            # A no-score mark (Abstain, NotApplicable, Recused) never counts as 0: its points
            # are simply absent from the review total here.
            for nid, r, cid, _kind, _why in SPECIAL_MARKS:
                if nid == n["id"]:
                    marks[r][cid] = None
            totals = [sum(p for p in m.values() if p is not None) for m in marks.values()]
            got = final_score(totals, EVAL_RATINGS[n["id"]])
            if abs(got - n["target"]) < 0.35:
                break
            base += (n["target"] - got) / 0.7
        n["final"] = got
        n["spread"] = max(totals) - min(totals)
        out[n["id"]] = marks
    return out


def gen_scores(plan):
    nov = workdays("2017-11-13", "2017-11-28")
    items = []
    for n in NOMS:
        for r in plan[n["id"]]:
            items.append((n, r))
    special = {(a, b): (c, d, e) for a, b, c, d, e in SPECIAL_MARKS}
    for k, (d, (n, r)) in enumerate(spread_over(items, nov)):
        t = at(d, minute_step=5, start=(9, 0))
        pts = plan[n["id"]][r]
        marks = []
        comment = COMMENTS[n["category"]][k % 3]
        for cid, mx in CRITERIA[n["category"]]:
            if pts[cid] is None:
                marks.append((cid, Var(special[(n["id"], r)][1])))
                comment = special[(n["id"], r)][2]
            else:
                assert 0 <= pts[cid] <= mx
                marks.append((cid, Var("Points", float(pts[cid]))))
        if n["id"] in SPREAD_ENTRIES and r == list(plan[n["id"]])[-1]:
            comment = "本人現場考察時發現的問題較多,評分從嚴。" if SPREAD_ENTRIES[n["id"]] < 0 else "該同志事跡本人長期了解,評價很高。"
        step(t, r, SVar("Score", {"nomination": n["id"], "score": {
            "reviewer": r, "marks": Map(marks), "comment": comment, "time": iso(t)}}))


# ---------------------------------------------------------------- opinions and votes

VETO = ("2017-window-013", "xinfang",
        "2017年以來該中心因登記辦理遲緩、收費解釋不清引發群眾重復信訪11件次,其中越級信訪2件次,尚未化解。")
CONCERNS = {
    ("2017-brand-002", "huanbao"): "2017年7月城北水廠排泥水處理設施運行不正常被責令整改,現已整改到位,提醒持續關注。",
    ("2017-brand-009", "anquan"): "2017年8月安全檢查發現部分車輛滅火器過期,已督促更換,建議加強日常安全管理。",
}


def gen_opinions():
    nov = workdays("2017-11-20", "2017-11-29")
    items = [(n, dep) for n in NOMS for dep in DEPARTMENTS]
    for k, (d, (n, dep)) in enumerate(spread_over(items, nov)):
        clerk = OFFICE_CLERKS[k % 2]
        stance, reason = "Approve", f"經查,未發現影響推薦的{DEPT_NAME[dep]}方面問題,同意推薦。"
        if (n["id"], dep) == VETO[:2]:
            stance, reason = "Veto", VETO[2]
        elif (n["id"], dep) in CONCERNS:
            stance, reason = "Concern", CONCERNS[(n["id"], dep)]
        step(at(d, minute_step=3, start=(8, 30)), clerk, SVar("Opinion", {"nomination": n["id"], "opinion": {
            "department": dep, "stance": Var(stance), "reason": reason, "recorded_by": clerk, "date": d}}))


def gen_votes():
    days_ = workdays("2017-11-22", "2017-11-28")
    for k, (d, n) in enumerate(spread_over(NOMS, days_)):
        total = 180 + hash_int(n["id"]) % 220
        dis_share = max(0.005, (100 - n["target"]) / 400)
        dis = int(total * dis_share)
        basic = int(total * (0.08 + (100 - n["target"]) / 200))
        sat = total - dis - basic
        clerk = OFFICE_CLERKS[k % 2]
        step(at(d, start=(16, 30)), clerk, SVar("Vote", {"nomination": n["id"], "votes": {
            "satisfied": sat, "basically_satisfied": basic, "dissatisfied": dis,
            "recorded_by": clerk, "date": d}}))


# ---------------------------------------------------------------- December: candidates, notice, decisions

GATE_REASON = {
    "GATE-BRAND-SAT": "未達到硬性條件GATE-BRAND-SAT:2015年行風評議滿意率88.5%,低于90%。",
    "GATE-BRAND-CLEAN": "未達到硬性條件GATE-BRAND-CLEAN:2016年發生違規辦理貸款并受紀律處分事項。",
    "GATE-WINDOW-KNOW": "未達到硬性條件GATE-WINDOW-KNOW:職工業務知識應知應會率86%,低于90%。",
    "GATE-STAR-CLEAN": "未達到硬性條件GATE-STAR-CLEAN:2017年3月有經核實的服務對象投訴。",
}


def decide(t, nom_id, outcome, reason, fraud=False):
    dec = {"outcome": Var(outcome), "reason": reason, "fraud": fraud, "by": CHAIR, "date": t.date().isoformat()}
    step(t, CHAIR, SVar("Decide", {"nomination": nom_id, "decision": dec}))


def check_story():
    """Every planned outcome must follow from the data and the formula."""
    cats = {}
    for n in NOMS:
        cats.setdefault(n["category"], []).append(n)
    for cat, ns in cats.items():
        mn = MIN_SCORE[cat]
        for n in ns:
            p = n["plan"]
            if p == "below":
                assert n["final"] < mn - 0.3, (n["id"], n["final"])
            elif p in ("final", "cut", "upheld", "fraud", "veto"):
                assert n["final"] >= mn + 0.3, (n["id"], n["final"])
        eligible = sorted((n for n in ns if n["plan"] in ("final", "cut", "upheld", "fraud")),
                          key=lambda n: -n["final"])
        slots = SLOTS[cat]
        chosen = eligible if slots is None else eligible[:slots]
        for n in eligible:
            want = n["plan"] != "cut"
            assert (n in chosen) == want, (n["id"], n["final"], [x["id"] for x in chosen])
        if slots is not None and len(eligible) > slots:
            assert chosen[-1]["final"] - eligible[slots]["final"] >= 0.3
    windows_above = [n for n in cats["window"] if n["final"] >= MIN_SCORE["window"]]
    assert len(windows_above) < 10, len(windows_above)
    stars_eligible = [n for n in cats["star"] if n["plan"] in ("final", "cut")]
    assert len(stars_eligible) > 10
    assert sum(1 for n in NOMS if n["spread"] > 20.0) >= 3


OBJ_STAR = "2017-star-010"
OBJ_BRAND = "2017-brand-009"
OBJ_FRAUD = "2017-window-011"


def stem(t, k):
    return t.strftime("%Y%m%d-%H%M%S") + f"-{k}"


def gen_december():
    candidates = [n for n in NOMS if n["plan"] in ("final", "upheld", "fraud")]
    # 12-01: candidate list fixed (CANDIDATES).
    for n in candidates:
        decide(at("2017-12-01", minute_step=5, start=(9, 0)), n["id"], "Candidate",
               f"七個部門意見均無否決,硬性條件全部達到,綜合得分{two(n['final'])}分,"
               + ("列入候選名單。" if n["category"] == "brand" else "位列本類前十,列入候選名單。"))
    # 12-02: those left out, with reasons.
    for n in NOMS:
        p = n["plan"]
        t = None
        if p.startswith("gate:"):
            reason = GATE_REASON[p[5:]]
        elif p == "veto":
            reason = "市信訪局意見為否決(GATE-VETO):" + VETO[2]
        elif p == "below":
            reason = f"綜合得分{two(n['final'])}分,低于本類最低分數線{MIN_SCORE[n['category']]:.0f}分,寧缺毋濫,不予列入(NO-FILLER)。"
        elif p == "cut":
            reason = f"綜合得分{two(n['final'])}分,未進入本類前十名(名額10個),不列入候選名單。"
        else:
            continue
        decide(at("2017-12-02", minute_step=5, start=(9, 0)), n["id"], "Rejected", reason)
    # 12-04: notices published, one per category.
    for cat in ("brand", "window", "star"):
        ids = sorted((n for n in candidates if n["category"] == cat), key=lambda n: -n["final"])
        step(at("2017-12-04", start=(9, 0)), CHAIR, Var("Publish", {
            "category": cat, "candidates": [n["id"] for n in ids], "published": "2017-12-04", "by": CHAIR}))
    # Objections during the notice (12-04 .. 12-10).
    t1 = at("2017-12-05", start=(10, 30))
    step(t1, "heping", SVar("Object", {"nomination": OBJ_STAR, "objection": {
        "filed": iso(t1), "source": "市民來電(12345熱線)",
        "text": "反映1路公交車駕駛員田茂林今年10月曾在人民路路口闖紅燈,不應評為服務明星。",
        "fraud": False, "recorded_by": "heping", "status": Var("Open"), "resolution": None}}))
    t2 = at("2017-12-06", start=(15, 0))
    step(t2, "liuyang", SVar("Object", {"nomination": OBJ_BRAND, "objection": {
        "filed": iso(t2), "source": "群眾來信(署名)",
        "text": "反映滕州市公共交通有限公司8路、15路公交車今年下半年多次甩站、到站不停,駕駛員對老年乘客態度生硬,附乘車記錄和照片。",
        "fraud": False, "recorded_by": "liuyang", "status": Var("Open"), "resolution": None}}))
    t3 = at("2017-12-07", start=(9, 20))
    step(t3, "liuyang", SVar("Object", {"nomination": OBJ_FRAUD, "objection": {
        "filed": iso(t3), "source": "匿名舉報信",
        "text": "舉報運輸管理所服務窗口申報材料中的“全省交通運輸系統文明服務示范窗口”榮譽證書系偽造,省廳從未發文表彰。",
        "fraud": True, "recorded_by": "liuyang", "status": Var("Open"), "resolution": None}}))
    # Resolutions by the chair.
    step(at("2017-12-08", start=(10, 0)), CHAIR, SVar("Resolve", {
        "nomination": OBJ_STAR, "objection": stem(t1, 1), "upheld": False,
        "reason": "調取公交車載視頻和路口電子警察記錄核查,10月份該車輛在人民路路口均按信號通行,反映情況不屬實,不予采納。",
        "date": "2017-12-08"}))
    t = at("2017-12-09", start=(9, 0))
    step(t, CHAIR, SVar("Resolve", {
        "nomination": OBJ_FRAUD, "objection": stem(t3, 1), "upheld": True,
        "reason": "經向山東省交通運輸廳函詢,該廳復函確認2016年未對該窗口進行上述表彰,證書系偽造,舉報屬實。",
        "date": "2017-12-09"}))
    decide(at("2017-12-09", start=(9, 0)), OBJ_FRAUD, "Disqualified",
           "申報材料中榮譽證書系偽造(“全省交通運輸系統文明服務示范窗口”,省交通運輸廳復函確認未曾表彰),"
           "屬弄虛作假,依照通知要求立即取消參評資格。", fraud=True)
    step(at("2017-12-10", start=(10, 0)), CHAIR, SVar("Resolve", {
        "nomination": OBJ_BRAND, "objection": stem(t2, 1), "upheld": True,
        "reason": "經評委會調取線路GPS記錄并暗訪核實,8路、15路公交車9月至11月存在多次甩站情況,反映屬實,與“文明公交”品牌要求不符。",
        "date": "2017-12-10"}))
    decide(at("2017-12-10", start=(10, 0)), OBJ_BRAND, "Rejected",
           "公示期間群眾異議經核實成立(多次甩站、服務態度生硬),取消候選資格。")
    # 12-12: the notice is over, no objection open: the final list (CANDIDATES, COMMEND).
    for n in sorted((n for n in NOMS if n["plan"] == "final"), key=lambda n: (n["category"], -n["final"])):
        heard = "公示期間異議經核查不成立" if n["id"] == OBJ_STAR else "公示期滿無異議"
        decide(at("2017-12-12", minute_step=4, start=(9, 0)), n["id"], "Final",
               f"{heard},綜合得分{two(n['final'])}分,確定為正式入選。")


# ---------------------------------------------------------------- main


def main():
    gen_registrations()
    gen_update()
    gen_activities()
    gen_evaluations()
    gen_forms()
    plan = plan_scores()
    check_story()
    gen_scores(plan)
    gen_opinions()
    gen_votes()
    gen_december()
    STEPS.sort(key=lambda s: (s[0], s[1]))
    out = sys.stdout
    out.write("// history.ron — the scripted 2017 Tengzhou campaign (see schema/history.md).\n")
    out.write("// GENERATED by sample-repo/tools/generate_history.py; edit the script, not this file:\n")
    out.write("//     python3 sample-repo/tools/generate_history.py > sample-repo/history.ron\n")
    out.write("// Each step is one signed commit made by `pingxuan demo`: at (time), actor (member id), action.\n")
    out.write("// Planned final scores (0.7 x trimmed reviewer mean + 0.3 x mean routine/unannounced rating):\n")
    for n in NOMS:
        out.write(f"//   {n['id']}  {two(n['final']):>6}  spread {n['spread']:5.1f}  {n['plan']}\n")
    out.write("[\n")
    for t, _, actor, action in STEPS:
        s = {"at": iso(t), "actor": actor, "action": action}
        out.write("    " + pretty(s, 4) + ",\n")
    out.write("]\n")


if __name__ == "__main__":
    main()
