"""The upload form for onboarding from Excel (the checking itself is in onboarding.py)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .excel import XLSX_CONTENT_TYPE


class OnboardingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("请上传按模板填写的 .xlsx 文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> UploadedFile:
        uploaded: UploadedFile = self.cleaned_data["file"]
        name = (uploaded.name or "").lower()
        if name.endswith((".xls", ".et", ".csv")):
            raise forms.ValidationError(
                _("不支持该文件格式，请在 Excel 或 WPS 中另存为 .xlsx 后再上传。")
            )
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if uploaded.size is not None and uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(size)d MB 的上限，请拆分后分批导入。")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return uploaded
