"""Registering a site and naming the units that own its pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.core.validators import no_markup
from servq.webcheck import rules
from servq.webcheck.models import Schedule


class SiteForm(forms.Form):
    name = forms.CharField(label=_("網站名稱"), max_length=120, validators=[no_markup])
    start_url = forms.CharField(
        label=_("起始網址"), max_length=500, help_text=_("例如 https://www.example.gov.tw/")
    )
    schedule = forms.ChoiceField(
        label=_("檢測頻率"),
        choices=Schedule.choices,
        initial=Schedule.WEEKLY,
        help_text=_("預設每週，如彰化縣政府計畫「每週定期檢查本府網站」"),
    )
    max_pages = forms.IntegerField(label=_("最多讀取頁數"), min_value=1, max_value=50000, initial=2000)
    stale_after_days = forms.IntegerField(
        label=_("逾期未更新天數"),
        min_value=1,
        max_value=3650,
        initial=rules.DEFAULT_STALE_DAYS,
        help_text=_("一般網頁；計畫範本未訂此期限，365 日為 servq 預設"),
    )
    freshness_rules = forms.CharField(
        label=_("頁面類型的更新期限"),
        required=False,
        max_length=3000,
        initial=rules.DEFAULT_FRESHNESS_RULES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每列「網址含的字｜天數」。最新消息、公告預設 30 日：行政院主計總處計畫要求「即時更新」並至少每月檢視 1 次"
        ),
    )
    excludes = forms.CharField(
        label=_("排除網址（正規表示式，每列一個）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    active = forms.BooleanField(label=_("定期檢測"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS:
            self.fields["allow_private"] = forms.BooleanField(label=_("允許內部網址"), required=False)

    def clean_freshness_rules(self) -> str:
        text: str = self.cleaned_data["freshness_rules"]
        try:
            rules.parse_freshness_rules(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return text

    def clean_start_url(self) -> str:
        url = self.cleaned_data["start_url"].strip()
        problem = rules.start_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


class OwnerForm(forms.Form):
    # A field named like Form.prefix: Django's metaclass moves it into the fields, so the form's own
    # prefix stays None; only the type checker sees the clash.
    prefix = forms.CharField(  # type: ignore[assignment]
        label=_("路徑開頭"), max_length=300, initial="/", help_text=_("例如 /news/")
    )
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("負責單位"),
        queryset=Agency.objects.none(),  # set to the site's units in __init__
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
