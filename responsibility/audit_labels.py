"""Readable Chinese for the audit trail: what an entry's action code, changed fields and coded
values mean.

Every action the code writes and every key of the changes it records has a label here
(tests/responsibility/test_audit_labels.py reads the source and fails on a missing one). Unknown
codes still fall back to themselves, so an entry written by older code shows up (in code form)
rather than disappearing.

A few codes mean different things on different records ("status" of a review or of a ledger
entry, "pending" of a rectification or of a ledger entry): the action's prefix names the record,
and FIELDS_FOR / VALUES_FOR hold those records' own labels, checked before FIELDS / VALUES.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACTIONS = {
    # Sign-in, refusals, files handed out (responsibility/audit.py)
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.logout": _("退出登录"),
    "access.denied": _("拒绝访问"),
    "export": _("导出"),
    # The organisation tree and its people
    "organisation.create": _("新增组织"),
    "post.create": _("任命职务"),
    "post.end": _("结束任职"),
    "user.create": _("新增用户"),
    "user.update": _("修改用户信息"),
    # Years, templates and checklists
    "year.create": _("新建考核年度"),
    "year.activate": _("启动考核年度"),
    "year.close": _("结束考核年度"),
    "template.load_defaults": _("载入默认清单模板"),
    "template.import": _("导入清单模板"),
    "checklists.create": _("生成责任清单"),
    "checklist_item.create": _("新增清单事项"),
    "checklist_item.update": _("调整清单事项"),
    "checklist_item.key_point": _("关联工作要点"),
    # Obligations, evidence and opinions
    "obligation.fill": _("填报"),
    "obligation.reopen": _("重新开放填报"),
    "obligation.dispatch": _("交办任务"),
    "obligation.occurrence": _("记录开展情况"),
    "obligation.detach_evidence": _("移除佐证材料"),
    "obligation.assign": _("指派承办人"),
    "obligation.unassign": _("取消指派"),
    "checklist_item.assign": _("全年指派承办人"),
    "obligation.accept": _("认可履责记实"),
    "obligation.return": _("退回履责记实"),
    "reopen_request.create": _("申请重新开放填报"),
    "reopen_request.grant": _("同意重新开放申请"),
    "reopen_request.refuse": _("不同意重新开放申请"),
    "evidence.upload": _("上传佐证材料"),
    "opinion.submit": _("提交意见"),
    "opinion.acknowledge": _("回复意见"),
    # People's own duties (个人履责, #19.1)
    "personal_duties.create": _("生成个人履责清单"),
    "personal_duty.add": _("新增个人履责事项"),
    "personal_duty.update": _("调整个人履责事项"),
    "personal_obligation.fill": _("填报个人履责"),
    "personal_obligation.reopen": _("重新开放个人履责填报"),
    "personal_obligation.detach_evidence": _("移除个人履责佐证材料"),
    "leader_link.create": _("记录分管或联系支部"),
    "leader_link.end": _("结束分管或联系支部"),
    # Named attendance (#20.1)
    "meeting.attendance": _("登记出席情况"),
    "meeting.makeup": _("登记补课"),
    # Assessment
    "scheme.update": _("修改考核方案"),
    "grade_cap.add": _("限定最高等次"),
    "grade_cap.remove": _("取消等次限定"),
    "review_round.create": _("发起季度检查"),
    "review.start": _("开始评分"),
    "review.score": _("评分"),
    "review.self_assess": _("填写自评"),
    "review.submit": _("提交复核"),
    "review.return": _("退回评分"),
    "review.confirm": _("复核确认"),
    "review.publish": _("发布评分"),
    "ledger.propose": _("提出加减分"),
    "ledger.approve": _("批准加减分"),
    "ledger.reject": _("驳回加减分"),
    "report.save": _("保存述职报告"),
    "report.submit": _("提交述职报告"),
    "report.draft": _("从年度记录生成述职草稿"),
    "report.raters": _("指定测评人"),
    "report.comment": _("述职点评"),
    "report.close_meeting": _("结束述职评议会"),
    "vote.cast": _("民主测评投票"),
    "results.compute": _("计算年度考核结果"),
    "results.publish": _("发布年度考核结果"),
    "results.stale": _("考核结果待更新"),
    "results.refresh": _("更新待更新的考核结果"),
    "person_results.compute": _("计算个人考核结果"),
    "person_results.publish": _("发布个人考核结果"),
    "person_results.stale": _("个人考核结果待更新"),
    "person_results.refresh": _("更新待更新的个人考核结果"),
    "person_grade_cap.add": _("限定个人最高等次"),
    "person_grade_cap.remove": _("取消个人等次限定"),
    "person_rating.save": _("述职测评"),
    "training.create": _("登记培训"),
    "training.attendance": _("登记参训人员"),
    # Rotations recorded as free text before they were linked to posts (#19.4): history only.
    "rotation.add": _("登记岗位交流"),
    "rotation.record": _("岗位交流（结束原职务、开始新职务）"),
    "backbone.propose": _("推荐业务骨干人选"),
    "backbone.selected": _("业务骨干选入党务岗位"),
    "backbone.withdrawn": _("撤回业务骨干人选"),
    # Supervision and accountability
    "finding.create": _("登记督查发现"),
    "rectification.create": _("交办整改"),
    "rectification.update": _("修改整改"),
    "rectification.progress": _("报告整改进展"),
    "rectification.submit": _("提交复查"),
    "rectification.return": _("退回整改"),
    "rectification.close": _("复查销号"),
    "accountability.create": _("登记问责"),
    "accountability.update": _("修改问责"),
    "notice.publish": _("发布通知"),
    "dispatch.create": _("交办督办事项"),
    "liaison_meeting.create": _("登记联络员会议"),
    # Quality flags (质量提示, responsibility/services/quality.py)
    "quality_flag.dismiss": _("排除质量提示"),
    # Demonstration data (manage.py seed_demo --province)
    "demo.seed_province": _("生成演示数据"),
}
FIELDS: dict[str, StrOrPromise] = {
    # Requests
    "ip": _("IP 地址"),
    "user_agent": _("浏览器"),
    "username": _("用户名"),
    "locked_out": _("已锁定"),
    "method": _("请求方式"),
    "path": _("访问地址"),
    "what": _("导出内容"),
    "filters": _("筛选条件"),
    "unit": _("单位"),
    # People and organisations
    "code": _("组织编码"),
    "name": _("名称"),
    "tier": _("层级"),
    "user": _("用户"),
    "kind": _("类型"),
    "end_date": _("结束日期"),
    "full_name": _("姓名"),
    "phone": _("电话"),
    "email": _("电子邮箱"),
    "person": _("人员"),
    "from": _("原岗位"),
    "to": _("新岗位"),
    # Years, checklists, obligations
    "year": _("年度"),
    "count": _("数量"),
    "ref": _("编号"),
    "group": _("分组"),
    "content": _("内容"),
    "standard": _("完成标准"),
    "points": _("分值"),
    "frequency": _("频次"),
    "required_count": _("每期次数"),
    "due_days": _("截止天数"),
    "due_date": _("截止日期"),
    "responsible_post": _("责任岗位"),
    "is_meeting": _("会议类事项"),
    "deduction_rule": _("扣分规则"),
    "source": _("来源"),
    "sort_order": _("排序"),
    "status": _("状态"),
    "state": _("状态"),
    "completed_on": _("完成日期"),
    "description": _("完成情况"),
    "na_reason": _("不适用原因"),
    "is_late": _("逾期完成"),
    "meeting": _("会议记录"),
    "evidence": _("佐证材料"),
    "reason": _("原因"),
    "reopened_until": _("重新开放至"),
    "department": _("分管部门"),
    "start_date": _("开始日期"),
    "is_active": _("启用"),
    "review_state": _("审核状态"),
    "assignee": _("承办人"),
    "assignee_due_date": _("承办期限"),
    "obligation": _("任务"),
    "refusal_reason": _("不同意的原因"),
    "sha256": _("SHA-256 校验值"),
    "size": _("文件大小（字节）"),
    "reply": _("回复"),
    "key_point": _("落实的工作要点"),
    "key_points": _("涉及的工作要点"),
    # Named attendance (#20.1)
    "attendance": _("出席情况"),
    "makeup_on": _("补课日期"),
    "makeup_how": _("补课方式"),
    "create": _("新增"),
    "update": _("修改"),
    "deactivate": _("停用"),
    # Counts (year activation, results, demonstration data)
    "obligations": _("任务数"),
    "organisations": _("组织数"),
    "users": _("用户数"),
    "posts": _("任职数"),
    "checklists": _("清单数"),
    "checklist_items": _("清单事项数"),
    "meetings": _("会议记录数"),
    "opinions": _("意见数"),
    "personal_duties": _("个人履责事项数"),
    "personal_obligations": _("个人履责任务数"),
    "leader_links": _("分管与联系支部数"),
    "provinces": _("省份数"),
    "counts": _("数量"),
    "created": _("新建"),
    "updated": _("更新"),
    "versions": _("新版本"),
    "confirmed": _("确认未变"),
    "published": _("发布"),
    "stale": _("变化"),
    "detail": _("说明"),
    # Assessment
    "weight_process": _("过程考核权重"),
    "weight_quarterly": _("季度检查权重"),
    "weight_year_end": _("年底述职权重"),
    "good_min": _("“好”等次最低分"),
    "fairly_good_min": _("“较好”等次最低分"),
    "average_min": _("“一般”等次最低分"),
    "good_quota_percent": _("“好”等次比例上限"),
    "vote_good": _("测评“好”得分"),
    "vote_fairly_good": _("测评“较好”得分"),
    "vote_average": _("测评“一般”得分"),
    "vote_poor": _("测评“差”得分"),
    "late_deduction_percent": _("逾期扣分比例"),
    "no_evidence_deduction_percent": _("无佐证扣分比例"),
    "accountability_cap": _("被问责时最高等次"),
    "report_deadline": _("述职报告截止日期"),
    "person_weight_duties": _("个人履责权重"),
    "person_weight_org_lead": _("所在组织结果权重（书记、副书记）"),
    "person_weight_org_member": _("所在组织结果权重（其他职务）"),
    "person_weight_training": _("培训学时权重"),
    "person_weight_rating": _("述职测评权重"),
    "person_rectification_deduction": _("每项逾期或被退回整改扣分"),
    "training_hours_required": _("年度党务知识培训学时要求"),
    "person_accountability_cap": _("个人被问责时最高等次"),
    "again": _("修改测评"),
    "max_grade": _("最高等次"),
    "quarter": _("季度"),
    "opens_on": _("开始日期"),
    "closes_on": _("截止日期"),
    "self_assessment": _("自评"),
    "comment": _("意见"),
    "length": _("字数"),
    "attachments": _("附件"),
    "raters": _("测评人"),
    "text": _("内容"),
    "topic": _("主题"),
    "held_on": _("日期"),
    "hours": _("学时"),
    "added": _("新增人员"),
    # Drafted year-end reports (#20.4)
    "sections": _("述职报告各部分"),
    "kept_edits": _("保留修改的部分"),
    "sections_edited": _("已修改的部分"),
    # Supervision and accountability
    "title": _("标题"),
    "recipients": _("接收组织"),
    "agenda": _("议程"),
    "found_on": _("督查日期"),
    "severity": _("严重程度"),
    "problem": _("问题"),
    "measures": _("整改措施"),
    "deadline": _("整改期限"),
    "responsible_person": _("责任人"),
    "progress": _("整改进展"),
    "note": _("复查意见"),
    "target": _("问责对象"),
    "organisation": _("组织"),
    "form": _("问责方式"),
    "decided_on": _("决定日期"),
    "document": _("决定文书"),
}
# Fields whose meaning depends on the record, by the action's prefix.
FIELDS_FOR = {
    "access": {"status": _("响应状态码")},
    "export": {"people": _("人数")},
    "checklist_item": {
        "content": _("工作内容"),
        "evidence": _("佐证要求"),
        "source": _("依据"),
    },
    "template": {"create": _("新增事项"), "update": _("修改事项"), "deactivate": _("停用事项")},
    "obligation": {"content": _("工作内容")},
    "opinion": {"content": _("意见内容")},
    "rectification": {"source": _("问题来源"), "evidence": _("佐证材料")},
    "results": {"reason": _("重新计算原因")},
    "person_results": {"reason": _("重新计算原因")},
    "quality_flag": {"kind": _("提示类型"), "dismissal_reason": _("排除原因")},
    "dispatch": {"content": _("工作内容")},
    "rotation": {"moved_on": _("交流日期")},
    "backbone": {
        "reason": _("推荐理由"),
        "decided_on": _("办理日期"),
        "decision_reason": _("办理说明"),
        "post": _("选入的党务岗位"),
    },
}
# Actions whose changes are keyed by checklist item ref (a review's scores): "事项 1.2".
KEYED_BY_ITEM_REF = frozenset({"review.score"})
# Fields that record a list of names rather than a [before, after] pair.
LIST_FIELDS = frozenset(
    {"attachments", "raters", "added", "recipients", "create", "update", "deactivate"}
)

VALUES = {
    # Obligation.Status
    "not_started": _("未开始"),
    "in_progress": _("进行中"),
    "done": _("已完成"),
    "not_applicable": _("不适用"),
    # Frequency
    "once": _("一次性"),
    "monthly": _("每月"),
    "quarterly": _("每季度"),
    "half_yearly": _("每半年"),
    "yearly": _("每年"),
    "per_term": _("每届"),
    "as_needed": _("根据需要"),
    # Post.Kind (a checklist item's responsible_post)
    "secretary": _("书记"),
    "deputy_secretary": _("副书记"),
    "committee_member": _("委员"),
    "discipline_member": _("纪检委员"),
    "cadre_full_time": _("专职党务干部"),
    "cadre_part_time": _("兼职党务干部"),
    "liaison": _("联络员"),
    "member": _("党员"),
    # Grade (a grade cap, the scheme's accountability cap)
    "good": _("好"),
    "fairly_good": _("较好"),
    "average": _("一般"),
    "poor": _("差"),
    # What an export handed out, where a user came from
    "annual_results": _("年度考核结果"),
    "onboarding": _("批量导入"),
}
# Codes whose meaning depends on the record, by the action's prefix.
VALUES_FOR = {
    "obligation": {  # Obligation.ReviewState (its Status codes fall through to VALUES)
        "unreviewed": _("待审核"),
        "accepted": _("已认可"),
        "returned": _("已退回"),
        "resubmitted": _("重新提交待审核"),
    },
    "review": {  # OrganisationReview.Status
        "draft": _("评分中"),
        "submitted": _("待复核"),
        "returned": _("已退回"),
        "confirmed": _("已确认"),
        "published": _("已发布"),
    },
    "ledger": {  # LedgerEntry.Kind, LedgerEntry.Status
        "bonus": _("加分"),
        "deduction": _("减分"),
        "pending": _("待审批"),
        "approved": _("已批准"),
        "rejected": _("已驳回"),
    },
    "results": {  # assessment.stale.Change: why published results are out of date
        "cap": _("等次限制有变化"),
        "review": _("季度检查评分有变化"),
        "ledger": _("加减分有变化"),
        "vote": _("述职评议票有变化"),
        "scheme": _("考核方案有变化"),
        "organisation": _("所在组织考核结果有变化"),
        "rectification": _("本人负责的整改有变化"),
        "training": _("培训学时有变化"),
        "rating": _("述职测评有变化"),
    },
    "rectification": {  # Rectification.State, Rectification.SourceType (older entries)
        "pending": _("待整改"),
        "in_progress": _("整改中"),
        "submitted": _("待复查"),
        "closed": _("已销号"),
        "finding": _("督查发现"),
        "item_score": _("季度检查扣分"),
        "review_comment": _("述职点评意见"),
        "obligation": _("逾期任务"),
        "manual": _("其他"),
    },
    "quality_flag": {  # QualityFlag.Kind
        "same_file": _("同一文件重复佐证"),
        "meeting_date": _("会议日期不在任务周期内"),
        "similar_text": _("内容与其他记录高度相似"),
        "attendance": _("实到人数超过组织人数"),
        "backdated": _("截止前集中补录并倒填日期"),
    },
    "reopen_request": {  # ReopenRequest.State
        "pending": _("待处理"),
        "granted": _("已同意"),
        "refused": _("未同意"),
    },
    "finding": {  # Finding.Severity
        "minor": _("一般"),
        "major": _("较重"),
        "severe": _("严重"),
    },
    "accountability": {  # AccountabilityCase.TargetType, AccountabilityCase.Form
        "organisation": _("党组织"),
        "person": _("党员领导干部"),
        "inspection": _("检查"),
        "circulate": _("通报"),
        "reorganise": _("改组"),
        "admonish": _("诫勉"),
        "organisational": _("组织调整或组织处理"),
        "disciplinary": _("纪律处分"),
    },
}
# Values that name another record: "accountability:12" is the grade cap an accountability case set.
# Person results (issue #19.3) are marked for the same kinds of change.
VALUES_FOR["person_results"] = VALUES_FOR["results"]
REFERENCES = {"accountability": _("问责记录 #%(id)s")}


def _scope(action: str) -> str:
    return action.split(".", 1)[0]


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def field_label(field: str, action: str = "") -> str:
    if action in KEYED_BY_ITEM_REF:
        return str(_("事项 %(ref)s")) % {"ref": field}
    label = FIELDS_FOR.get(_scope(action), {}).get(field) or FIELDS.get(field, field)
    return str(label)


def value_label(value: Any, action: str = "") -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("是"))
    if value is False:
        return str(_("否"))
    if isinstance(value, list | tuple):
        return "、".join(value_label(v, action) for v in value)
    if isinstance(value, dict):
        return "；".join(
            f"{field_label(k, action)} {value_label(v, action)}" for k, v in value.items()
        )
    if not isinstance(value, str):
        return str(value)
    scoped = VALUES_FOR.get(_scope(action), {})
    if value in scoped:
        return str(scoped[value])
    if value in VALUES:
        return str(VALUES[value])
    prefix, _colon, ident = value.partition(":")
    if prefix in REFERENCES and ident.isdigit():
        return str(REFERENCES[prefix]) % {"id": ident}
    return value


def change_rows(changes: dict[str, Any], action: str = "") -> list[tuple[str, str, str | None]]:
    """(field, before, after) for display; a plain value (not a [before, after] pair) has no
    "before" and shows as after only."""
    rows: list[tuple[str, str, str | None]] = []
    for field, change in changes.items():
        label = field_label(field, action)
        if isinstance(change, list) and len(change) == 2 and field not in LIST_FIELDS:
            rows.append((label, value_label(change[0], action), value_label(change[1], action)))
        else:
            rows.append((label, value_label(change, action), None))
    return rows
