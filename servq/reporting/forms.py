"""Forms of the reporting cycle; every text field refuses markup, every file its size before its bytes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from servq.core.validators import no_markup
from servq.reporting.models import Frequency, Grade, ProgressStatus

# The calendar of seed 004 (高雄市政府 附件1 作業期程), offered as the starting point of a new calendar.
DEFAULT_SCHEDULE = """訂定年度「提升政府服務品質實施計畫」｜研考單位｜1 月
各機關訂定年度「執行計畫」及審核所屬機關「工作計畫」｜各機關｜2 月至 4 月
辦理年度提升為民服務研習｜研考單位｜5 月至 6 月
電話服務品質及禮貌測試（第 1 次）｜研考單位｜上半年
年度評獎作業啟動｜研考單位｜8 月
機關提報參獎申請書｜各機關｜9 月
不定期查訪暨輔導（視業務運作）｜研考單位｜9 月至 11 月
電話服務品質及禮貌測試（第 2 次）｜研考單位｜下半年
推薦「政府服務品質獎」初審作業｜研考單位｜10 月
初審入選機關實地查訪｜評審小組｜10 月至 11 月
各機關提報年度執行成果｜各機關｜12 月下旬至次年 1 月
受推薦「政府服務品質獎」機關輔導｜研考單位｜12 月下旬至次年 1 月
函送參獎｜研考單位｜次年 1 月至 2 月上旬"""

MAX_SCHEDULE_LINES = 60


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
            "每列一項：作業項目｜辦理單位｜時程（例如「2 月至 4 月」、「上半年」、「12 月下旬至次年 1 月」）"
        ),
    )

    def clean_steps(self) -> list[tuple[str, str, str]]:
        rows = []
        lines = [line for line in self.cleaned_data["steps"].splitlines() if line.strip()]
        if len(lines) > MAX_SCHEDULE_LINES:
            raise forms.ValidationError(_("作業時程最多 %(n)s 列。") % {"n": MAX_SCHEDULE_LINES})
        for number, line in enumerate(lines, start=1):
            cells = [cell.strip() for cell in line.replace("|", "｜").split("｜")]
            if len(cells) != 3:
                raise forms.ValidationError(
                    _("第 %(n)s 列應有三欄（作業項目｜辦理單位｜時程），實有 %(k)s 欄。")
                    % {"n": number, "k": len(cells)}
                )
            rows.append((cells[0], cells[1], cells[2]))
        return rows


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("執行狀態"), choices=ProgressStatus.choices)
    narrative = forms.CharField(
        label=_("辦理情形及成效"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )
    lock = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_markup],
    )
