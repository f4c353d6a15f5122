"""The forms of inspections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servq.core.forms import RocDateField, YearField
from servq.core.validators import no_markup
from servq.inspections import rules
from servq.inspections.models import PanelRole, VisitKind


class CriteriaForm(forms.Form):
    name = forms.CharField(label=_("評核項目名稱"), max_length=120, validators=[no_markup])
    lines = forms.CharField(
        label=_("評核項目"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[no_markup],
        help_text=_("每列「代號｜評核項目｜滿分｜權重」，例如 A1｜服務流程簡化｜10｜2"),
    )


class PlanForm(forms.Form):
    title = forms.CharField(label=_("名稱"), max_length=200, validators=[no_markup])
    year = YearField(label=_("年度"))
    chosen_rules = forms.MultipleChoiceField(
        label=_("優先訪查條件"),
        choices=[(k, v.format(years="N")) for k, v in rules.PRIORITY_RULES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    no_award_years = forms.IntegerField(label=_("未參獎年數 N"), min_value=1, max_value=20, initial=3)
    places = forms.IntegerField(
        label=_("抽選機關數"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("不填則只排序；填了則條件相同者以亂數抽選，種子與結果一併保存"),
    )
    seed = forms.IntegerField(
        label=_("亂數種子"), min_value=0, max_value=2**31, required=False, help_text=_("不填由系統產生")
    )


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=VisitKind.choices)
    on = RocDateField(label=_("訪查日期"))
    agencies: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("受訪機關"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    criteria: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("評核項目"), queryset=None, required=False, empty_label=_("（輔導與抽查不評分）")
    )
    theme = forms.CharField(
        label=_("主題（專案查核）"), max_length=200, required=False, validators=[no_markup]
    )
    reply_rule = forms.CharField(
        label=_("缺失回復期限"),
        max_length=40,
        initial="1個月",
        validators=[no_markup],
        help_text=_("自函送日起算，例如 1個月、2個月、10個工作天"),
    )

    def __init__(self, *args: Any, agencies: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["criteria"].queryset = criteria  # type: ignore[attr-defined]


class PanelistForm(forms.Form):
    """A panel member picked by name among those who can sit on the body's panels (never a typed
    user name); whom they must not score follows from their roles and declared affiliations."""

    user = forms.TypedChoiceField(label=_("委員"), coerce=int, choices=())
    role = forms.ChoiceField(label=_("身分"), choices=PanelRole.choices)

    def __init__(self, *args: Any, candidates: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {user.pk: user for user, _label in candidates}
        field = self.fields["user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("請選擇")), *((user.pk, label) for user, label in candidates)]


class FindingForm(forms.Form):
    agency = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("缺失或建議事項"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_markup],
    )
    recommendation = forms.BooleanField(label=_("屬建議事項（非缺失）"), required=False)


class SpotRecordForm(forms.Form):
    agency = forms.IntegerField(widget=forms.HiddenInput)
    seen = forms.CharField(
        label=_("查核情形"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("改善情形"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("審查結果"),
        choices=[
            (rules.ACCEPT, _("同意解除列管")),
            (rules.SEND_BACK, _("退回再改善")),
            (rules.KEEP_OPEN, _("繼續列管")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("審查意見"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_markup],
    )
