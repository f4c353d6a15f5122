"""Forms of the reporting cycle; every text field refuses markup, every file its size before its bytes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from servq.core.validators import no_markup
from servq.reporting import rules
from servq.reporting.models import Frequency, Grade, ProgressStatus


class PeriodsForm(forms.Form):
    frequency = forms.ChoiceField(label=_("填報頻率"), choices=Frequency.choices)
    due_rule = forms.CharField(
        label=_("填報期限"),
        max_length=100,
        initial="結束後10個工作日內",
        validators=[no_markup],
        help_text=_("例如「結束後10個工作日內」、「次年1月15日前」、「次月10日前」"),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新開放理由"), max_length=300, validators=[no_markup])


class ScheduleForm(forms.Form):
    steps = forms.CharField(
        label=_("作業時程"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        validators=[no_markup],
        help_text=_(
            "每列一項：作業項目｜時程，或 作業項目｜辦理單位｜時程"
            "（時程例如「2 月至 4 月」、「上半年」、「12 月下旬至次年 1 月」）"
        ),
    )

    def clean_steps(self) -> list[tuple[str, str, str]]:
        try:
            return rules.schedule_rows(self.cleaned_data["steps"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("執行狀態"), choices=ProgressStatus.choices)
    narrative = forms.CharField(
        label=_("辦理情形及成效"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )
    # The entry's version and what the page showed when it was opened: a save writes only an item
    # this person changed, and an item someone else saved since is a conflict, never overwritten.
    lock = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, indicators: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            if indicator.measure_key:
                continue
            self.fields[f"actual_{indicator.pk}"] = forms.CharField(
                label=_("%(name)s 實際值") % {"name": indicator.name},
                required=False,
                max_length=30,
                help_text=indicator.unit,
            )
        # Evidence added with the save: real fields, so a refused save shows them again as typed.
        self.fields["link_url"] = forms.URLField(
            label=_("佐證連結"), required=False, max_length=1000, assume_scheme="https"
        )
        self.fields["link_title"] = forms.CharField(label=_("連結說明"), required=False, max_length=200)

    @staticmethod
    def digest(status: str, narrative: str, actuals: dict[int, str]) -> str:
        """A fingerprint of an item's report as shown: what the page had, to tell what was changed."""
        shown = json.dumps(
            [status, narrative.strip(), sorted((k, str(v)) for k, v in actuals.items() if str(v))]
        )
        return hashlib.sha256(shown.encode()).hexdigest()[:32]

    def changed_by_user(self) -> bool:
        data = self.cleaned_data
        return self.digest(data["status"], data["narrative"], self.actuals()) != (data.get("seen") or "")

    def actuals(self) -> dict[int, str]:
        return {
            int(name.removeprefix("actual_")): value or ""
            for name, value in self.cleaned_data.items()
            if name.startswith("actual_")
        }


class EvidenceFileForm(forms.Form):
    file = forms.FileField(label=_("佐證檔案"), help_text=_("PDF、圖片、ODF 或 Office 文件"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        problem = self.size_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload

    @staticmethod
    def size_problem(upload: Any) -> str | None:
        """Refused before reading: a file over the limit is named with its size."""
        limit = settings.SERVQ_EVIDENCE_MAX_BYTES
        if upload.size <= limit:
            return None
        return str(
            _("「%(name)s」有 %(size)s 位元組，超過上限 %(limit)s 位元組。")
            % {"name": upload.name, "size": f"{upload.size:,}", "limit": f"{limit:,}"}
        )


class EvidenceLinkForm(forms.Form):
    url = forms.URLField(label=_("佐證連結"), max_length=1000, assume_scheme="https")
    title = forms.CharField(label=_("連結說明"), max_length=200, required=False, validators=[no_markup])


class SelfEvaluationForm(forms.Form):
    overall = forms.ChoiceField(label=_("整體評等"), choices=[("", "—"), *Grade.choices], required=False)
    summary = forms.CharField(
        label=_("整體說明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )

    def __init__(self, *args: Any, items: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"grade_{item.pk}"] = forms.ChoiceField(
                label=_("第%(n)s項評等") % {"n": item.position + 1},
                choices=[("", "—"), *Grade.choices],
                required=False,
            )
            self.fields[f"remark_{item.pk}"] = forms.CharField(
                label=_("第%(n)s項說明") % {"n": item.position + 1},
                required=False,
                max_length=1000,
                validators=[no_markup],
            )

    def grades(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            item.pk: (data[f"grade_{item.pk}"], data.get(f"remark_{item.pk}", ""))
            for item in self.items
            if data.get(f"grade_{item.pk}")
        }


class YearEndForm(forms.Form):
    summary = forms.CharField(
        label=_("綜合說明"),
        required=False,
        max_length=10000,
        help_text=_(
            "初稿由 servq 依各項目的填報與指標的量測值寫成，只含系統算出或同仁填寫的數字；請修改補充後彙整。"
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        validators=[no_markup],
    )
