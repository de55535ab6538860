"""Default duty checklists per tier.

Sources: domain.md §3, the seed article, 《中国共产党支部工作条例（试行）》.
"""

from decimal import Decimal, InvalidOperation
from typing import TypedDict

# Conventions (they follow responsibility/periods.py):
# - due_days is counted from the END of each period for monthly/quarterly/half_yearly/yearly/
#   per_term items (a meeting must fall inside its period; due_days is the grace for filing the
#   record and evidence), but from the START of the year for "once" items (periods.due_date).
#   So every "once" item here is an early-in-the-year duty and its standard names the date.
# - "yearly" items with due_days 59 fall due at the end of February of the following year
#   (组织生活会, 民主评议党员, 民主生活会 are often held in January/February); 31 means 31 January.
# - A "per_term" item only falls due in the year the term ends; in other years its standard says
#   what counts as done, so that a tier's points still sum to 100 every year.
# - Deduction rules are count-based where the item recurs: points = periods × per-period deduction
#   (e.g. monthly, 6 points → 每少1次扣0.5分); every rule stops at the item's points (扣完为止).
# - Sources cite chapters rather than article numbers where the article number was not verified.


class DefaultItem(TypedDict):
    ref: str  # reference number, e.g. "ZB-2-03" (unique within the tier)
    group: str  # one of GROUPS
    content: str  # the duty, Chinese, concise but specific
    standard: str  # what "done" means / how it is checked (Chinese)
    points: str  # decimal as string, e.g. "6" or "2.5"
    frequency: str  # one of FREQUENCIES
    required_count: int  # how many times per period (usually 1)
    due_days: int  # days after the period ends that it is due ("once": from the year start)
    evidence: str  # expected evidence types, Chinese, separated by "、"
    responsible_post: str  # one of RESPONSIBLE_POSTS
    is_meeting: bool  # True for duties satisfied by a meeting (attendance/quorum expected)
    deduction_rule: str  # Chinese scoring rule text, e.g. "每少开1次扣0.5分，扣完为止"
    source: str  # regulation article or practice source, Chinese


GROUPS = [
    "政治建设",
    "思想建设",
    "组织建设",
    "作风建设",
    "纪律建设",
    "党建与业务融合",
    "党务干部队伍建设",
]
FREQUENCIES = ["once", "monthly", "quarterly", "half_yearly", "yearly", "per_term"]
RESPONSIBLE_POSTS = [
    "secretary",
    "deputy_secretary",
    "committee_member",
    "discipline_member",
    "cadre_full_time",
    "cadre_part_time",
]

# Sources cited repeatedly.
_ZB = "《中国共产党支部工作条例（试行）》"
_JG = "《中国共产党党和国家机关基层组织工作条例》"
_ZT = "《党委（党组）落实全面从严治党主体责任规定》"
_YS = "《党委（党组）意识形态工作责任制实施办法》"
_PX = "《全国党员教育培训工作规划》"
_FZ = "《中国共产党发展党员工作细则》"
_XJ = "《中国共产党基层组织选举工作条例》"
_JD = "《中国共产党党内监督条例》"
_SEED = "《牵住“牛鼻子” 下好“一盘棋”——推动落实机关党建工作责任制研究》"

DEFAULT_TEMPLATES: dict[str, list[DefaultItem]] = {
    # 党组（党委）：主体责任
    "party_group": [
        {
            "ref": "DZ-1-01",
            "group": "政治建设",
            "content": (
                "党组（党委）书记履行机关党建第一责任人职责，把机关党建摆在重要位置，"
                "重要工作亲自部署、重大问题亲自过问、重点环节亲自协调、重要案件亲自督办"
            ),
            "standard": (
                "年内书记主持研究、部署机关党建工作，对机关党委请示事项及时批示，"
                "对重点任务亲自督办；年底在述职报告中逐项说明履职情况"
            ),
            "points": "6",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "党组会议纪要、批示件、督办记录、述职报告",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "书记未亲自部署年度机关党建工作的扣3分；重点任务无督办记录的每项扣1分，扣完为止"
            ),
            "source": _ZT + "；" + _SEED + "（党组（党委）切实落实机关党建工作主体责任）",
        },
        {
            "ref": "DZ-1-02",
            "group": "政治建设",
            "content": "班子其他成员落实“一岗双责”，抓好分管部门（单位）和联系党支部的党建工作",
            "standard": (
                "班子成员每半年至少1次听取分管部门（单位）党建工作汇报或到联系党支部调研指导，"
                "每人每年至少参加1次联系党支部的组织生活，有记录可查"
            ),
            "points": "6",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "调研指导记录、汇报材料、联系点工作台账",
            "responsible_post": "committee_member",
            "is_meeting": False,
            "deduction_rule": "每半年有1名班子成员未落实的扣1分，每半年最多扣3分，扣完为止",
            "source": _ZT + "（领导班子其他成员“一岗双责”）",
        },
        {
            "ref": "DZ-1-03",
            "group": "政治建设",
            "content": (
                "定期召开党组（党委）会议专题研究机关党建工作，总结经验、分析不足，"
                "为机关党建把好方向、定准目标"
            ),
            "standard": (
                "每季度至少1次，全年不少于4次；有明确研究议题和会议记录，"
                "年初会议审定年度机关党建工作要点清单，年内听取机关党委工作汇报"
            ),
            "points": "8",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "会议通知、会议记录、会议纪要、研究议题材料",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "每少开1次扣2分；会议无党建议题或无会议记录的不计次数",
            "source": _SEED + "（党组（党委）定期研究机关党建工作）；" + _JG,
        },
        {
            "ref": "DZ-1-04",
            "group": "政治建设",
            "content": "召开领导班子年度民主生活会，严肃开展批评和自我批评，抓好问题整改",
            "standard": (
                "每年1次，最迟于次年2月底前召开（按上级统一部署）；会前学习研讨、征求意见、"
                "谈心谈话，会上逐一对照检查，会后制定整改清单并按期报送会议情况"
            ),
            "points": "5",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 59,
            "evidence": "会议方案、征求意见汇总、对照检查材料、会议记录、整改清单",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": (
                "未召开的扣5分；会前准备、会上对照检查、会后整改任一环节缺失的每项扣1分"
            ),
            "source": "《县以上党和国家机关党员领导干部民主生活会若干规定》",
        },
        {
            "ref": "DZ-1-05",
            "group": "政治建设",
            "content": (
                "向上级党组织和省委省级机关工委报告履行全面从严治党主体责任和机关党建工作情况，"
                "书记年底述职"
            ),
            "standard": (
                "次年1月31日前报送书面报告；书记在述职评议中报告抓机关党建工作情况，"
                "评议意见指出的问题列入整改"
            ),
            "points": "6",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 31,
            "evidence": "履行主体责任情况报告、述职报告、评议意见、整改清单",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "未按时报告或未述职的扣6分；报告未对照年度任务逐项说明的扣2分；"
                "评议问题未整改的每项扣1分"
            ),
            "source": _ZT + "；" + _SEED + "（年底述职）",
        },
        {
            "ref": "DZ-2-01",
            "group": "思想建设",
            "content": (
                "落实党组（党委）理论学习中心组学习制度，围绕学习贯彻习近平新时代中国特色社会主义思"
                "想开展集体学习研讨"
            ),
            "standard": (
                "年初制定学习计划；每季度集体学习不少于3次、全年不少于12次，"
                "其中专题研讨每季度至少1次；有学习记录和交流发言材料"
            ),
            "points": "6",
            "frequency": "quarterly",
            "required_count": 3,
            "due_days": 10,
            "evidence": "年度学习计划、学习记录、签到表、交流发言材料",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "每少1次集体学习扣0.5分；未制定年度学习计划的另扣1分，扣完为止",
            "source": "《中国共产党党委（党组）理论学习中心组学习规则》及上级年度学习安排",
        },
        {
            "ref": "DZ-2-02",
            "group": "思想建设",
            "content": "落实意识形态工作责任制，分析研判机关意识形态领域情况，加强阵地管理",
            "standard": (
                "每半年至少1次专题研究或分析研判意识形态工作，形成研判报告；"
                "每年向上级报告意识形态工作责任制落实情况"
            ),
            "points": "5",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "会议记录、研判报告、落实情况报告",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "每少1次专题研究或研判扣2.5分，扣完为止",
            "source": _YS,
        },
        {
            "ref": "DZ-2-03",
            "group": "思想建设",
            "content": "党组（党委）书记为机关党员讲党课",
            "standard": (
                "每年至少1次，围绕党的创新理论和本单位中心工作备课，讲稿或课件存档，"
                "覆盖机关全体党员（可分场次）"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "党课讲稿或课件、签到表、照片",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "未讲党课的扣4分",
            "source": _ZB + "第五章（党委（党组）书记每年至少讲1次党课）",
        },
        {
            "ref": "DZ-3-01",
            "group": "组织建设",
            "content": "统筹研究机关党的政治、思想、组织、作风、纪律建设，建立完善机关党建各项制度",
            "standard": (
                "年内梳理机关党建制度清单，对照五个方面建立或修订完善制度，经党组（党委）"
                "会议审定印发；制度执行情况纳入年底检查"
            ),
            "points": "6",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "制度清单、制度文件、党组会议纪要",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "未梳理制度清单的扣3分；五个方面每缺1个方面的制度扣1分，扣完为止",
            "source": _SEED + "（建立完善机关党建各项制度）",
        },
        {
            "ref": "DZ-3-02",
            "group": "组织建设",
            "content": (
                "支持机关党委开展工作，听取机关党委工作汇报，保障机关党建工作经费、场所和人员"
            ),
            "standard": (
                "每半年至少1次听取机关党委工作汇报并研究解决具体问题；机关党建工作经费列入预算，"
                "活动场所有保障"
            ),
            "points": "4",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "会议记录、汇报材料、经费预算文件",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "每少听取1次汇报扣2分，扣完为止",
            "source": _JG,
        },
        {
            "ref": "DZ-3-03",
            "group": "组织建设",
            "content": (
                "筹划阶段性机关党建考核目标，用好考核结果，将党建工作考核与年度考核、干部任用挂钩"
            ),
            "standard": (
                "年初确定阶段性考核目标和考核办法；年底听取考核结果，结果在本单位通报，"
                "并作为年度考核、干部选拔任用和岗位交流的重要依据，对考核发现问题督促按期整改"
            ),
            "points": "6",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 59,
            "evidence": "考核办法、考核结果通报、结果运用记录、整改清单",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "未确定考核目标的扣2分；考核结果未通报的扣2分；结果未运用的扣2分",
            "source": _SEED + "（明确考核程序、用好考核结果）",
        },
        {
            "ref": "DZ-3-04",
            "group": "组织建设",
            "content": (
                "班子成员严格落实双重组织生活制度，以普通党员身份参加所在党支部（党小组）组织生活"
            ),
            "standard": (
                "班子成员编入党支部，按时参加所在党支部（党小组）的“三会一课”和年度组织生活会，"
                "按月交纳党费"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "党支部会议签到表、组织生活会记录",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "班子成员未参加所在党支部年度组织生活会的每人次扣1分，扣完为止",
            "source": "《关于新形势下党内政治生活的若干准则》",
        },
        {
            "ref": "DZ-4-01",
            "group": "作风建设",
            "content": "带头落实中央八项规定及其实施细则精神，大兴调查研究，纠治形式主义、官僚主义",
            "standard": (
                "班子成员每人每年至少围绕党建与业务工作开展1次专题调研并形成调研报告；"
                "年内开展作风问题自查，问题建立清单并整改到位"
            ),
            "points": "6",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "调研报告、作风问题自查清单、整改台账",
            "responsible_post": "committee_member",
            "is_meeting": False,
            "deduction_rule": "班子成员每缺1篇调研报告扣1分；未开展作风问题自查的扣2分，扣完为止",
            "source": "中央八项规定及其实施细则；" + _ZT,
        },
        {
            "ref": "DZ-5-01",
            "group": "纪律建设",
            "content": (
                "履行全面从严治党（党风廉政建设）主体责任，年初召开会议部署并制定年度任务清单"
            ),
            "standard": (
                "每年3月31日前召开全面从严治党（党风廉政建设）工作会议，印发年度主体责任任务清单，"
                "任务分解到班子成员和部门（本项期限自年初起算）"
            ),
            "points": "6",
            "frequency": "once",
            "required_count": 1,
            "due_days": 89,
            "evidence": "会议记录、年度任务清单、责任分工文件",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "未召开部署会议的扣3分；未制定任务清单或未分解到人的扣3分",
            "source": _ZT,
        },
        {
            "ref": "DZ-5-02",
            "group": "纪律建设",
            "content": "支持机关纪委（派驻纪检监察组）开展监督，落实廉政谈话制度",
            "standard": (
                "书记每年与班子成员、班子成员每年与分管部门主要负责人至少开展1次廉政谈话；"
                "每年至少听取1次纪检工作汇报"
            ),
            "points": "5",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "廉政谈话记录、会议记录",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "每缺1人次廉政谈话扣0.5分；未听取纪检工作汇报的扣2分，扣完为止",
            "source": _ZT + "；" + _JD,
        },
        {
            "ref": "DZ-6-01",
            "group": "党建与业务融合",
            "content": (
                "坚持党建工作与业务工作同谋划、同部署、同推进、同考核，推动党建和业务深度融合"
            ),
            "standard": (
                "年度工作要点和重要部署会议对党建与业务一体安排；年底对部门（单位）"
                "党建和业务一体考核，“两张皮”问题有整改措施"
            ),
            "points": "8",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "年度工作要点、部署会议材料、一体考核方案及结果",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "年度工作要点未体现党建任务的扣3分；未实行一体考核的扣3分；"
                "“两张皮”问题未整改的扣2分"
            ),
            "source": _SEED + "（两手抓、两手硬、两促进）",
        },
        {
            "ref": "DZ-7-01",
            "group": "党务干部队伍建设",
            "content": "选优配强机关党委班子和专兼职党务干部",
            "standard": (
                "按规定配备机关党委专职副书记和专职党务干部；党支部书记一般由内设机构党员负责同志担"
                "任；党务干部出现空缺的3个月内补齐"
            ),
            "points": "5",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "任职文件、党务干部名册",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "专职党务干部未按规定配备的扣3分；党务干部空缺超过3个月未补齐的每人扣1分，扣完为止"
            ),
            "source": _JG + "；" + _SEED + "（加强队伍建设）",
        },
        {
            "ref": "DZ-7-02",
            "group": "党务干部队伍建设",
            "content": "把机关党建履职情况作为岗位交流的重要依据，拓展党务干部业务领域和上升通道",
            "standard": (
                "年内有计划地推进党务岗位与业务岗位干部交流，选拔青年党员业务骨干到党务工作岗位锻炼"
                "；干部任用考察中听取机关党委意见"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "干部交流计划、任职文件、考察材料",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "年内未开展党务与业务岗位交流的扣2分；干部考察未听取机关党委意见的每人次扣1分，"
                "扣完为止"
            ),
            "source": _SEED + "（用好考核结果、拓展党务干部上升通道）",
        },
    ],
    # 机关党委：直接责任（含机关纪委，合称“两委”）
    "organ_committee": [
        {
            "ref": "JG-1-01",
            "group": "政治建设",
            "content": (
                "坚决执行省委省级机关工委和党组（党委）的指示精神，及时传达学习并研究落实措施"
            ),
            "standard": (
                "每季度至少1次在机关党委会议上传达学习上级精神，明确落实措施和责任分工，"
                "形成落实台账"
            ),
            "points": "6",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "会议记录、学习材料、落实台账",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "每季度未传达学习的扣1.5分；有部署无落实措施的每次扣0.5分，扣完为止",
            "source": _SEED + "（考核机关党委执行指示精神是否坚决）；" + _JG,
        },
        {
            "ref": "JG-1-02",
            "group": "政治建设",
            "content": (
                "根据上级下发的党建工作重点，结合本级机关工作性质和特点，"
                "制定年度机关党建工作要点清单"
            ),
            "standard": (
                "每年1月31日前（本项期限自年初起算）报党组（党委）审定后印发；"
                "任务逐项明确责任单位、责任人、完成时限和分值，分解到各党支部"
            ),
            "points": "6",
            "frequency": "once",
            "required_count": 1,
            "due_days": 30,
            "evidence": "要点清单文件、党组会议纪要、任务分解表",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "未制定要点清单的扣6分；未经党组（党委）审定的扣2分；"
                "任务未分解到支部和责任人的扣2分"
            ),
            "source": _SEED + "（制定好年度机关党建工作要点清单）",
        },
        {
            "ref": "JG-1-03",
            "group": "政治建设",
            "content": "向党组（党委）和省委省级机关工委报告年度机关党建工作，机关党委书记年底述职",
            "standard": (
                "次年1月31日前报送年度工作总结和述职报告，对照要点清单逐项报告完成情况、"
                "存在问题和改进措施"
            ),
            "points": "5",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 31,
            "evidence": "年度工作总结、述职报告、评议意见",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "未按时报告或未述职的扣5分；未对照要点清单逐项报告的扣2分",
            "source": _JG + "；" + _SEED + "（年底述职）",
        },
        {
            "ref": "JG-2-01",
            "group": "思想建设",
            "content": "统筹机关党员理论学习，制定年度学习计划，组织专题辅导、读书班等集中学习",
            "standard": (
                "年初印发机关党员年度学习计划；全年至少组织2次专题辅导或读书班；"
                "督促党员完成年度集中学习培训学时（一般不少于32学时）"
            ),
            "points": "5",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "学习计划、专题辅导通知、签到表、学时统计",
            "responsible_post": "deputy_secretary",
            "is_meeting": False,
            "deduction_rule": (
                "未制定学习计划的扣2分；专题辅导每少1次扣1分；学时达标率低于90%的扣1分"
            ),
            "source": _PX + "；" + _JG,
        },
        {
            "ref": "JG-2-02",
            "group": "思想建设",
            "content": "分析机关党员干部思想状况，落实意识形态工作要求",
            "standard": (
                "每半年至少1次汇总各党支部思想动态分析情况，形成机关党员思想状况分析报告报党组（党"
                "委）"
            ),
            "points": "3",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "思想状况分析报告、报送记录",
            "responsible_post": "deputy_secretary",
            "is_meeting": False,
            "deduction_rule": "每少1次分析报告扣1.5分，扣完为止",
            "source": _YS + "；实践做法",
        },
        {
            "ref": "JG-2-03",
            "group": "思想建设",
            "content": "机关党委书记为机关党员讲党课",
            "standard": "每年至少1次，讲稿或课件存档，可结合专题辅导进行",
            "points": "3",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "党课讲稿或课件、签到表、照片",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "未讲党课的扣3分",
            "source": _ZB + "第五章（党委书记每年至少讲1次党课）",
        },
        {
            "ref": "JG-3-01",
            "group": "组织建设",
            "content": (
                "按照党组（党委）研究机关党建工作会议精神，召开机关“两委”会议，"
                "结合年度工作要点完成情况对重点任务进行总结和部署"
            ),
            "standard": (
                "每季度至少1次，机关党委、机关纪委委员参加，到会委员超过半数；有议题、有记录，"
                "形成下阶段任务分工"
            ),
            "points": "6",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "会议通知、会议记录、签到表、任务分工表",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "每少开1次扣1.5分；到会委员未超过半数的不计次数",
            "source": _SEED + "（适时召开机关“两委”会议）",
        },
        {
            "ref": "JG-3-02",
            "group": "组织建设",
            "content": "召开支部党建联络员会议，通报各党支部落实机关党建工作情况，督促检查重点任务",
            "standard": (
                "每季度至少1次，各党支部党建联络员参加；通报责任清单完成进度和逾期事项，"
                "明确整改要求"
            ),
            "points": "6",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "会议记录、签到表、进度通报",
            "responsible_post": "deputy_secretary",
            "is_meeting": True,
            "deduction_rule": "每少开1次扣1.5分",
            "source": _SEED + "（定期召开支部党建联络员会议）",
        },
        {
            "ref": "JG-3-03",
            "group": "组织建设",
            "content": "对党支部落实机关党建工作责任进行督促检查，及时跟进督导",
            "standard": (
                "每季度对各党支部开展1次检查（可与季度考核结合），覆盖全部党支部；形成检查通报，"
                "发现问题建立整改台账并跟踪销号"
            ),
            "points": "8",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "检查方案、检查记录、检查通报、整改台账",
            "responsible_post": "deputy_secretary",
            "is_meeting": False,
            "deduction_rule": (
                "每少检查1次扣2分；检查未覆盖全部党支部或问题未跟踪销号的每次扣0.5分，扣完为止"
            ),
            "source": _SEED + "（组织好检查督导）；" + _JG,
        },
        {
            "ref": "JG-3-04",
            "group": "组织建设",
            "content": "指导党支部按期换届和规范设置，及时调整补充支部委员",
            "standard": (
                "建立党支部任期台账，任期届满前提前提醒并审批换届请示；支部委员缺额的及时指导增补"
            ),
            "points": "3",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "任期台账、换届请示及批复、选举结果备案",
            "responsible_post": "cadre_full_time",
            "is_meeting": False,
            "deduction_rule": "每有1个党支部逾期未换届且未经批准延期的扣1分，扣完为止",
            "source": _XJ + "；" + _ZB + "第六章",
        },
        {
            "ref": "JG-3-05",
            "group": "组织建设",
            "content": "制定年度发展党员计划，审核把关发展党员程序，加强党员教育管理",
            "standard": (
                "年初制定发展党员计划；入党积极分子培训、发展对象审查、"
                "预备党员接收和转正按程序审批；组织关系转接和党员信息维护及时准确"
            ),
            "points": "3",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "发展党员计划、审批材料、培训记录、党员信息台账",
            "responsible_post": "cadre_full_time",
            "is_meeting": False,
            "deduction_rule": (
                "未制定发展计划的扣1分；发展党员程序不规范的每发现1处扣0.5分，扣完为止"
            ),
            "source": _FZ,
        },
        {
            "ref": "JG-3-06",
            "group": "组织建设",
            "content": "机关党委、机关纪委任期届满按期换届",
            "standard": (
                "每届任期5年；届满前提前向上级党组织书面请示，经批准后召开党员大会或党员代表大会选"
                "举；未到届期的年度，做好委员增补调整即视为完成"
            ),
            "points": "2",
            "frequency": "per_term",
            "required_count": 1,
            "due_days": 0,
            "evidence": "换届请示及批复、选举结果报告、会议记录",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "逾期未换届且未经批准延期的扣2分；未按程序请示的扣1分",
            "source": _JG + "；" + _XJ,
        },
        {
            "ref": "JG-3-07",
            "group": "组织建设",
            "content": "组织党支部书记抓党建工作述职评议，开展年度考核评价",
            "standard": (
                "次年2月底前完成；各党支部书记书面述职、会议评议“一述一评”，评议结果在机关内通报，"
                "并报党组（党委）作为年度考核和干部任用的依据"
            ),
            "points": "6",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 59,
            "evidence": "述职评议方案、述职报告、评议票汇总、结果通报",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": (
                "未组织述职评议的扣6分；未覆盖全部党支部的每缺1个扣1分；结果未通报的扣2分"
            ),
            "source": _SEED + "（过程监督、日常考核、年底述职一体的考核评价程序）",
        },
        {
            "ref": "JG-3-08",
            "group": "组织建设",
            "content": "受理党支部年度落实机关党建意见建议，逐条研究并反馈",
            "standard": (
                "每年3月31日前（本项期限自年初起算）对各党支部报送的意见建议逐条研究，"
                "采纳情况书面反馈到支部，合理建议纳入要点清单调整"
            ),
            "points": "3",
            "frequency": "once",
            "required_count": 1,
            "due_days": 89,
            "evidence": "意见建议汇总表、研究记录、反馈意见",
            "responsible_post": "deputy_secretary",
            "is_meeting": False,
            "deduction_rule": "未反馈的扣3分；每有1个党支部的意见建议未逐条答复扣0.5分，扣完为止",
            "source": _SEED + "（党支部提好年度意见建议）",
        },
        {
            "ref": "JG-4-01",
            "group": "作风建设",
            "content": "落实机关党委委员联系党支部制度，深入支部调查研究、帮助解决问题",
            "standard": (
                "每名委员至少联系1个党支部，每半年至少到联系支部指导1次，"
                "参加支部组织生活或开展调研，有指导记录"
            ),
            "points": "6",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "联系点安排、指导记录、调研报告",
            "responsible_post": "committee_member",
            "is_meeting": False,
            "deduction_rule": "每半年未落实的扣3分；有委员未到联系支部的每人次扣0.5分，扣完为止",
            "source": _SEED + "（对党支部及时跟进和督导）；实践做法",
        },
        {
            "ref": "JG-5-01",
            "group": "纪律建设",
            "content": "机关党委会同机关纪委开展党章党规党纪教育和警示教育",
            "standard": (
                "每半年至少组织1次集中纪律教育或警示教育（观看警示片、通报典型案例、廉政党课等），"
                "重要节假日前发送廉洁提醒"
            ),
            "points": "4",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "教育活动方案、签到表、照片、廉洁提醒通知",
            "responsible_post": "discipline_member",
            "is_meeting": False,
            "deduction_rule": "每少组织1次扣2分，扣完为止",
            "source": _JG + "（机关纪委职责）；" + _JD,
        },
        {
            "ref": "JG-5-02",
            "group": "纪律建设",
            "content": "机关纪委履行监督执纪问责职责，指导党支部纪检委员开展工作",
            "standard": (
                "年内至少1次召开纪检委员工作会议或培训；对党员违纪问题线索按规定处置，"
                "运用谈话提醒、批评教育等方式抓早抓小"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "会议记录、培训材料、谈话提醒记录、问题线索处置台账",
            "responsible_post": "discipline_member",
            "is_meeting": False,
            "deduction_rule": (
                "未召开纪检委员会议或培训的扣2分；问题线索未按规定处置的每件扣1分，扣完为止"
            ),
            "source": _JD + "；" + _JG,
        },
        {
            "ref": "JG-6-01",
            "group": "党建与业务融合",
            "content": (
                "制定党建与业务融合工作方案，指导各党支部确定融合项目，推动党建谋划与中心工作融合"
            ),
            "standard": (
                "年初印发融合工作方案，每个党支部至少确定1个融合项目；年中推进、年底评估成效，"
                "评选推广典型案例"
            ),
            "points": "8",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "融合工作方案、支部项目清单、评估报告、典型案例材料",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "未制定方案的扣3分；每有1个党支部未确定融合项目扣1分；未开展年底评估的扣2分，"
                "扣完为止"
            ),
            "source": _SEED + "（党建谋划和中心工作的融合）",
        },
        {
            "ref": "JG-6-02",
            "group": "党建与业务融合",
            "content": "跟踪各党支部融合项目推进情况，分析解决党建和业务“两张皮”问题",
            "standard": (
                "每季度至少1次了解融合项目进展（可在支部党建联络员会议上通报），"
                "对推进滞后的党支部提出改进要求"
            ),
            "points": "4",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "进展通报、改进要求",
            "responsible_post": "deputy_secretary",
            "is_meeting": False,
            "deduction_rule": "每少1次扣1分",
            "source": _SEED + "（破解党建和业务“两张皮”问题）",
        },
        {
            "ref": "JG-7-01",
            "group": "党务干部队伍建设",
            "content": (
                "组织党支部书记和专兼职党务干部党务知识培训，提升学习能力、"
                "党务工作能力和组织协调能力"
            ),
            "standard": (
                "每年至少组织1次集中培训，党支部书记、委员和专兼职党务干部参训率达到100%；"
                "新任支部书记任职1年内完成岗位培训"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "培训方案、培训通知、签到表、培训课件",
            "responsible_post": "deputy_secretary",
            "is_meeting": False,
            "deduction_rule": "未组织培训的扣4分；参训率每低10个百分点扣0.5分，扣完为止",
            "source": _SEED + "（通过党务知识培训增加党务知识储备）；" + _PX,
        },
        {
            "ref": "JG-7-02",
            "group": "党务干部队伍建设",
            "content": "结合青年党员干部特点，普及党务知识学习教育",
            "standard": (
                "每年至少组织1次面向青年党员干部的党务知识学习教育活动（专题培训、知识测试、"
                "交流研讨等），35岁以下党员参加率不低于90%"
            ),
            "points": "3",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "活动方案、签到表、测试或交流材料",
            "responsible_post": "cadre_full_time",
            "is_meeting": False,
            "deduction_rule": "未开展的扣3分；参加率低于90%的扣1分",
            "source": _SEED + "（夯实青年党员干部党务知识基础）",
        },
        {
            "ref": "JG-7-03",
            "group": "党务干部队伍建设",
            "content": "建立党务干部履职档案，推荐青年党员业务骨干到党务岗位锻炼",
            "standard": (
                "年内为专兼职党务干部建立或更新履职档案（培训、考核、交流情况）；向党组（党委）"
                "推荐党务岗位交流锻炼人选"
            ),
            "points": "2",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "履职档案、推荐材料",
            "responsible_post": "cadre_full_time",
            "is_meeting": False,
            "deduction_rule": "未建立或更新履职档案的扣1分；未推荐交流锻炼人选的扣1分",
            "source": _SEED + "（选拔青年党员业务骨干到党务工作岗位锻炼）",
        },
    ],
    # 党支部：落实责任
    "branch": [
        {
            "ref": "ZB-1-01",
            "group": "政治建设",
            "content": (
                "及时传达学习习近平总书记重要讲话和重要指示批示精神、"
                "党中央决策部署及上级党组织工作要求，研究落实措施"
            ),
            "standard": (
                "每季度至少1次在支部委员会会议或党员大会上专题传达学习并研究落实措施；重要会议、"
                "文件精神一般在下发后1个月内传达到全体党员，有传达记录和落实台账"
            ),
            "points": "6",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "会议记录、学习材料、落实台账",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "每季度未传达学习的扣1.5分；传达后未研究落实措施的每次扣0.5分，扣完为止"
            ),
            "source": _ZB + "第三章（党支部基本任务）",
        },
        {
            "ref": "ZB-1-02",
            "group": "政治建设",
            "content": (
                "对照机关党委年度机关党建工作要点清单，结合本支部实际提出年度落实意见建议，"
                "报机关党委"
            ),
            "standard": (
                "每年2月底前（要点清单印发后1个月内，本项期限自年初起算）书面报送；"
                "意见建议经支部委员会会议研究，明确落实措施、责任人和时限"
            ),
            "points": "3",
            "frequency": "once",
            "required_count": 1,
            "due_days": 58,
            "evidence": "意见建议文本、支部委员会会议记录、报送记录",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "未报送的扣3分；未经支部委员会研究或缺少落实措施的扣1分",
            "source": _SEED + "（提好年度支部落实机关党建的意见建议）",
        },
        {
            "ref": "ZB-1-03",
            "group": "政治建设",
            "content": "党支部书记年底向机关党委述职，报告抓党建工作履职情况，接受述职评议",
            "standard": (
                "次年1月31日前提交书面述职报告，对照责任清单逐项报告完成情况、"
                "存在问题和下一步措施；参加“一述一评”，评议指出的问题列入整改"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 31,
            "evidence": "述职报告、述职评议记录、整改清单",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": (
                "未述职的扣4分；未对照责任清单逐项报告的扣1分；评议问题未整改的每项扣0.5分，"
                "扣完为止"
            ),
            "source": _SEED + "（年底述职）",
        },
        {
            "ref": "ZB-2-01",
            "group": "思想建设",
            "content": (
                "制定年度学习计划，组织党员开展经常性理论学习，深入学习贯彻习近平新时代中国特色社会"
                "主义思想"
            ),
            "standard": (
                "年初制定学习计划；党员每年集中学习培训一般不少于32学时，学习有记录、有签到，"
                "可结合主题党日、党小组会开展；缺学党员及时补学"
            ),
            "points": "7",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "年度学习计划、学习记录、签到表、学时台账",
            "responsible_post": "committee_member",
            "is_meeting": False,
            "deduction_rule": (
                "未制定年度学习计划的扣2分；党员集中学习培训学时不达标的每人扣0.5分，扣完为止"
            ),
            "source": _PX + "；" + _ZB + "第三章",
        },
        {
            "ref": "ZB-2-02",
            "group": "思想建设",
            "content": "按期组织党员上党课，由支部书记、委员、党员领导干部讲授或邀请专家辅导",
            "standard": (
                "每季度至少1次；主题明确，有讲稿或课件，有签到；支部书记所讲党课可计入当季次数"
            ),
            "points": "4",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "党课讲稿或课件、签到表、照片",
            "responsible_post": "committee_member",
            "is_meeting": True,
            "deduction_rule": "每少1次扣1分",
            "source": _ZB + "第五章（“三会一课”）",
        },
        {
            "ref": "ZB-2-03",
            "group": "思想建设",
            "content": "党支部书记为全体党员讲党课",
            "standard": "每年至少1次，结合党的创新理论、本部门业务和党员思想实际备课，讲稿存档",
            "points": "3",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "党课讲稿或课件、签到表、照片",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "未讲党课的扣3分",
            "source": "实践做法；参照" + _ZB + "第五章关于党员领导干部讲党课的规定",
        },
        {
            "ref": "ZB-2-04",
            "group": "思想建设",
            "content": "开展党员思想状况分析，及时掌握和引导党员思想动态",
            "standard": (
                "每半年至少1次在支部委员会会议上分析党员思想状况，形成分析材料报机关党委；"
                "发现苗头性、倾向性问题及时谈心谈话"
            ),
            "points": "2",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "思想动态分析材料、支部委员会会议记录",
            "responsible_post": "committee_member",
            "is_meeting": False,
            "deduction_rule": "每少1次扣1分",
            "source": _YS + "；实践做法",
        },
        {
            "ref": "ZB-3-01",
            "group": "组织建设",
            "content": "召开支部党员大会，讨论决定支部重要事项，传达学习上级精神",
            "standard": (
                "每季度至少召开1次；到会有表决权的党员超过应到会有表决权党员的半数方可召开，"
                "会前确定议题，会后形成会议记录"
            ),
            "points": "8",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "会议记录、签到表、会议材料",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "每少开1次扣2分；到会人数未超过半数的会议不计次数",
            "source": _ZB + "第四章、第五章（“三会一课”）",
        },
        {
            "ref": "ZB-3-02",
            "group": "组织建设",
            "content": "召开支部委员会会议，研究部署支部日常工作，讨论发展党员、组织生活等重要事项",
            "standard": (
                "每月至少召开1次，根据需要可随时召开；到会委员超过半数；议题、"
                "讨论情况和决定事项记录完整"
            ),
            "points": "6",
            "frequency": "monthly",
            "required_count": 1,
            "due_days": 5,
            "evidence": "会议记录、签到表",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "每少开1次扣0.5分；到会委员未超过半数的会议不计次数",
            "source": _ZB + "第四章、第五章（“三会一课”）",
        },
        {
            "ref": "ZB-3-03",
            "group": "组织建设",
            "content": "各党小组召开党小组会，组织党员学习、交流思想、落实支部工作安排",
            "standard": (
                "每个党小组每月至少召开1次；不设党小组的党支部以党员集中学习替代；有会议记录和签到"
            ),
            "points": "3.6",
            "frequency": "monthly",
            "required_count": 1,
            "due_days": 5,
            "evidence": "会议记录、签到表",
            "responsible_post": "committee_member",
            "is_meeting": True,
            "deduction_rule": "每少开1次扣0.3分，扣完为止",
            "source": _ZB + "第四章、第五章（“三会一课”）",
        },
        {
            "ref": "ZB-3-04",
            "group": "组织建设",
            "content": (
                "每月相对固定1天开展主题党日，组织党员集中学习、过组织生活、民主议事和志愿服务"
            ),
            "standard": (
                "每月1次，日期相对固定；活动前支部委员会研究确定主题和内容，"
                "活动后抓好议定事项落实；缺席党员及时补课"
            ),
            "points": "6",
            "frequency": "monthly",
            "required_count": 1,
            "due_days": 5,
            "evidence": "活动方案、签到表、照片、活动记录",
            "responsible_post": "committee_member",
            "is_meeting": True,
            "deduction_rule": "每少开展1次扣0.5分",
            "source": _ZB + "第五章（主题党日）",
        },
        {
            "ref": "ZB-3-05",
            "group": "组织建设",
            "content": "召开年度组织生活会，开展批评和自我批评，抓好问题整改",
            "standard": (
                "每年至少1次，一般安排在第四季度，最迟于次年2月底前召开（按上级统一部署）；"
                "会前学习、谈心谈话、征求意见，会上查摆问题、开展批评和自我批评，"
                "会后制定整改措施并报机关党委"
            ),
            "points": "6",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 59,
            "evidence": "会议方案、征求意见汇总、会议记录、整改清单、照片",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "未召开的扣6分；会前准备、会上查摆、会后整改任一环节缺失的每项扣1分",
            "source": _ZB + "第五章（组织生活会）",
        },
        {
            "ref": "ZB-3-06",
            "group": "组织建设",
            "content": "开展民主评议党员，评定党员等次",
            "standard": (
                "每年1次，可结合组织生活会进行；按个人自评、党员互评、民主测评程序评议，"
                "支部委员会会议或党员大会提出优秀、合格、基本合格、不合格等评定意见，"
                "结果报机关党委备案"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 59,
            "evidence": "评议方案、民主测评表、评定结果、会议记录",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "未开展的扣4分；程序不完整或结果未备案的扣1分",
            "source": _ZB + "第五章（民主评议党员）",
        },
        {
            "ref": "ZB-3-07",
            "group": "组织建设",
            "content": "经常开展谈心谈话，支部委员之间、支部委员和党员之间、党员和党员之间相互谈心",
            "standard": (
                "每年谈心谈话一般不少于1次，实现全覆盖；党员思想波动、工作变动、"
                "家庭困难或受到处分时及时谈话；有谈话记录"
            ),
            "points": "5",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "谈心谈话计划、谈话记录",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "未实现全覆盖的每缺1人扣0.5分，扣完为止",
            "source": _ZB + "第五章（谈心谈话）",
        },
        {
            "ref": "ZB-3-08",
            "group": "组织建设",
            "content": "按计划做好发展党员工作，加强党员日常教育管理，及时办理组织关系转接",
            "standard": (
                "严格执行发展党员工作程序，培养考察材料齐全；党员组织关系转接和党员信息维护及时准确"
                "；对长期外派、离退休等党员落实教育管理措施"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "发展党员档案、组织关系转接记录、党员信息台账",
            "responsible_post": "committee_member",
            "is_meeting": False,
            "deduction_rule": (
                "发展党员程序不规范或材料缺失的每发现1处扣0.5分；组织关系转接不及时的每人次扣0.5分"
                "，扣完为止"
            ),
            "source": _FZ + "；" + _ZB + "第三章",
        },
        {
            "ref": "ZB-3-09",
            "group": "组织建设",
            "content": "按月收缴党费，建立党费收缴台账，按规定上缴",
            "standard": (
                "党员按月交纳党费（可按规定预交），交纳基数和比例准确；台账每月更新，"
                "按时足额上缴机关党委"
            ),
            "points": "2.4",
            "frequency": "monthly",
            "required_count": 1,
            "due_days": 5,
            "evidence": "党费收缴台账、交纳凭证",
            "responsible_post": "committee_member",
            "is_meeting": False,
            "deduction_rule": "每有1个月未按时收缴或台账未更新扣0.2分，扣完为止",
            "source": "《关于中国共产党党费收缴、使用和管理的规定》",
        },
        {
            "ref": "ZB-3-10",
            "group": "组织建设",
            "content": "支部委员会任期届满按期进行换届选举",
            "standard": (
                "每届任期一般3年；届满前提前向机关党委书面请示，经批准后召开党员大会选举，"
                "选举结果报机关党委审批；未到届期的年度，做好委员增补调整即视为完成"
            ),
            "points": "2",
            "frequency": "per_term",
            "required_count": 1,
            "due_days": 0,
            "evidence": "换届请示及批复、党员大会记录、选举结果报告",
            "responsible_post": "secretary",
            "is_meeting": True,
            "deduction_rule": "逾期未换届且未经批准延期的扣2分；未按程序请示的扣1分",
            "source": _ZB + "第六章；" + _XJ,
        },
        {
            "ref": "ZB-4-01",
            "group": "作风建设",
            "content": (
                "落实中央八项规定及其实施细则精神，组织党员开展志愿服务、联系服务群众，"
                "纠治形式主义、官僚主义"
            ),
            "standard": (
                "每半年至少组织1次志愿服务或联系服务群众活动；每年开展1次作风问题自查，"
                "问题建立清单并整改"
            ),
            "points": "5",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "活动记录、照片、作风问题自查清单、整改台账",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "每少开展1次活动扣2分；未开展作风问题自查的扣1分",
            "source": "中央八项规定及其实施细则；" + _ZB + "第三章",
        },
        {
            "ref": "ZB-5-01",
            "group": "纪律建设",
            "content": "开展党章党规党纪学习教育和警示教育，纪检委员履行监督职责",
            "standard": (
                "每半年至少组织1次纪律教育或警示教育（可结合主题党日）；重要节假日前开展廉洁提醒；"
                "纪检委员对党员遵规守纪情况进行日常监督"
            ),
            "points": "4",
            "frequency": "half_yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "教育活动记录、签到表、廉洁提醒通知",
            "responsible_post": "discipline_member",
            "is_meeting": False,
            "deduction_rule": "每少组织1次扣2分，扣完为止",
            "source": _ZB + "第三章；" + _JD,
        },
        {
            "ref": "ZB-6-01",
            "group": "党建与业务融合",
            "content": (
                "围绕部门中心工作和重点任务，设立党员先锋岗、责任区或攻坚项目，"
                "发挥党员先锋模范作用和支部战斗堡垒作用"
            ),
            "standard": (
                "每年至少确定1个党建与业务融合项目，年初明确目标、年中推进、年底总结成效；"
                "党员公开承诺、践诺有记录"
            ),
            "points": "7",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 15,
            "evidence": "项目方案、推进记录、党员承诺书、成效总结",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "未确定融合项目的扣7分；无推进记录的扣2分；无成效总结的扣2分",
            "source": _SEED + "（破解党建和业务“两张皮”问题）",
        },
        {
            "ref": "ZB-6-02",
            "group": "党建与业务融合",
            "content": "党建工作与业务工作同谋划、同部署、同检查，定期分析融合情况",
            "standard": (
                "每季度至少1次在支部委员会会议上结合业务工作研究党建工作，"
                "查找“两张皮”问题并明确改进措施"
            ),
            "points": "4",
            "frequency": "quarterly",
            "required_count": 1,
            "due_days": 10,
            "evidence": "支部委员会会议记录、改进措施",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "每少1次扣1分",
            "source": _SEED + "（两手抓、两手硬、两促进）",
        },
        {
            "ref": "ZB-7-01",
            "group": "党务干部队伍建设",
            "content": (
                "支部书记、委员和兼职党务干部参加党务知识培训，提升学习能力、"
                "党务工作能力和组织协调能力"
            ),
            "standard": (
                "支部书记、委员每年至少参加1次机关党委或上级组织的集中培训；新任支部书记、"
                "委员任职1年内完成岗位培训"
            ),
            "points": "4",
            "frequency": "yearly",
            "required_count": 1,
            "due_days": 0,
            "evidence": "培训通知、签到表、培训证明",
            "responsible_post": "secretary",
            "is_meeting": False,
            "deduction_rule": "每缺1人次扣1分，扣完为止",
            "source": _SEED + "（持续提高专兼职党务干部履职能力）；" + _PX,
        },
    ],
}

_MAX_LEN = {"ref": 30, "evidence": 200, "deduction_rule": 200, "source": 200}
_REQUIRED_GROUPS = set(GROUPS[:6])  # the five constructions plus 党建与业务融合
_TIERS_WITH_CADRE_GROUP = ("organ_committee", "branch")


def check() -> None:
    """Raise if a tier's points do not sum to 100 or a field is out of its vocabulary."""
    if set(DEFAULT_TEMPLATES) != {"party_group", "organ_committee", "branch"}:
        raise ValueError(f"unexpected tiers: {sorted(DEFAULT_TEMPLATES)}")
    fields = set(DefaultItem.__annotations__)
    for tier, items in DEFAULT_TEMPLATES.items():
        if not 14 <= len(items) <= 22:
            raise ValueError(f"{tier}: {len(items)} items, expected 14-22")
        total = Decimal(0)
        refs: set[str] = set()
        for item in items:
            ref = item["ref"]
            where = f"{tier} {ref}"
            if set(item) != fields:
                raise ValueError(f"{where}: fields differ: {sorted(set(item) ^ fields)}")
            if ref in refs:
                raise ValueError(f"{where}: duplicate ref")
            refs.add(ref)
            if item["group"] not in GROUPS:
                raise ValueError(f"{where}: unknown group {item['group']!r}")
            if item["frequency"] not in FREQUENCIES:
                raise ValueError(f"{where}: unknown frequency {item['frequency']!r}")
            if item["responsible_post"] not in RESPONSIBLE_POSTS:
                raise ValueError(f"{where}: unknown post {item['responsible_post']!r}")
            if item["required_count"] < 1:
                raise ValueError(f"{where}: required_count must be >= 1")
            if item["due_days"] < 0:
                raise ValueError(f"{where}: due_days must be >= 0")
            try:
                points = Decimal(item["points"])
            except InvalidOperation as exc:
                raise ValueError(f"{where}: points {item['points']!r} is not a decimal") from exc
            if not points.is_finite() or points <= 0 or points != points.quantize(Decimal("0.01")):
                raise ValueError(f"{where}: points must be > 0 with at most 2 decimals")
            total += points
            for name in ("content", "standard", "evidence", "deduction_rule", "source"):
                if not str(item.get(name, "")).strip():
                    raise ValueError(f"{where}: {name} is empty")
            for name, limit in _MAX_LEN.items():
                if len(str(item.get(name, ""))) > limit:
                    raise ValueError(f"{where}: {name} longer than {limit} characters")
        if total != Decimal(100):
            raise ValueError(f"{tier}: points sum to {total}, expected 100")
        groups = {item["group"] for item in items}
        required = set(_REQUIRED_GROUPS)
        if tier in _TIERS_WITH_CADRE_GROUP:
            required.add("党务干部队伍建设")
        if missing := required - groups:
            raise ValueError(f"{tier}: groups not covered: {sorted(missing)}")


if __name__ == "__main__":
    check()
    print("ok")
