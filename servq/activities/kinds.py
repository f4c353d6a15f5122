"""The kinds of record, each with its model, its form and what its list shows: the one table the
pages, the services and the measures read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from servq.activities import forms
from servq.activities.models import (
    DocumentExchangeMonth,
    ServicePoint,
    SocialPost,
    TrainingSession,
    WebsiteReview,
    WebsiteSection,
)


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any
    model: type[models.Model]
    form: type[forms.RecordForm]
    columns: tuple[str, ...]  # the list's fields, in order
    day: str  # the field that dates the record: it may not lie in the future
    why: Any  # which seeds keep such a record, shown on the page


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind(
            "training",
            _("研習"),
            TrainingSession,
            forms.TrainingForm,
            ("title", "held_on", "hours", "attendees"),
            "held_on",
            _("高雄市「辦理研習，提升專業能力」、經濟部「提高服務人員專業度」。"),
        ),
        Kind(
            "points",
            _("服務據點與熱點"),
            ServicePoint,
            forms.PointForm,
            ("kind", "name", "district", "opened_on", "closed_on"),
            "",
            _("財政部、高雄市「延伸服務據點」，彰化縣「於全縣26鄉鎮市設置民眾免費無線上網熱點」。"),
        ),
        Kind(
            "sections",
            _("網站專區與專人"),
            WebsiteSection,
            forms.SectionForm,
            ("name", "unit", "reviewer", "since"),
            "",
            _("主計總處「各單位應指派專人…定期（至少每月1次）檢視」。"),
        ),
        Kind(
            "reviews",
            _("網站檢視紀錄"),
            WebsiteReview,
            forms.ReviewForm,
            ("section", "reviewed_on", "all_correct", "note"),
            "reviewed_on",
            _("主計總處專人每月檢視網站專區的紀錄。"),
        ),
        Kind(
            "posts",
            _("社群貼文"),
            SocialPost,
            forms.PostForm,
            ("platform", "posted_on", "title"),
            "posted_on",
            _("主計總處「Youtube 及 Flickr 影音及照片資訊即時上載」、彰化縣「計畫處臉書」。"),
        ),
        Kind(
            "exchange",
            _("公文電子交換"),
            DocumentExchangeMonth,
            forms.ExchangeForm,
            ("month", "electronic", "total"),
            "month",
            _("彰化縣「提昇公文電子交換率」：每月依公文系統的統計登錄。"),
        ),
    ]
}
