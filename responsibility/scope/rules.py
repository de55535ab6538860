"""What may be done, and every person-level rule: the table the scope's mechanism reads.

Organisation-level rights (`Action`) are granted by posts (see the package's docstring); person-
level rights (`PersonAction`) are one `Rule` each in `RULES`, keyed by action and model label.
"""

from __future__ import annotations

from typing import Literal, get_args

from ..person_rules import Grant, Rule

Action = Literal[
    "view",  # read the organisation's pages and checklist
    "view_results",  # read published scores and results
    "fill",  # fill in the organisation's checklist
    "review",  # score, reopen, verify (never one's own organisation)
    # record supervision findings: reviewers, liaisons, a 机关纪委's officers in their unit
    "supervise",
    "liaise",  # a liaison officer's own units: their progress (联系单位进度)
    "assign",  # assign a rectification (a reviewer's act, never a liaison's: domain.md §8a)
    # ... and a 机关纪委 officer's within their unit, for what they supervise (issue #20.6)
    "export",  # export results for the organisation
    "configure",  # years, templates, weights, onboarding
    "register",  # the accountability register (问责): confidential, 404 to everyone else
    "view_evidence",  # download a file: reviewers' own files (reviewers_only) are theirs (§8a)
    "lead",  # its 书记/副书记 (Post.LEAD_KINDS): name who does its obligations, see all its work
    # a 机关党委's key-points list (工作要点清单): whoever views it, and the officers and members
    # of the branches below it, which answer it (issue #20.5)
    "read_key_points",
]

PersonAction = Literal[
    "read",  # a notice, dispatch, year-end report or result: whom it names, or a right in scope
    "follow",  # follow up what one sent (who read a notice, each row of a dispatch): sender, admins
    "rate",  # vote on a year-end report: its raters, from wherever they are (domain.md §5)
    "work_on",  # a rectification or an obligation: its organisation's officers and the person named
    # name an obligation's assignee (谁来干); not "assign", which is the organisation right to
    # assign a rectification, asked of obligations too (accountability.sources)
    "delegate",
    "second",  # four-eyes: confirm a score or approve a ledger entry someone else gave
    "own",  # what is a person's own (a message, an export, a vote): nobody else's, admins neither
    "view_person",  # a person's cadre record: themself, admins, reviewers of one of their posts
    "record_person",  # record a person's rotation (岗位交流): who may view it, never about oneself
    # a person's own duties (个人履责, #19.1): the person, reviewers of the duty's organisation,
    # those who lead it (the 书记 of a 党组 sees its members' duties), admins
    "view_personal",
    # fill in a personal obligation: the person only (admins too); no one fills in another's
    "fill_personal",
    # record a leader's 分管 and 联系支部 and adjust their duties before the year starts:
    # reviewers and leads of one of their posts' organisations, admins; never about oneself
    "link_leader",
    "rate_person",  # rate a reported organisation's officers in the year-end 述职 (issue #19.3)
]
PERSON_ACTIONS: frozenset[str] = frozenset(get_args(PersonAction))

# Every person-level right, by action and model (app_label.modelname). The models live in higher
# apps; this table names them only as strings, so `responsibility` imports none of them.
RULES: dict[tuple[str, str], Rule] = {
    # Notices reach the organisations they were sent to; their sender keeps them.
    ("read", "accountability.notice"): Rule(
        names="sender", grants=(Grant("view", "recipients__organisation"),)
    ),
    # Dispatched tasks are for their sender and the reviewers of the organisations they reached.
    ("read", "accountability.dispatch"): Rule(
        names="sender", grants=(Grant("review", "obligations__organisation"),)
    ),
    ("follow", "accountability.notice"): Rule(names="sender"),
    ("follow", "accountability.dispatch"): Rule(names="sender"),
    # Raters configured for a report open it to vote even from outside its scope.
    ("read", "assessment.dutyreport"): Rule(names="raters", grants=(Grant("view"),)),
    ("rate", "assessment.dutyreport"): Rule(names="raters", admin=False),
    # A result is its reviewers' until published, then everyone's in scope (domain.md §8a).
    ("read", "assessment.annualresult"): Rule(
        grants=(Grant("review"), Grant("view_results", when="published_at")),
        refuse_inside="view",
    ),
    # A person result (个人抓党建考核, issue #19.3) is a person-level record (domain.md §8a):
    # the reviewers of the person's principal organisation and admins; the person once it is
    # published. Nobody else learns it exists (404).
    ("read", "assessment.personresult"): Rule(
        names="person", names_when="published_at", grants=(Grant("review"),)
    ),
    # The year-end 述职's ratings of the reported organisation's officers (执行力度, 监督力度):
    # those who review it (admins too), never its own officers (scope's "review").
    ("rate_person", "assessment.dutyreport"): Rule(grants=(Grant("review"),), refuse_inside="view"),
    ("work_on", "accountability.rectification"): Rule(
        names="responsible_person", grants=(Grant("fill"),), refuse_inside="view"
    ),
    ("second", "assessment.organisationreview"): Rule(
        grants=(Grant("review"),), unless="scored_by", refuse_inside="view"
    ),
    ("second", "assessment.ledgerentry"): Rule(
        grants=(Grant("review"),), unless="proposed_by", refuse_inside="view"
    ),
    # An obligation is its organisation's officers' to fill in, and its assignee's even without
    # an officer post there (a 党员 named for it); naming the assignee is for those who lead
    # the organisation and admins, never its reviewers: who does the work inside an
    # organisation is its own secretary's call (domain.md §2, 第一责任人).
    ("work_on", "responsibility.obligation"): Rule(
        names="assignee", grants=(Grant("fill"),), refuse_inside="view"
    ),
    ("delegate", "responsibility.obligation"): Rule(grants=(Grant("lead"),), refuse_inside="view"),
    ("delegate", "responsibility.checklistitem"): Rule(
        grants=(Grant("lead", "checklist__organisation"),), refuse_inside="view"
    ),
    # A 补课 (named attendance, #20.1) is made up by the absentee, or recorded by the officers
    # of the meeting's organisation; 404 to everyone else.
    ("work_on", "responsibility.meetingattendance"): Rule(names="person", grants=(Grant("fill"),)),
    ("own", "accountability.notification"): Rule(names="recipient", admin=False),
    ("own", "assessment.exportjob"): Rule(names="requested_by", admin=False),
    ("own", "assessment.vote"): Rule(names="rater", admin=False),
    # A 述职测评 rating is a ballot: its rater's alone (domain.md §8a).
    ("own", "assessment.personrating"): Rule(names="rater", admin=False),
    ("own", "responsibility.user"): Rule(names="pk", admin=False),
    # Person-level records: the person, reviewers in scope, admins (domain.md §8a).
    ("view_person", "responsibility.user"): Rule(
        names="pk", grants=(Grant("review", "posts__organisation"),)
    ),
    # People's own duties (个人履责, #19.1). The person fills theirs in; the secretary of their
    # organisation does not (it is the person's own record, and often the secretary's own).
    ("view_personal", "responsibility.personalobligation"): Rule(
        names="person", grants=(Grant("review"), Grant("lead"))
    ),
    ("fill_personal", "responsibility.personalobligation"): Rule(
        names="person", refuse_inside="view_personal"
    ),
    ("view_personal", "responsibility.personalduty"): Rule(
        names="person", grants=(Grant("review"), Grant("lead"))
    ),
    ("link_leader", "responsibility.user"): Rule(
        grants=(Grant("review", "posts__organisation"), Grant("lead", "posts__organisation")),
        unless="pk",
        refuse_inside="view_person",
    ),
    ("record_person", "responsibility.user"): Rule(
        grants=(Grant("review", "posts__organisation"),),
        unless="pk",
        refuse_inside="view_person",
    ),
}
