"""Factories for tests: build what a test needs, nothing shared between tests."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from servq.agencies import services as agency_services
from servq.agencies.models import Agency, Membership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.tw")
    password = factory.django.Password("servq-test-pass")


class AgencyFactory(factory.django.DjangoModelFactory):
    """Agencies are created through the service, which keeps the materialised path right."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency{n}")
    name = factory.Sequence(lambda n: f"測試機關{n}")
    kind = "agency"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("parent") is None and kwargs.get("kind") != "parent_body":
            kwargs["kind"] = "parent_body"
        return agency_services.create_agency(by=None, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = "coordinator"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return agency_services.grant_role(by=None, **kwargs)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Program"
        django_get_or_create = ("slug",)

    slug = "service-leap"
    name = "政府服務躍升方案"
    first_year = 2017
    last_year = 2020


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Plan"

    program = factory.SubFactory(ProgramFactory)
    agency = factory.SubFactory(AgencyFactory)
    kind = "execution"
    title = factory.Sequence(lambda n: f"提升服務品質執行計畫{n}")
    first_year = 2017
    last_year = 2017
    status = "published"
    # A plan as the seeds write them carries these sections; submission checks for them.
    basis = "政府服務躍升方案"
    goals = "提升服務品質"
    scope = "本部及所屬機關"
    steps = "各機關於1月底前訂定執行計畫並公開於網站"
    oversight = "每半年自行考核一次"
    rewards = "績優人員依規定敘獎"


class FrameworkNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.FrameworkNode"

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"面向{n}")
    position = factory.Sequence(lambda n: n)


class PlanItemFactory(factory.django.DjangoModelFactory):
    """An item with its text and deadline; ``unit="秘書處"`` gives it a 承辦單位 (by name only)."""

    class Meta:
        model = "plans.PlanItem"
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"網站提供正確之連結資訊{n}")
    deadline_raw = "經常辦理"
    deadline_kind = "continuous"

    @factory.post_generation
    def unit(self, create, name, **kwargs):
        if create and name:
            self.units.create(name=name, position=0)


def open_cycle(agency_tree, supervisor, *, year: int = 2026):
    """The 115年 cycle of 行政院 with 財政部 and 經濟部 taking part, through the service."""
    import datetime as dt

    from servq.plans import services

    return services.open_cycle(
        by=supervisor,
        program=ProgramFactory(),
        agency=agency_tree["root"],
        year=year,
        title=f"{year - 1911}年度提升服務品質",
        submit_by=dt.date(year, 1, 30),
        review_by=dt.date(year, 2, 27),
        approve_by=dt.date(year, 3, 31),
        participants=[agency_tree["mof"], agency_tree["moea"]],
    )
