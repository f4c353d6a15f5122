"""Forms for authoring and review: each bad value gets a message at its field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core.forms import RocDateField
from servq.core.rules import parse_deadline, to_roc_year
from servq.core.validators import no_markup

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise
else:
    StrOrPromise = str
from servq.plans.models import FrameworkNode, IndicatorDirection, Plan, PlanItem, Program

UNITS_HELP = _("以頓號、逗號或換行分隔多個單位")


def text_field(
    label: StrOrPromise, *, required: bool = False, rows: int = 2, max_length: int = 4000
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def split_units(raw: str) -> list[str]:
    import re

    return [part.strip() for part in re.split(r"[、，,;；\n]+", raw) if part.strip()]


class PlanHeaderForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("計畫名稱"), max_length=300, validators=[no_markup])
    basis = text_field(_("計畫依據"))
    goals = text_field(_("計畫目標"), rows=3)
    scope = text_field(_("實施對象"))
    steps = text_field(_("實施步驟"), rows=3)
    oversight = text_field(_("管制考核"), rows=3)
    rewards = text_field(_("獎勵方式"), rows=3)


class ItemForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    node = forms.ModelChoiceField(label=_("架構"), queryset=FrameworkNode.objects.none(), required=False)
    text = text_field(_("項目內容"), required=True)
    actions = text_field(_("推動作法"))
    deadline_raw = forms.CharField(
        label=_("完成期限"),
        max_length=500,
        validators=[no_markup],
        help_text=_("例如「每年1月底前」、「115年6月30日」、「經常辦理」"),
    )
    units = forms.CharField(
        label=_("承辦單位"), max_length=1000, required=False, validators=[no_markup], help_text=UNITS_HELP
    )
    expected_benefit = text_field(_("預期效益"))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        node_plans = [pk for pk in (plan.pk, plan.parent_id) if pk]
        node = cast(forms.ModelChoiceField, self.fields["node"])
        node.queryset = FrameworkNode.objects.filter(plan_id__in=node_plans).order_by("plan", "position")
        node.label_from_instance = lambda n: ("　" * n.depth) + n.title  # type: ignore[method-assign,assignment]
        # Show what the deadline field understood while the user types (htmx; the form works without).
        self.fields["deadline_raw"].widget.attrs.update(
            {
                "hx-get": reverse("plans:deadline_preview", args=[plan.pk]),
                "hx-trigger": "input changed delay:300ms, load",
                "hx-target": "next output",
                "hx-swap": "innerHTML",
            }
        )

    def clean_deadline_raw(self) -> str:
        raw = self.cleaned_data["deadline_raw"].strip()
        if parse_deadline(raw, years=(self.plan.first_year, self.plan.last_year)).kind == "text":
            raise forms.ValidationError(
                _(
                    "看不懂「%(raw)s」這個期限。請寫成日期（115年6月30日、115年底前）、期間（115-117年）、"
                    "定期（每年1月底前、每季、每月）或「經常辦理」。"
                ),
                params={"raw": raw},
                code="deadline",
            )
        return raw

    def clean_units(self) -> list[str]:
        return split_units(self.cleaned_data.get("units", ""))

    def item_fields(self) -> dict[str, Any]:
        """The cleaned values as the item services take them (add_item, update_item)."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "node": data["node"],
            "actions": data["actions"],
            "deadline_raw": data["deadline_raw"],
            "unit_names": data["units"],
            "expected_benefit": data["expected_benefit"],
        }

    @staticmethod
    def initial_for(item: PlanItem) -> dict[str, Any]:
        return {
            "lock_version": item.lock_version,
            "node": item.node_id,
            "text": item.text,
            "actions": item.actions,
            "deadline_raw": item.deadline_raw,
            "units": "、".join(u.name for u in item.units.all()),
            "expected_benefit": item.expected_benefit,
        }


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("指標名稱"), max_length=300, validators=[no_markup])
    unit = forms.CharField(label=_("單位"), max_length=40, required=False, validators=[no_markup])
    direction = forms.ChoiceField(label=_("方向"), choices=IndicatorDirection.choices)
    cumulative = forms.BooleanField(label=_("累計值"), required=False)
    baseline = forms.DecimalField(label=_("基準值"), required=False, max_digits=14, decimal_places=2)
    measure_key = forms.ChoiceField(
        label=_("實際值來源"),
        required=False,
        help_text=_("選擇自動量測時，各期實際值由系統計算，不需填寫"),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        from servq.core import measures

        super().__init__(*args, **kwargs)
        self.plan = plan
        cast(forms.ChoiceField, self.fields["measure_key"]).choices = [
            ("", _("人工填寫")),
            *measures.choices(),
        ]
        for year in range(plan.first_year, plan.last_year + 1):
            self.fields[f"target_{year}"] = forms.CharField(
                label=_("%(year)s年目標值") % {"year": to_roc_year(year)},
                required=False,
                max_length=20,
            )

    def target_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("target_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        targets: dict[int, Decimal] = {}
        for name in [n for n in self.fields if n.startswith("target_")]:
            raw = (self.data.get(self.add_prefix(name)) or "").replace(",", "").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.add_error(name, _("目標值必須是數字，例如 95 或 1,200。"))
                continue
            targets[int(name.removeprefix("target_"))] = value
        data["targets"] = targets
        return data


class TransitionForm(forms.Form):
    comment = text_field(_("審查意見"), rows=3)
    revision_note = forms.CharField(
        label=_("修正理由"), max_length=300, required=False, validators=[no_markup]
    )


class CycleForm(forms.Form):
    program = forms.ModelChoiceField(label=_("方案"), queryset=Program.objects.all())
    year = forms.IntegerField(label=_("年度（民國）"), min_value=90, max_value=200)
    title = forms.CharField(label=_("名稱"), max_length=200, validators=[no_markup])
    framework = forms.ModelChoiceField(
        label=_("實施計畫（架構）"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("今年的實施計畫已匯入時選它；一級機關為所屬二級機關的工作計畫開辦時，選本機關的執行計畫"),
    )
    copy_framework_from = forms.ModelChoiceField(
        label=_("或沿用去年的架構"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("複製一份為今年的實施計畫草稿"),
    )
    submit_by = RocDateField(label=_("計畫送審期限"))
    review_days = forms.IntegerField(
        label=_("審查期限：送審後幾個工作日"), min_value=1, max_value=120, initial=20
    )
    review_on = RocDateField(label=_("或審查期限日期"), required=False, help_text=_("填寫時取代上一欄"))
    approve_days = forms.IntegerField(
        label=_("核定期限：審查後幾個工作日"), min_value=1, max_value=120, initial=20
    )
    approve_on = RocDateField(
        label=_("或核定期限日期"),
        required=False,
        help_text=_("填寫時取代上一欄；經濟部的時程為 12 月底送審、次年 1 月底前核定公告"),
    )
    publish_by = RocDateField(
        label=_("公告期限"),
        required=False,
        help_text=_("核定的計畫公開於機關網站及服務場所的期限（財政部、經濟部的執行計畫訂為每年 1 月底前）"),
    )
    year_end_units = forms.BooleanField(
        label=_("年度成果附表列出承辦單位"),
        required=False,
        help_text=_(
            "附表預設為計畫要項、執行策略、執行方法、完成期限、辦理情形及成效（行政院主計總處計畫附表的格式）"
        ),
    )
    participants: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("參與機關"),
        queryset=Plan.objects.none(),  # set per supervising agency in __init__
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from servq.agencies.selectors import subtree_of

        participants = cast(forms.ModelMultipleChoiceField, self.fields["participants"])
        participants.queryset = subtree_of(agency).exclude(pk=agency.pk).exclude(kind="unit")
        implementation_plans = Plan.objects.filter(agency=agency, kind="implementation")
        # An agency's own execution plan frames its 二級機關's work plans (004).
        frameworks = Plan.objects.filter(agency=agency, kind__in=["implementation", "execution"]).exclude(
            status="superseded"
        )
        cast(forms.ModelChoiceField, self.fields["framework"]).queryset = frameworks
        cast(forms.ModelChoiceField, self.fields["copy_framework_from"]).queryset = implementation_plans

    def clean(self) -> dict[str, Any]:
        """Review and approval are due a number of working days after the step before (office calendar)."""
        from servq.core.rules import add_working_days
        from servq.core.selectors import office_calendar

        data = super().clean() or {}
        if data.get("framework") and data.get("copy_framework_from"):
            raise forms.ValidationError(_("請選擇今年的實施計畫，或沿用去年的架構，二者擇一。"))
        if data.get("submit_by") and data.get("review_days") and data.get("approve_days"):
            # A date typed for a step wins over its working-day offset (issue 37.13: 003 reviews and
            # approves within January, which offsets of 20 working days each could not reach).
            calendar = office_calendar()
            data["review_by"] = data.get("review_on") or add_working_days(
                data["submit_by"], data["review_days"], calendar
            )
            data["approve_by"] = data.get("approve_on") or add_working_days(
                data["review_by"], data["approve_days"], calendar
            )
        return data
