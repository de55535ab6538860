"""The province seed's records as quality flags (质量提示, issue #20.3) would meet them: mostly
honest, with a small share of the patterns the checks look for, in set-based statements.

`fill_in` writes the shape of a year (who did what, when); this makes the records themselves
believable before the flags are computed on them: every evidence row its own file (the fill-in
points all of them at three shared files, which would make every file look reused), meetings
held within their period and counted against the organisation's roster, minutes that read like
minutes. Then, by the same hash of the id as `fill_in` (per mille):
- 4‰ of evidence rows are the previous row's file again (mostly the same branch, another period);
- 1 in 10 meetings done late was held after its period (the rest held on time, filed late);
- 5‰ of meetings claim more attendees than the roster had people;
- 3‰ of meetings' minutes are the previous period's, with only the month changed;
- 1% of branches typed in a whole deadline's records on its last evening, backdated.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from ..models import (
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    Organisation,
    Post,
    Tier,
    Year,
)

H = "((o.id * 2654435761) %% 1000)"
EVIDENCE_HASH = "((e.id * 2654435761) %% 1000)"
OPENINGS = [
    "会议由支部书记主持，",
    "会议由支部副书记主持，",
    "会议由组织委员主持，",
    "书记主持会议并讲话，",
    "会议由支部书记召集并主持，",
    "会议由宣传委员主持，",
]
AGENDA = [
    "传达学习了上级党组织近期会议和文件精神，结合本支部实际研究贯彻措施；",
    "集体学习党章和《中国共产党支部工作条例（试行）》有关章节，交流学习体会；",
    "通报了上期工作完成情况，逐项分析差距，明确整改责任人和时限；",
    "研究了党员发展、教育管理和党费收缴工作，对积极分子培养作出安排；",
    "围绕党建与业务融合开展讨论，结合处室重点任务提出具体措施；",
    "听取党小组工作汇报，就主题党日活动安排和志愿服务进行了讨论；",
    "开展警示教育，学习典型案例通报，党员结合岗位查找廉政风险点；",
    "讨论了谈心谈话安排，确定支委与党员结对谈心名单和时间；",
    "学习了《中国共产党纪律处分条例》，围绕遵规守纪谈认识、谈做法；",
    "研究年度述职准备工作，梳理全年责任清单完成情况和佐证材料；",
    "对照检视问题清单，逐条对账销号，未完成事项明确下一步措施；",
    "部署下阶段青年理论学习小组活动，确定学习专题和领学人；",
]
STUDIES = [
    "领学人结合业务工作谈了学习体会，三名党员作交流发言。",
    "与会同志围绕如何发挥党员先锋模范作用展开讨论。",
    "大家结合近期窗口服务中群众反映的问题查找不足。",
    "会上对上期会议确定事项的落实情况逐项作了说明。",
    "支委分别汇报了分管工作进展，书记作点评。",
    "会议对两名同志的入党申请进行了讨论。",
    "党员代表介绍了参加志愿服务的情况和体会。",
    "与会同志对照岗位职责查摆了作风方面的问题。",
    "会议听取了党费收缴和使用情况的报告。",
    "大家就改进会议记录和材料归档提出了建议。",
]
DECISIONS = [
    "会议确定下一阶段三项重点任务。",
    "会议要求各党小组按时报送学习记录。",
    "会议决定由组织委员牵头落实会议事项。",
    "会议明确了任务分工和完成时限。",
    "会议形成纪要并报机关党委备案。",
    "会后将会议精神传达到全体党员。",
    "会议要求下次会议前报送落实情况。",
    "会议同意将有关事项提交党员大会讨论。",
]


def _array(texts: list[str], prefix: str) -> tuple[str, dict[str, str]]:
    names = {f"{prefix}{n}": text for n, text in enumerate(texts)}
    return "ARRAY[" + ", ".join(f"%({name})s" for name in names) + "]", names


def make_realistic(year: Year, today: datetime.date) -> None:
    """Rewrite the fill-in's records as described in the module's docstring (PostgreSQL)."""
    o, m, e = Obligation._meta.db_table, MeetingRecord._meta.db_table, Evidence._meta.db_table
    links = Obligation.evidence.through._meta.db_table
    posts, orgs = Post._meta.db_table, Organisation._meta.db_table
    items, tiers = ChecklistItem._meta.db_table, Tier._meta.db_table
    openings, p1 = _array(OPENINGS, "open")
    agenda, p2 = _array(AGENDA, "agenda")
    decisions, p3 = _array(DECISIONS, "decide")
    studies, p4 = _array(STUDIES, "study")
    params: dict[str, Any] = {"year": year.pk, "today": today, **p1, **p2, **p3, **p4}
    statements = [
        # Every evidence row its own file (its digest derived from the shared file's and its id).
        f"""
        UPDATE {e} SET sha256 = encode(sha256(convert_to(sha256 || ':' || id, 'UTF8')), 'hex')
        WHERE id IN (SELECT l.evidence_id FROM {links} l JOIN {o} o ON o.id = l.obligation_id
                     WHERE o.year_id = %(year)s)
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
        # 4 per mille: the previous evidence row's file again.
        f"""
        UPDATE {e} AS e SET sha256 = prev.sha256
        FROM {e} AS prev
        WHERE prev.id = e.id - 1 AND {EVIDENCE_HASH} < 4
          AND e.id IN (SELECT l.evidence_id FROM {links} l JOIN {o} o ON o.id = l.obligation_id
                       WHERE o.year_id = %(year)s)
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
        # Meetings filed late were mostly held on time: 9 in 10 within their period.
        f"""
        UPDATE {m} AS m SET held_on = o.period_end - (o.id %% 5)::int
        FROM {o} o
        WHERE o.id = m.obligation_id AND o.year_id = %(year)s AND m.held_on > o.period_end
          AND NOT (o.is_late AND {H} %% 10 = 0)
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
        # Expected: the roster on the day; attended: most of it, with a quorum.
        f"""
        UPDATE {m} AS m SET expected_count = r.n,
            attended_count = r.n - LEAST((m.obligation_id %% 3)::int, (r.n - 1) / 2)
        FROM (
            SELECT m2.obligation_id, COUNT(DISTINCT p.user_id) AS n
            FROM {m} m2 JOIN {o} o ON o.id = m2.obligation_id
            JOIN {posts} p ON p.organisation_id = o.organisation_id
                AND p.start_date <= m2.held_on AND (p.end_date IS NULL OR p.end_date >= m2.held_on)
            WHERE o.year_id = %(year)s
            GROUP BY m2.obligation_id
        ) r
        WHERE r.obligation_id = m.obligation_id AND r.n > 0
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
        # 5 per mille claim more than the roster.
        f"""
        UPDATE {m} AS m SET attended_count = m.expected_count + 1 + (o.id %% 3)::int,
                            expected_count = m.expected_count + 2 + (o.id %% 3)::int
        FROM {o} o
        WHERE o.id = m.obligation_id AND o.year_id = %(year)s AND {H} >= 500 AND {H} < 505
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
        # Minutes: the date, the organisation, the topic, what was discussed and decided.
        f"""
        UPDATE {m} AS m SET minutes =
            to_char(m.held_on, 'YYYY"年"FMMM"月"FMDD"日"') || '，' || g.name || '召开'
            || o.period_label || LEFT(i.content, 24) || '。'
            || ({openings})[1 + get_byte(r.md5, 0) %% {len(OPENINGS)}]
            || ({agenda})[1 + get_byte(r.md5, 1) %% {len(AGENDA)}]
            || ({agenda})[1 + get_byte(r.md5, 2) %% {len(AGENDA)}]
            || ({agenda})[1 + get_byte(r.md5, 5) %% {len(AGENDA)}]
            || ({studies})[1 + get_byte(r.md5, 3) %% {len(STUDIES)}]
            || ({studies})[1 + get_byte(r.md5, 6) %% {len(STUDIES)}]
            || ({decisions})[1 + get_byte(r.md5, 4) %% {len(DECISIONS)}]
            || ({decisions})[1 + get_byte(r.md5, 7) %% {len(DECISIONS)}]
            || '应到' || m.expected_count || '人，实到' || m.attended_count || '人。'
        FROM {o} o JOIN {orgs} g ON g.id = o.organisation_id JOIN {items} i ON i.id = o.item_id,
             LATERAL (SELECT decode(md5(o.id::text), 'hex') AS md5) r
        WHERE o.id = m.obligation_id AND o.year_id = %(year)s
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
        # 3 per mille: the previous period's minutes of the same item, only the month changed.
        f"""
        UPDATE {m} AS m SET minutes = replace(prev.minutes, prev.period_label, prev.label_now)
        FROM (
            SELECT m2.obligation_id,
                   LAG(m2.minutes) OVER w AS minutes,
                   LAG(o.period_label) OVER w AS period_label,
                   o.period_label AS label_now, o.id AS oid
            FROM {m} m2 JOIN {o} o ON o.id = m2.obligation_id
            WHERE o.year_id = %(year)s
            WINDOW w AS (PARTITION BY o.item_id ORDER BY o.period_start)
        ) prev
        WHERE prev.obligation_id = m.obligation_id AND prev.minutes IS NOT NULL
          AND ((prev.oid * 2654435761) %% 1000) BETWEEN 600 AND 602
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
        # 1% of branches: a past deadline's records typed in on its last evening, backdated.
        f"""
        WITH last AS (
            SELECT DISTINCT ON (o.organisation_id) o.organisation_id, o.due_date
            FROM {o} o JOIN {orgs} g ON g.id = o.organisation_id
            JOIN {tiers} t ON t.id = g.tier_id
            WHERE o.year_id = %(year)s AND t.kind = 'branch' AND o.due_date < %(today)s
              AND ((g.id * 2654435761) %% 100) = 7
            ORDER BY o.organisation_id, o.due_date DESC
        )
        UPDATE {o} AS o SET status = 'done', is_late = FALSE, na_reason = '',
            completed_on = o.period_start + (o.id %% 3)::int,
            updated_at = ((o.due_date - 1) + time '21:40') AT TIME ZONE 'Asia/Shanghai',
            updated_by_id = (SELECT p.user_id FROM {posts} p WHERE p.kind = 'secretary'
                             AND p.organisation_id = o.organisation_id ORDER BY p.id LIMIT 1)
        FROM last
        WHERE o.organisation_id = last.organisation_id AND o.due_date = last.due_date
          AND o.year_id = %(year)s
          AND o.period_start + (o.id %% 3)::int <= o.due_date - 15
        """,  # noqa: S608 - identifiers from model metadata, values as parameters
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
