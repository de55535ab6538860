"""The 403 page: says in Chinese what was refused, never the English reason meant for the log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .. import scope

# What each scope action lets a person do, as the refusal names it.
ACTIONS: dict[str, Promise] = {
    "view": _("查看该组织"),
    "view_results": _("查看考核结果"),
    "fill": _("填报该组织的工作"),
    "review": _("考核评审"),
    "supervise": _("记录督查发现"),
    "liaise": _("联络员联系单位"),
    "assign": _("交办整改"),
    "export": _("导出考核结果"),
    "configure": _("系统配置（仅管理员）"),
    "register": _("问责登记"),
    "view_evidence": _("查看该附件"),
    "lead": _("主持该组织的工作（书记、副书记）"),
    "read_key_points": _("查看机关党委工作要点"),
    "read": _("查看该内容"),
    "follow": _("跟踪本人发出的通知或任务"),
    "rate": _("参加述职评议投票"),
    "work_on": _("承办该任务或整改"),
    "delegate": _("指派承办人（本组织书记、副书记）"),
    "second": _("复核他人的评分或加减分"),
    "own": _("查看本人的内容"),
    "view_person": _("查看该人员档案"),
    "record_person": _("记录岗位交流"),
    "view_personal": _("查看该人员的个人履责"),
    "fill_personal": _("填报本人的个人履责"),
    "link_leader": _("记录分管与联系支部、调整个人履责"),
}

# The pages the menu links to, by URL name, as the menu names them.
PAGES: dict[str, Promise] = {
    "my_work": _("我的任务"),
    "progress_overview": _("进度总览"),
    "opinion_list": _("意见建议"),
    "round_list": _("季度检查"),
    "ledger_list": _("加减分"),
    "report_list": _("年底述职评议"),
    "result_list": _("年度考核结果"),
    "assessment_dashboard": _("数据看板"),
    "cadre_records": _("党务干部档案"),
    "training_list": _("党务知识培训"),
    "young_cadres": _("青年干部学习"),
    "scheme_edit": _("考核方案"),
    "rectification_list": _("整改台账"),
    "finding_list": _("督查发现"),
    "finding_create": _("记录督查发现"),
    "notice_list": _("通知"),
    "dispatch_list": _("任务交办"),
    "meeting_list": _("联络员会议"),
    "meeting_create": _("记录联络员会议"),
    "liaison_progress": _("联系单位进度"),
    "year_list": _("考核年度"),
    "onboarding_import": _("组织人员导入"),
}


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the page named (when it is one the menu offers), and what it needed."""
    match = request.resolver_match
    refused = exception if isinstance(exception, scope.Refused) else None
    context = {
        "page_name": PAGES.get(match.url_name or "") if match else None,
        "is_page": request.method in ("GET", "HEAD"),
        "needed": ACTIONS.get(refused.action) if refused else None,
        "anywhere": bool(refused and refused.anywhere),
    }
    return render(request, "403.html", context, status=403)
