"""Real places and unit names the generated agencies are built from.

Codes are GB/T 2260 administrative division codes; the pinyin forms feed the agency slugs, so
generated ids read like the registry's real ones (``xinxiang-zjj``). The tables are small on
purpose: variety comes from combining them, not from their length.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """A jurisdiction that has a people's government of its own."""

    code: str
    name: str       # as it appears before 人民政府 ("新乡市", "沭阳县")
    pinyin: str     # slug stem ("xinxiang")
    level: str      # province | prefecture | county


PROVINCES: tuple[Place, ...] = tuple(Place(code, name, pinyin, "province") for code, name, pinyin in (
    ("110000", "北京市", "beijing"), ("120000", "天津市", "tianjin"), ("130000", "河北省", "hebei"),
    ("140000", "山西省", "shanxi"), ("150000", "内蒙古自治区", "neimenggu"), ("210000", "辽宁省", "liaoning"),
    ("220000", "吉林省", "jilin"), ("230000", "黑龙江省", "heilongjiang"), ("310000", "上海市", "shanghai"),
    ("320000", "江苏省", "jiangsu"), ("330000", "浙江省", "zhejiang"), ("340000", "安徽省", "anhui"),
    ("350000", "福建省", "fujian"), ("360000", "江西省", "jiangxi"), ("370000", "山东省", "shandong"),
    ("410000", "河南省", "henan"), ("420000", "湖北省", "hubei"), ("430000", "湖南省", "hunan"),
    ("440000", "广东省", "guangdong"), ("450000", "广西壮族自治区", "guangxi"), ("460000", "海南省", "hainan"),
    ("500000", "重庆市", "chongqing"), ("510000", "四川省", "sichuan"), ("520000", "贵州省", "guizhou"),
    ("530000", "云南省", "yunnan"), ("540000", "西藏自治区", "xizang"), ("610000", "陕西省", "shaanxi"),
    ("620000", "甘肃省", "gansu"), ("630000", "青海省", "qinghai"), ("640000", "宁夏回族自治区", "ningxia"),
    ("650000", "新疆维吾尔自治区", "xinjiang"),
))
#: Municipalities have districts directly under them: no prefecture-level places are made inside them.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

#: Real prefecture-level cities and counties used where their codes fall; other places get made-up names.
PREFECTURES: tuple[Place, ...] = (
    Place("320100", "南京市", "nanjing", "prefecture"),
    Place("321300", "宿迁市", "suqian", "prefecture"),
    Place("320500", "苏州市", "suzhou", "prefecture"),
    Place("330100", "杭州市", "hangzhou", "prefecture"),
    Place("331000", "台州市", "taizhou", "prefecture"),
    Place("331100", "丽水市", "lishui", "prefecture"),
    Place("330700", "金华市", "jinhua", "prefecture"),
    Place("350100", "福州市", "fuzhou", "prefecture"),
    Place("350700", "南平市", "nanping", "prefecture"),
    Place("350400", "三明市", "sanming", "prefecture"),
    Place("440300", "深圳市", "shenzhen", "prefecture"),
    Place("440100", "广州市", "guangzhou", "prefecture"),
    Place("441900", "东莞市", "dongguan", "prefecture"),
    Place("410700", "新乡市", "xinxiang", "prefecture"),
    Place("410100", "郑州市", "zhengzhou", "prefecture"),
    Place("370100", "济南市", "jinan", "prefecture"),
    Place("370200", "青岛市", "qingdao", "prefecture"),
    Place("510100", "成都市", "chengdu", "prefecture"),
    Place("530100", "昆明市", "kunming", "prefecture"),
    Place("610600", "延安市", "yanan", "prefecture"),
    Place("230100", "哈尔滨市", "haerbin", "prefecture"),
    Place("420100", "武汉市", "wuhan", "prefecture"),
    Place("341300", "宿州市", "suzhouah", "prefecture"),
    Place("520200", "六盘水市", "liupanshui", "prefecture"),
)

COUNTIES: tuple[Place, ...] = (
    Place("320115", "江宁区", "jiangning", "county"),
    Place("321322", "沭阳县", "shuyang", "county"),
    Place("321323", "泗阳县", "siyang", "county"),
    Place("320583", "昆山市", "kunshan", "county"),
    Place("330110", "余杭区", "yuhang", "county"),
    Place("330122", "桐庐县", "tonglu", "county"),
    Place("331082", "临海市", "linhai", "county"),
    Place("331121", "青田县", "qingtian", "county"),
    Place("330782", "义乌市", "yiwu", "county"),
    Place("350128", "平潭县", "pingtan", "county"),
    Place("350121", "闽侯县", "minhou", "county"),
    Place("440304", "福田区", "futian", "county"),
    Place("440305", "南山区", "nanshan", "county"),
    Place("440106", "天河区", "tianhe", "county"),
    Place("440111", "白云区", "baiyun", "county"),
    Place("410721", "新乡县", "xinxiangxian", "county"),
    Place("410782", "辉县市", "huixian", "county"),
    Place("410102", "中原区", "zhongyuan", "county"),
    Place("370112", "历城区", "licheng", "county"),
    Place("510107", "武侯区", "wuhou", "county"),
    Place("530102", "五华区", "wuhua", "county"),
    Place("610602", "宝塔区", "baota", "county"),
    Place("230112", "阿城区", "acheng", "county"),
    Place("230184", "五常市", "wuchang", "county"),
    Place("422827", "来凤县", "laifeng", "county"),
    Place("341302", "埇桥区", "yongqiao", "county"),
    Place("520204", "水城区", "shuicheng", "county"),
)

#: Government departments: (name stem, slug stem, suffix at province level, suffix below it).
DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("发展和改革", "fg", "委员会", "局"),
    ("教育", "jy", "厅", "局"),
    ("公安", "ga", "厅", "局"),
    ("民政", "mz", "厅", "局"),
    ("司法", "sf", "厅", "局"),
    ("财政", "cz", "厅", "局"),
    ("人力资源和社会保障", "rs", "厅", "局"),
    ("自然资源", "zrzy", "厅", "局"),
    ("生态环境", "sthj", "厅", "局"),
    ("住房和城乡建设", "zj", "厅", "局"),
    ("交通运输", "jtys", "厅", "局"),
    ("水利", "sl", "厅", "局"),
    ("农业农村", "nync", "厅", "局"),
    ("商务", "sw", "厅", "局"),
    ("卫生健康", "wj", "委员会", "委员会"),
    ("应急管理", "yjgl", "厅", "局"),
    ("审计", "sj", "厅", "局"),
    ("市场监督管理", "scjg", "局", "局"),
    ("统计", "tj", "局", "局"),
    ("医疗保障", "yb", "局", "局"),
    ("退役军人事务", "tyjr", "厅", "局"),
)

#: State Council departments (level ``national``), with the slugs their real hosts use.
MINISTRIES: tuple[tuple[str, str], ...] = (
    ("应急管理部", "mem"),
    ("退役军人事务部", "mva"),
    ("民政部", "mca"),
    ("公安部", "mps"),
    ("国家卫生健康委员会", "nhc"),
    ("国家市场监督管理总局", "samr"),
    ("国家税务总局", "chinatax"),
    ("中国证券监督管理委员会", "csrc"),
)

#: Two-character stems for made-up prefecture and county names (with the pinyin their slugs use).
PLACE_STEMS: tuple[tuple[str, str], ...] = (
    ("安平", "anping"), ("永和", "yonghe"), ("清源", "qingyuan"), ("临江", "linjiang"), ("东阳", "dongyang"),
    ("新城", "xincheng"), ("长宁", "changning"), ("宁远", "ningyuan"), ("平江", "pingjiang"), ("会同", "huitong"),
    ("武宁", "wuning"), ("高安", "gaoan"), ("丰城", "fengcheng"), ("广安", "guangan"), ("泰和", "taihe"),
    ("崇仁", "chongren"), ("宜黄", "yihuang"), ("乐平", "leping"), ("瑞昌", "ruichang"), ("德安", "dean"),
    ("南城", "nancheng"), ("黎川", "lichuan"), ("金溪", "jinxi"), ("安远", "anyuan"), ("龙南", "longnan"),
    ("定南", "dingnan"), ("宁都", "ningdu"), ("兴国", "xingguo"), ("会昌", "huichang"), ("石城", "shicheng"),
    ("遂川", "suichuan"), ("万安", "wanan"), ("安福", "anfu"), ("永新", "yongxin"), ("奉新", "fengxin"),
    ("靖安", "jingan"), ("铜鼓", "tonggu"), ("上高", "shanggao"), ("宜丰", "yifeng"), ("分宜", "fenyi"),
    ("芦溪", "luxi"), ("莲花", "lianhua"), ("浮梁", "fuliang"), ("彭泽", "pengze"), ("湖口", "hukou"),
    ("都昌", "duchang"), ("修水", "xiushui"), ("永修", "yongxiu"), ("余江", "yujiang"), ("贵溪", "guixi"),
    ("弋阳", "yiyang"), ("横峰", "hengfeng"), ("玉山", "yushan"), ("广丰", "guangfeng"), ("婺源", "wuyuan"),
    ("德兴", "dexing"), ("万年", "wannian"), ("余干", "yugan"), ("进贤", "jinxian"), ("安义", "anyi"),
)

#: Township name stems; a township is ``<stem>镇`` / ``<stem>乡`` / ``<stem>街道``.
TOWNSHIP_STEMS: tuple[tuple[str, str], ...] = (
    ("城关", "chengguan"), ("新安", "xinan"), ("东风", "dongfeng"), ("红星", "hongxing"),
    ("太平", "taiping"), ("永安", "yongan"), ("和平", "heping"), ("长安", "changan"),
    ("清河", "qinghe"), ("白塔", "baita"), ("石桥", "shiqiao"), ("龙泉", "longquan"),
    ("南湖", "nanhu"), ("金山", "jinshan"), ("民意", "minyi"), ("柳河", "liuhe"),
)
