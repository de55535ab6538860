"""Forms of the cadre record (issue #19.4): a rotation between posts, the business-backbone
pool. Shape checks only; the rules (dates against posts, the age limit) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from responsibility.forms import DateInput, model_choice_field
from responsibility.models import Organisation, Post, User

KIND_CHOICES = [("", "---------"), *Post.Kind.choices]
PARTY_KIND_CHOICES = [
    ("", "---------"),
    *((value, label) for value, label in Post.Kind.choices if value in Post.OFFICER_KINDS),
]


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Post) -> str:
        return f"{obj.organisation.name} · {obj.get_kind_display()}（{obj.start_date:%Y-%m-%d} 起）"


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return str(obj.name)


class RotationForm(forms.Form):
    moved_on = forms.DateField(label=_("交流日期"), widget=DateInput())
    from_post = PostChoiceField(
        label=_("结束的原职务"),
        queryset=Post.objects.none(),
        help_text=_("原职务于交流日期前一日结束。"),
    )
    organisation = OrganisationChoiceField(
        label=_("新任职组织"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("新职务"), choices=KIND_CHOICES)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(
        self,
        *args: Any,
        posts: QuerySet[Post],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "from_post").queryset = posts
        model_choice_field(self, "organisation").queryset = organisations


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.username}）"


class BackboneProposeForm(forms.Form):
    person = PersonChoiceField(label=_("人员"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("推荐理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = people


class BackboneDecideForm(forms.Form):
    """Select into a party-affairs post, or withdraw; `version` guards concurrent decisions."""

    SELECT = "select"
    WITHDRAW = "withdraw"

    decision = forms.ChoiceField(
        label=_("办理结果"), choices=[(SELECT, _("选入党务岗位")), (WITHDRAW, _("撤回"))]
    )
    on = forms.DateField(label=_("办理日期"), widget=DateInput())
    organisation = OrganisationChoiceField(
        label=_("党务岗位所在组织"), queryset=Organisation.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("党务岗位"), choices=PARTY_KIND_CHOICES, required=False)
    from_post = PostChoiceField(
        label=_("同时结束的原职务（岗位交流）"), queryset=Post.objects.none(), required=False
    )
    reason = forms.CharField(label=_("说明"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        posts: QuerySet[Post],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "from_post").queryset = posts
        model_choice_field(self, "organisation").queryset = organisations

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_error("version"):
            # A hidden field's error would show nowhere: say it where the form says its own.
            self.add_error(None, _("页面已过期，请刷新后重新提交。"))
        if data.get("decision") == self.SELECT:
            if not data.get("organisation"):
                self.add_error("organisation", _("请选择党务岗位所在组织。"))
            if not data.get("kind"):
                self.add_error("kind", _("请选择党务岗位。"))
        elif data.get("decision") == self.WITHDRAW and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请填写撤回理由。"))
        return data
