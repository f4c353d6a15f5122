"""One form per kind of record; dates typed as offices write them (115/3/5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from servq.activities.models import (
    DocumentExchangeMonth,
    ServicePoint,
    SocialPost,
    TrainingSession,
    WebsiteReview,
    WebsiteSection,
)
from servq.agencies.models import Agency
from servq.core.forms import RocDateField


class RecordForm(forms.ModelForm):
    """A kind's form, told the agency it records for (choices of sections and people come from it)."""

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency


class TrainingForm(RecordForm):
    held_on = RocDateField(label=_("辦理日期"))

    class Meta:
        model = TrainingSession
        fields = ["title", "held_on", "hours", "attendees", "note"]


class PointForm(RecordForm):
    opened_on = RocDateField(label=_("啟用日期"))
    closed_on = RocDateField(label=_("停用日期"), required=False)

    class Meta:
        model = ServicePoint
        fields = [
            "kind",
            "name",
            "district",
            "address",
            "hours",
            "offers",
            "accessibility",
            "opened_on",
            "closed_on",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", _("停用日期不能早於啟用日期。"))
        return data


class SectionForm(RecordForm):
    since = RocDateField(label=_("列管起始日"))

    class Meta:
        model = WebsiteSection
        fields = ["name", "unit", "reviewer", "since"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["unit"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            parent=agency, kind="unit"
        ).order_by("name")
        self.fields["reviewer"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(memberships__agency__path__startswith=agency.path, is_active=True)
            .distinct()
            .order_by("username")
        )
        self.fields["reviewer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.get_username()
        )


class ReviewForm(RecordForm):
    reviewed_on = RocDateField(label=_("檢視日期"))

    class Meta:
        model = WebsiteReview
        fields = ["section", "reviewed_on", "all_correct", "note"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["section"].queryset = WebsiteSection.objects.filter(agency=agency)  # type: ignore[attr-defined]


class PostForm(RecordForm):
    posted_on = RocDateField(label=_("發布日期"))
    url = forms.URLField(label=_("網址"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = SocialPost
        fields = ["platform", "posted_on", "title", "url"]


class ExchangeForm(RecordForm):
    month = RocDateField(label=_("月份"), help_text=_("該月任一日，例如 115/3/1"))

    class Meta:
        model = DocumentExchangeMonth
        fields = ["month", "electronic", "total"]

    def clean_month(self) -> dt.date:
        month: dt.date = self.cleaned_data["month"]
        return month.replace(day=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        electronic, total = data.get("electronic"), data.get("total")
        if electronic is not None and total is not None and electronic > total:
            self.add_error("electronic", _("電子交換件數不能多於發文總件數。"))
        return data

    def validate_unique(self) -> None:
        # The (agency, month) pair is checked by the service, which knows the agency.
        pass
