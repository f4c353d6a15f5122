"""The permission walk: every URL that takes an object id, for every role, inside and outside the
agency subtree, for every state of the plan the object belongs to.

財政部 (mof) owns every object here. Users of its sibling 經濟部 (moea, which takes part in the same
cycle) and of another parent body entirely hold each role in turn. For them a GET may answer 200
only where the object is public in that state (a published plan, a published self-evaluation),
and no request of theirs, GET or POST, may write anything. Inside the subtree, 財政部's coordinator
and 行政院's supervisor reach every object (never a 404).

A new URL with an object id fails ``test_every_object_url_is_walked`` until it is described in
``URLS`` below, so every module added later is walked too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from servq.agencies.models import Role
from servq.cases import services as case_services
from servq.cases.models import CaseCategory, RoutingRule
from servq.cases.services import load_default_categories
from servq.core import audit
from servq.core.models import AuditEntry
from servq.plans.models import Indicator, ItemUnit, PlanStatus
from servq.reporting import services as reporting_services
from servq.reporting.models import Evidence, ItemProgress, SelfEvaluation, YearEndReport
from servq.services import services as service_catalogue
from servq.webcheck.models import Site
from tests.factories import AgencyFactory, PlanFactory, PlanItemFactory, open_cycle

PLAN_STATES = [
    PlanStatus.DRAFT,
    PlanStatus.SUBMITTED,
    PlanStatus.RETURNED,
    PlanStatus.APPROVED,
    PlanStatus.PUBLISHED,
    PlanStatus.SUPERSEDED,
]


@dataclass
class World:
    agency_tree: dict[str, Any]
    cycle: Any
    plan: Any
    item: Any
    indicator: Any
    period: Any
    evidence: Any
    evaluation: Any
    site: Any
    case: Any
    category: Any
    rule: Any
    service: Any
    visit: Any
    finding: Any
    inspection_plan: Any
    reply_file: Any
    edition: Any
    entry: Any
    assignment: Any
    survey: Any
    survey_token: str
    courtesy_test: Any
    faq_entry: Any
    faq_proposal: Any
    dataset: Any
    membership: Any = None
    invitation: Any = None
    invitation_token: str = ""
    post: Any = None  # a record 財政部 keeps (辦理紀錄)


@dataclass(frozen=True)
class Url:
    """How to reach one URL for the world's objects, and who outside 財政部 may read it."""

    build: Callable[[World], tuple[dict[str, Any], str]]
    # "owner": only the owning subtree (and supervisors above). "cycle": anyone taking part in the
    # cycle. "public": anyone, in the states listed. "directory": any signed-in user. "organizers":
    # the supervisors who run it (not the owner's coordinator).
    scope: str = "owner"
    public_in: frozenset[str] = frozenset()
    # Plan states in which the URL leads anywhere at all, for anyone (a stable link: published only).
    exists_in: frozenset[str] | None = None


def plan_args(**more: Callable[[World], Any]) -> Callable[[World], tuple[dict[str, Any], str]]:
    return lambda w: ({"pk": w.plan.pk, **{k: f(w) for k, f in more.items()}}, "")


def cycle_args(w: World) -> tuple[dict[str, Any], str]:
    return {"pk": w.cycle.pk}, ""


def period_args(w: World) -> tuple[dict[str, Any], str]:
    return {"pk": w.period.pk}, ""


PUBLISHED = frozenset({PlanStatus.PUBLISHED})
EVERY_STATE = frozenset(PLAN_STATES)


def stable_link_args(w: World) -> tuple[dict[str, Any], str]:
    return {"code": w.plan.agency.code, "year": w.plan.first_year}, ""


URLS: dict[str, Url] = {
    "portal:audit_object": Url(lambda w: ({"object_type": "plans.plan", "object_id": str(w.plan.pk)}, "")),
    "agencies:detail": Url(lambda w: ({"code": w.agency_tree["mof"].code}, ""), scope="directory"),
    "plans:detail": Url(plan_args(), scope="public", public_in=PUBLISHED),
    "plans:export": Url(plan_args(fmt=lambda w: "csv"), scope="public", public_in=PUBLISHED),
    "plans:fill_gaps": Url(plan_args()),
    "plans:record_posting": Url(plan_args()),
    "plans:requirements": Url(plan_args()),
    "plans:record_consultation": Url(plan_args()),
    "plans:open_comments": Url(plan_args()),
    "plans:answer_comment": Url(plan_args(comment_pk=lambda w: 0)),
    # Public once the plan's agency opens a comment period; none is open in this world.
    "plans:comments": Url(plan_args(), scope="public", exists_in=frozenset()),
    "plans:edit": Url(plan_args()),
    "plans:edit_header": Url(plan_args()),
    "plans:refile": Url(plan_args()),
    # The stable link and embeddable page an agency puts on its website: its published plan only.
    "plans:agency_plan": Url(stable_link_args, scope="public", public_in=PUBLISHED, exists_in=PUBLISHED),
    "plans:agency_plan_embed": Url(
        stable_link_args, scope="public", public_in=PUBLISHED, exists_in=PUBLISHED
    ),
    "plans:add_item": Url(plan_args()),
    "plans:edit_item": Url(plan_args(item_pk=lambda w: w.item.pk)),
    "plans:move_item": Url(plan_args(item_pk=lambda w: w.item.pk)),
    "plans:delete_item": Url(plan_args(item_pk=lambda w: w.item.pk)),
    "plans:deadline_preview": Url(plan_args()),
    "plans:add_indicator": Url(plan_args()),
    "plans:edit_indicator": Url(plan_args(indicator_pk=lambda w: w.indicator.pk)),
    "plans:delete_indicator": Url(plan_args(indicator_pk=lambda w: w.indicator.pk)),
    "plans:review": Url(plan_args()),
    "plans:transition": Url(plan_args(action=lambda w: "approve")),
    "plans:versions": Url(plan_args(), scope="public", public_in=PUBLISHED),
    "plans:diff": Url(
        lambda w: ({"pk": w.plan.pk}, f"?a={w.plan.pk}&b={w.plan.pk}"), scope="public", public_in=PUBLISHED
    ),
    "plans:cycle": Url(cycle_args, scope="cycle"),
    "plans:cycle_remind": Url(cycle_args, scope="cycle"),
    "plans:cycle_start": Url(cycle_args, scope="cycle"),
    "plans:cycle_import": Url(cycle_args, scope="cycle"),
    "plans:cycle_category": Url(cycle_args, scope="cycle"),
    "reporting:cycle": Url(cycle_args, scope="cycle"),
    "reporting:set_up_periods": Url(cycle_args, scope="cycle"),
    "reporting:set_schedule": Url(cycle_args, scope="cycle"),
    # The calendar (作業時程) is part of the published implementation plan.
    "reporting:calendar_feed": Url(cycle_args, scope="public", public_in=EVERY_STATE),
    "reporting:dashboard": Url(cycle_args, scope="cycle"),
    "reporting:self_evaluation_compliance": Url(cycle_args, scope="cycle"),
    "reporting:year_end": Url(lambda w: ({"pk": w.cycle.pk, "agency_pk": w.agency_tree["mof"].pk}, "")),
    "reporting:unit_results": Url(lambda w: ({"pk": w.cycle.pk, "agency_pk": w.agency_tree["mof"].pk}, "")),
    "reporting:year_end_layout": Url(
        lambda w: ({"pk": w.cycle.pk, "agency_pk": w.agency_tree["mof"].pk}, ""), scope="cycle"
    ),
    "reporting:year_end_export": Url(
        lambda w: ({"pk": w.cycle.pk, "agency_pk": w.agency_tree["mof"].pk, "fmt": "ods"}, "")
    ),
    "reporting:close_period": Url(period_args, scope="cycle"),
    "reporting:reopen_period": Url(period_args, scope="cycle"),
    "reporting:compliance": Url(period_args, scope="cycle"),
    "reporting:progress": Url(lambda w: ({"plan_pk": w.plan.pk, "period_pk": w.period.pk}, "")),
    "reporting:save_report": Url(lambda w: ({"plan_pk": w.plan.pk, "period_pk": w.period.pk}, "")),
    "reporting:evidence": Url(lambda w: ({"pk": w.evidence.pk}, "")),
    "reporting:self_evaluation": Url(
        lambda w: ({"plan_pk": w.plan.pk, "year": w.evaluation.year, "half": w.evaluation.half}, "")
    ),
    # Published on the 自行考核 notice page once submitted, whatever became of the plan since.
    "reporting:public_self_evaluation": Url(
        lambda w: ({"pk": w.evaluation.pk}, ""), scope="public", public_in=EVERY_STATE
    ),
    "webcheck:site": Url(lambda w: ({"pk": w.site.pk}, "")),
    "webcheck:check_now": Url(lambda w: ({"pk": w.site.pk}, "")),
    "webcheck:set_owner": Url(lambda w: ({"pk": w.site.pk}, "")),
    "cases:configure_category": Url(lambda w: ({"pk": w.category.pk}, "")),
    "cases:delete_rule": Url(lambda w: ({"pk": w.rule.pk}, "")),
    "cases:detail": Url(lambda w: ({"number": w.case.number}, "")),
    "cases:action": Url(lambda w: ({"number": w.case.number, "action": "start"}, "")),
    # Only for the browser session that gave the case's number and password (none does here).
    "cases:supplement": Url(lambda w: ({"number": w.case.number}, "")),
    "cases:attachment": Url(lambda w: ({"number": w.case.number, "pk": w.case.attachments.get().pk}, "")),
    # The public case API: a request's public fields by number (GeoReport v2), never personal data.
    "open311:service": Url(
        lambda w: ({"code": w.category.code, "fmt": "json"}, ""), scope="public", public_in=EVERY_STATE
    ),
    "open311:request": Url(
        lambda w: ({"number": w.case.number, "fmt": "json"}, ""), scope="public", public_in=EVERY_STATE
    ),
    "open311:services": Url(lambda w: ({"fmt": "json"}, ""), scope="public", public_in=EVERY_STATE),
    "open311:requests": Url(lambda w: ({"fmt": "json"}, ""), scope="public", public_in=EVERY_STATE),
    # A published service is public whatever becomes of any plan; its management is the owner's.
    "services:detail": Url(lambda w: ({"pk": w.service.pk}, ""), scope="public", public_in=EVERY_STATE),
    "services:form": Url(
        lambda w: ({"pk": w.service.pk, "fmt": "odt"}, ""), scope="public", public_in=EVERY_STATE
    ),
    "services:apply": Url(lambda w: ({"pk": w.service.pk}, ""), scope="public", public_in=EVERY_STATE),
    "services:edit": Url(lambda w: ({"pk": w.service.pk}, "")),
    "services:simplify": Url(lambda w: ({"pk": w.service.pk}, "")),
    "services:visit": Url(lambda w: ({"pk": w.service.pk}, "")),
    "services:bundle": Url(lambda w: ({"pk": w.service.pk}, "")),
    # 財政部 inspects 臺北國稅局 (below it): its people and 行政院's supervisors reach every part.
    "inspections:plan": Url(lambda w: ({"pk": w.inspection_plan.pk}, "")),
    "inspections:visit": Url(lambda w: ({"pk": w.visit.pk}, "")),
    "inspections:add_panelist": Url(lambda w: ({"pk": w.visit.pk}, "")),
    "inspections:add_finding": Url(lambda w: ({"pk": w.visit.pk}, "")),
    "inspections:add_record": Url(lambda w: ({"pk": w.visit.pk}, "")),
    "inspections:advance": Url(lambda w: ({"pk": w.visit.pk, "action": "publish"}, "")),
    "inspections:score": Url(lambda w: ({"pk": w.visit.pk, "agency_pk": w.agency_tree["ntbt"].pk}, "")),
    "inspections:report": Url(
        lambda w: ({"pk": w.visit.pk, "agency_pk": w.agency_tree["ntbt"].pk, "fmt": "odt"}, "")
    ),
    "inspections:file": Url(lambda w: ({"pk": w.reply_file.pk}, "")),
    "inspections:finding": Url(lambda w: ({"pk": w.finding.pk}, "")),
    "inspections:answer": Url(lambda w: ({"pk": w.finding.pk}, "")),
    "inspections:assign": Url(lambda w: ({"pk": w.finding.pk}, "")),
    "inspections:decide": Url(lambda w: ({"pk": w.finding.pk}, "")),
    # 財政部's award: its supervisors (and 行政院's) run it; its coordinator reads it; 臺北國稅局 enters it.
    "awards:edition": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:set_up": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:copy": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:designate": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:add_reviewer": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:assign_evenly": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:close_stage": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:national": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:propose": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:choose": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:publish": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:survey": Url(lambda w: ({"pk": w.edition.pk}, "")),
    "awards:enter": Url(lambda w: ({"pk": w.edition.pk}, f"?agency={w.agency_tree['mof'].pk}")),
    "awards:entry": Url(lambda w: ({"pk": w.entry.pk}, "")),
    "awards:evidence": Url(lambda w: ({"pk": w.entry.pk}, "")),
    # Score sheets and the personnel list: the organizers (and the sheet's reviewer) only.
    "awards:review": Url(lambda w: ({"pk": w.assignment.pk}, ""), scope="organizers"),
    "awards:rewards_export": Url(lambda w: ({"pk": w.edition.pk, "fmt": "ods"}, ""), scope="organizers"),
    "awards:package": Url(lambda w: ({"pk": w.edition.pk, "fmt": "odt"}, ""), scope="organizers"),
    "awards:public": Url(lambda w: ({"pk": w.edition.pk}, ""), scope="public", public_in=EVERY_STATE),
    # 財政部's surveys: its coordinator and the supervisors above run them; answering is public.
    "surveys:survey": Url(lambda w: ({"pk": w.survey.pk}, "")),
    "surveys:sample": Url(lambda w: ({"pk": w.survey.pk}, "")),
    "surveys:call_list": Url(lambda w: ({"pk": w.survey.pk}, "")),
    "surveys:close": Url(lambda w: ({"pk": w.survey.pk}, "")),
    "surveys:to_units": Url(lambda w: ({"pk": w.survey.pk}, "")),
    "surveys:report": Url(lambda w: ({"pk": w.survey.pk, "fmt": "odt"}, "")),
    "surveys:enter": Url(lambda w: ({"pk": w.survey.pk}, "")),
    "surveys:test": Url(lambda w: ({"pk": w.courtesy_test.pk}, "")),
    # Anyone may answer an open survey or an invitation, and read a closed survey's de-identified answers.
    "surveys:answer_open": Url(lambda w: ({"pk": w.survey.pk}, ""), scope="public", public_in=EVERY_STATE),
    "surveys:answer": Url(lambda w: ({"token": w.survey_token}, ""), scope="public", public_in=EVERY_STATE),
    # People: 財政部's are kept by its coordinator and the supervisors above; an invitation link is
    # anyone's to open (it says what it is for, and creates nothing without a name and a password).
    "inspections:year_end_findings": Url(
        lambda w: ({"cycle_pk": w.cycle.pk, "agency_pk": w.agency_tree["mof"].pk}, ""), scope="organizers"
    ),
    "agencies:units": Url(lambda w: ({"code": w.agency_tree["mof"].code}, "")),
    "agencies:rename_unit": Url(
        lambda w: ({"code": w.agency_tree["mof"].code, "pk": w.agency_tree["mof_unit"].pk}, "")
    ),
    "portal:person": Url(lambda w: ({"pk": w.membership.user_id}, "")),
    "portal:deactivate": Url(lambda w: ({"pk": w.membership.user_id}, "")),
    "portal:end_role": Url(lambda w: ({"pk": w.membership.pk}, "")),
    "portal:invitation_action": Url(lambda w: ({"pk": w.invitation.pk, "action": "resend"}, "")),
    "invitation": Url(lambda w: ({"token": w.invitation_token}, ""), scope="public", public_in=EVERY_STATE),
    "plans:import_version": Url(plan_args()),
    # The one-time set-password link is anyone's to open: without a valid token it says so, nothing more.
    "password_reset_confirm": Url(
        lambda w: ({"uidb64": "MQ", "token": "not-a-token"}, ""), scope="public", public_in=EVERY_STATE
    ),
    "surveys:open_data": Url(
        lambda w: ({"pk": w.survey.pk, "fmt": "csv"}, ""), scope="public", public_in=EVERY_STATE
    ),
    # 財政部's FAQ: kept by its people; votes on a published entry are anyone's.
    "faq:edit": Url(lambda w: ({"pk": w.faq_entry.pk}, "")),
    "faq:confirm": Url(lambda w: ({"pk": w.faq_entry.pk}, "")),
    "faq:settle": Url(lambda w: ({"pk": w.faq_proposal.pk}, "")),
    "faq:vote": Url(lambda w: ({"pk": w.faq_entry.pk}, ""), scope="public", public_in=EVERY_STATE),
    "services:review": Url(lambda w: ({"pk": w.service.pk}, "")),
    "activities:kind": Url(lambda w: ({"key": "posts"}, f"?agency={w.agency_tree['mof'].pk}")),
    "activities:remove": Url(lambda w: ({"key": "posts", "pk": w.post.pk}, "")),
    "reporting:measure": Url(lambda w: ({"key": "opendata.published"}, f"?agency={w.agency_tree['mof'].pk}")),
    "reporting:indicator": Url(lambda w: ({"pk": w.indicator.pk}, "")),
    "awards:self_evaluation": Url(lambda w: ({"plan_pk": w.plan.pk, "year": 2026, "half": 1}, "")),
    # 財政部's published dataset: its page, metadata and file are anyone's; its keeping is 財政部's.
    "opendata:dataset": Url(
        lambda w: ({"identifier": w.dataset.identifier}, ""), scope="public", public_in=EVERY_STATE
    ),
    "opendata:dataset_jsonld": Url(
        lambda w: ({"identifier": w.dataset.identifier}, ""), scope="public", public_in=EVERY_STATE
    ),
    "opendata:download": Url(
        lambda w: ({"pk": w.dataset.resources.get().pk}, ""), scope="public", public_in=EVERY_STATE
    ),
    "opendata:api": Url(lambda w: ({"action": "package_list"}, ""), scope="public", public_in=EVERY_STATE),
    "opendata:api_unversioned": Url(
        lambda w: ({"action": "package_show"}, f"?id={w.dataset.identifier}"),
        scope="public",
        public_in=EVERY_STATE,
    ),
    "opendata:edit": Url(lambda w: ({"pk": w.dataset.pk}, "")),
    "opendata:move": Url(lambda w: ({"pk": w.dataset.pk, "to": "withdraw"}, "")),
    "opendata:add_resource": Url(lambda w: ({"pk": w.dataset.pk}, "")),
    "opendata:clear_personal": Url(
        lambda w: ({"pk": w.dataset.pk, "resource": w.dataset.resources.get().pk}, "")
    ),
    "opendata:record_update": Url(lambda w: ({"pk": w.dataset.pk}, "")),
    # Published results are public whatever becomes of any plan.
    "inspections:public_visit": Url(
        lambda w: ({"pk": w.visit.pk}, ""), scope="public", public_in=EVERY_STATE
    ),
    "inspections:public_report": Url(
        lambda w: ({"pk": w.visit.pk, "agency_pk": w.agency_tree["ntbt"].pk, "fmt": "odt"}, ""),
        scope="public",
        public_in=EVERY_STATE,
    ),
    # Not objects of an agency: the format of the whole open-data file.
    "cases:open_data": Url(lambda w: ({"fmt": "json"}, ""), scope="public", public_in=EVERY_STATE),
    # An agency's published datasets: public whenever it has one (404 before).
    "opendata:agency": Url(
        lambda w: ({"code": "mof"}, ""), scope="public", public_in=EVERY_STATE, exists_in=frozenset()
    ),
}


def routes_taking_parameters() -> dict[str, str]:
    """Every named URL outside the admin whose route captures something, by its namespaced name."""
    found: dict[str, str] = {}

    def collect(patterns, prefix="", namespaces=()):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                collect(entry.url_patterns, prefix + str(entry.pattern), (*namespaces, entry.namespace or ""))
            elif isinstance(entry, URLPattern) and "admin" not in namespaces:
                route = prefix + str(entry.pattern)
                if "<" in route:
                    name = ":".join([*(ns for ns in namespaces if ns), entry.name or "?"])
                    found[name] = route

    collect(get_resolver().url_patterns)
    return found


def test_every_object_url_is_walked():
    routes = routes_taking_parameters()
    assert len(routes) > 30, "the walker found too few URLs to be meaningful"
    assert sorted(set(routes) - set(URLS)) == []


# --- the world ------------------------------------------------------------------------------------


def build_world(agency_tree: dict[str, Any], supervisor: Any, coordinator: Any, state: str) -> World:
    cycle = open_cycle(agency_tree, supervisor, year=2026)
    plan = PlanFactory(
        program=cycle.program,
        agency=agency_tree["mof"],
        cycle=cycle,
        status=state,
        first_year=2026,
        last_year=2026,
    )
    with transaction.atomic():  # the plan's history, as its services would have left it
        audit.record(by=coordinator, action="plan.create", obj=plan, agency=agency_tree["mof"])
    item = PlanItemFactory(plan=plan, position=0)
    ItemUnit.objects.create(item=item, name="秘書處", unit=agency_tree["mof_unit"])
    indicator = Indicator.objects.create(plan=plan, item=item, name="如期結案率", unit="%", position=0)
    periods = reporting_services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
    progress = ItemProgress.objects.create(
        item=item, period=periods[0], agency=agency_tree["mof"], narrative="機密的辦理情形"
    )
    evidence = Evidence(progress=progress, name="佐證.pdf", content_type="application/pdf", size=15)
    evidence.file.save("evidence.pdf", ContentFile(b"%PDF-1.4 secret"), save=True)
    evaluation = SelfEvaluation.objects.create(
        plan=plan,
        year=2026,
        half=1,
        overall="good",
        summary="自評",
        submitted_at=timezone.now(),
        submitted_by=coordinator,
    )
    YearEndReport.objects.create(cycle=cycle, agency=agency_tree["mof"], summary="年度成果")
    site = Site.objects.create(
        agency=agency_tree["mof"], name="財政部全球資訊網", start_url="https://www.mof.gov.tw/"
    )
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    category = CaseCategory.objects.filter(body=agency_tree["root"]).order_by("pk").first()
    rule = RoutingRule.objects.create(body=agency_tree["root"], area="臺北", agency=agency_tree["ntbt"])
    case, _ = case_services.submit_case(
        channel="web",
        body=agency_tree["root"],
        category=category,
        description="路燈不亮",
        email="ming@example.tw",
        attachments=[case_services.Upload("路燈.pdf", b"%PDF-1.4 a lamp post")],
    )
    service = service_catalogue.save_service(
        by=supervisor,
        agency=agency_tree["mof"],
        data=service_catalogue.ServiceData(
            code="tax-certificate",
            name="納稅證明書申請",
            time_limit="3個工作天",
            online_level=3,
            steps="櫃檯人員：受理",
            published=True,
        ),
    )
    visit, finding, inspection_plan, reply_file = _inspection_world(agency_tree)
    edition, entry, assignment = _award_world(agency_tree)
    survey, survey_token, courtesy_test = _survey_world(agency_tree)
    faq_entry, faq_proposal = _faq_world(agency_tree)
    dataset = _opendata_world(agency_tree)
    return World(
        agency_tree,
        cycle,
        plan,
        item,
        indicator,
        periods[0],
        evidence,
        evaluation,
        site,
        case,
        category,
        rule,
        service,
        visit,
        finding,
        inspection_plan,
        reply_file,
        edition,
        entry,
        assignment,
        survey,
        survey_token,
        courtesy_test,
        faq_entry,
        faq_proposal,
        dataset,
        *_people_world(agency_tree, supervisor, coordinator),
        _records_world(agency_tree),
    )


def _records_world(agency_tree: dict[str, Any]) -> Any:
    from servq.activities.models import SocialPost

    return SocialPost.objects.create(
        agency=agency_tree["mof"], platform="facebook", posted_on=timezone.localdate(), title="財政部快訊"
    )


def _people_world(agency_tree: dict[str, Any], supervisor: Any, coordinator: Any) -> tuple[Any, Any, str]:
    """財政部's coordinator's role, and an invitation to be 財政部's head."""
    from servq.agencies import services as agency_services
    from servq.agencies.models import Membership

    membership = Membership.objects.get(user=coordinator, agency=agency_tree["mof"])
    invitation = agency_services.invite(
        by=supervisor, email="new-head@mof.gov.tw", agency=agency_tree["mof"], role="head"
    )
    return membership, invitation, agency_services.invitation_token(invitation)


def _opendata_world(agency_tree: dict[str, Any]) -> Any:
    """財政部's published dataset with one CSV file."""
    from django.core.files.base import ContentFile

    from servq.opendata.models import Dataset, Resource

    dataset = Dataset.objects.create(
        agency=agency_tree["mof"],
        unit=agency_tree["mof_unit"],
        title="各區人口數",
        description="人口",
        state="published",
        published_on=timezone.localdate(),
    )
    resource = Resource(dataset=dataset, name="人口", format="CSV", added_at=timezone.now())
    resource.file.save("people.csv", ContentFile(b"a,b\n1,2\n"), save=True)
    return dataset


def _faq_world(agency_tree: dict[str, Any]) -> tuple[Any, Any]:
    from servq.faq.models import Entry, Proposal

    mof = agency_tree["mof"]
    entry = Entry.objects.create(
        agency=mof,
        question="可以線上申報嗎？",
        answer="可以。",
        confirmed_on=timezone.localdate(),
        published=True,
    )
    return entry, Proposal.objects.create(
        agency=mof, term="停車", count=20, month=timezone.localdate().replace(day=1)
    )


def _survey_world(agency_tree: dict[str, Any]) -> tuple[Any, str, Any]:
    """財政部's open, closed survey with one invitation; a courtesy test of 財政部 by an outside tester."""
    from django.contrib.auth import get_user_model

    from servq.surveys import services as surveys
    from servq.surveys.models import CourtesyTest, Invitation, Questionnaire, ScoreSheet, Survey

    mof = agency_tree["mof"]
    q = Questionnaire.objects.create(agency=mof, name="洽公滿意度", audience="citizens")
    survey = Survey.objects.create(
        questionnaire=q,
        agency=mof,
        title="洽公滿意度",
        year=2026,
        closes_on=timezone.localdate(),
        by_invitation=False,
        closed=True,
    )
    Invitation.objects.create(survey=survey, token_hash=surveys.token_hash("walk-token"))
    sheet = ScoreSheet.objects.create(
        body=mof, name="電話禮貌測試", kind="phone", items="A｜問候｜10", bands="0｜合格"
    )
    tester = get_user_model().objects.create_user("courtesy-tester")
    test = CourtesyTest.objects.create(
        sheet=sheet, agency=agency_tree["ntbt"], tester=tester, due_on=timezone.localdate()
    )
    return survey, "walk-token", test


def _award_world(agency_tree: dict[str, Any]) -> tuple[Any, Any, Any]:
    """財政部 runs its award; 臺北國稅局 (below it) enters; an outside expert scores it."""
    from django.contrib.auth import get_user_model

    from servq.awards.models import Assignment, Category, Edition, Entry, Reviewer, Stage

    mof = agency_tree["mof"]
    edition = Edition.objects.create(body=mof, name="財政部服務獎", year=2026, published=True)
    category = Category.objects.create(edition=edition, code="overall", name="整體服務類")
    stage = Stage.objects.create(edition=edition, name="初審")
    entry = Entry.objects.create(
        edition=edition,
        category=category,
        agency=agency_tree["ntbt"],
        title="稅務服務",
        number=1,
        reached=stage,
        grade="優等",
    )
    reviewer = Reviewer.objects.create(
        edition=edition, user=get_user_model().objects.create_user("award-expert")
    )
    return edition, entry, Assignment.objects.create(stage=stage, entry=entry, reviewer=reviewer)


def _inspection_world(agency_tree: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """財政部 inspects 臺北國稅局: a published visit with a finding answered with a file."""
    from servq.inspections.models import (
        CriteriaSet,
        Criterion,
        Finding,
        InspectionPlan,
        RecordFile,
        Reply,
        Visit,
    )

    mof, ntbt = agency_tree["mof"], agency_tree["ntbt"]
    plan = InspectionPlan.objects.create(body=mof, year=2026, title="115年度考核", priority=[])
    criteria = CriteriaSet.objects.create(body=mof, name="考核項目")
    Criterion.objects.create(criteria=criteria, code="A1", name="服務流程")
    visit = Visit.objects.create(
        body=mof, kind="regular", on=timezone.localdate(), state="published", plan=plan, criteria=criteria
    )
    visit.agencies.set([ntbt])
    today = timezone.localdate()
    finding = Finding.objects.create(
        body=mof, visit=visit, agency=ntbt, text="網站未更新", notified_on=today, reply_due=today
    )
    from django.contrib.auth import get_user_model

    writer = get_user_model().objects.create_user("ntbt-writer")
    reply = Reply.objects.create(finding=finding, by=writer, at=timezone.now(), text="已改善")
    file = RecordFile(reply=reply, name="更新紀錄.pdf", content_type="application/pdf", size=10)
    file.file.save("log.pdf", ContentFile(b"%PDF-1.4 log"), save=True)
    return visit, finding, plan, file


@pytest.fixture
def people(agency_tree, user_with_role):
    other_body = AgencyFactory(code="other", name="另一院", kind="parent_body", parent=None)
    other_agency = AgencyFactory(code="other-a", name="另一部", kind="agency", parent=other_body)
    outsiders = {
        f"經濟部 {role}": user_with_role(agency_tree["moea"], role)
        for role in Role
        if role != Role.UNIT_STAFF
    }
    outsiders["經濟部資訊中心 unit_staff"] = user_with_role(agency_tree["moea_unit"], Role.UNIT_STAFF)
    outsiders["另一院 supervisor"] = user_with_role(other_body, Role.SUPERVISOR)
    outsiders["另一部 coordinator"] = user_with_role(other_agency, Role.COORDINATOR)
    insiders = {
        "行政院 supervisor": user_with_role(agency_tree["root"], Role.SUPERVISOR),
        "財政部 coordinator": user_with_role(agency_tree["mof"], Role.COORDINATOR),
    }
    return outsiders, insiders


def _outside_the_cycle(label: str) -> bool:
    return label.startswith("另一")


def _may_read(url: Url, label: str, state: str) -> bool:
    if url.scope == "public":
        return state in url.public_in
    if url.scope == "directory":
        return True
    if url.scope == "cycle":
        return not _outside_the_cycle(label)
    return False


def _path(name: str, world: World) -> str:
    kwargs, query = URLS[name].build(world)
    return reverse(name, kwargs=kwargs) + query


@pytest.mark.parametrize("state", PLAN_STATES)
def test_outsiders_read_only_what_is_public_and_change_nothing(
    client, agency_tree, people, state, settings, user_with_role
):
    settings.RATELIMIT_ENABLE = False
    supervisor = user_with_role(agency_tree["root"], Role.SUPERVISOR)
    coordinator = user_with_role(agency_tree["mof"], Role.COORDINATOR)
    world = build_world(agency_tree, supervisor, coordinator, state)
    outsiders, _ = people
    leaks = []
    for label, user in [("anonymous", None), *outsiders.items()]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, url in URLS.items():
            path = _path(name, world)
            audit_before = AuditEntry.objects.count()
            got = client.get(path)
            if got.status_code == 200 and not _may_read(url, label, state):
                leaks.append(f"GET {name} ({path}) as {label}: 200")
            assert got.status_code < 500, f"GET {path} as {label}"
            posted = client.post(path, {"comment": "x", "status": "done", "narrative": "x", "reason": "x"})
            assert posted.status_code < 500, f"POST {path} as {label}"
            if AuditEntry.objects.count() != audit_before and url.scope != "cycle":
                leaks.append(f"POST {name} ({path}) as {label} changed something")
    assert leaks == []


@pytest.mark.parametrize("state", [PlanStatus.DRAFT, PlanStatus.PUBLISHED])
def test_the_owning_subtree_reaches_every_object(client, agency_tree, people, state, user_with_role):
    supervisor = user_with_role(agency_tree["root"], Role.SUPERVISOR)
    coordinator = user_with_role(agency_tree["mof"], Role.COORDINATOR)
    world = build_world(agency_tree, supervisor, coordinator, state)
    _, insiders = people
    missing = []
    for label, user in insiders.items():
        client.force_login(user)
        for name, url in URLS.items():
            if url.exists_in is not None and state not in url.exists_in:
                continue
            if url.scope == "organizers" and "supervisor" not in label:
                continue
            path = _path(name, world)
            if client.get(path).status_code == 404:
                missing.append(f"{name} ({path}) as {label}")
    assert missing == []


def test_a_published_plan_does_not_open_its_reporting(client, agency_tree, user_with_role):
    """The probe's finding: another agency's user read evidence files of any published plan."""
    supervisor = user_with_role(agency_tree["root"], Role.SUPERVISOR)
    coordinator = user_with_role(agency_tree["mof"], Role.COORDINATOR)
    world = build_world(agency_tree, supervisor, coordinator, PlanStatus.PUBLISHED)
    client.force_login(user_with_role(agency_tree["moea"], Role.COORDINATOR))
    assert client.get(reverse("plans:detail", args=[world.plan.pk])).status_code == 200
    assert client.get(reverse("reporting:evidence", args=[world.evidence.pk])).status_code == 404
    assert client.get(_path("reporting:progress", world)).status_code == 404
    assert client.get(_path("reporting:self_evaluation", world)).status_code == 404


def test_a_case_page_suggests_no_duplicate_outside_the_viewers_reach(client, agency_tree, user_with_role):
    """Duplicate suggestions are a list of cases too: 國稅局's page must not name 財政部's case."""
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    RoutingRule.objects.create(body=agency_tree["root"], area="臺北", agency=agency_tree["ntbt"])
    repair = CaseCategory.objects.get(body=agency_tree["root"], code="repair")
    filed = {}
    for where, address in [("mof", ""), ("ntbt", "臺北市中山路二段1號")]:
        filed[where], _ = case_services.submit_case(
            channel="web",
            body=agency_tree["root"],
            category=repair,
            description="中山路二段的路燈壞了好幾天",
            email="ming@example.tw",
            address=address,
        )
    client.force_login(user_with_role(agency_tree["ntbt"], Role.COORDINATOR))
    page = client.get(reverse("cases:detail", args=[filed["ntbt"].number])).content.decode()
    assert filed["mof"].number not in page
    client.force_login(user_with_role(agency_tree["mof"], Role.SUPERVISOR))
    page = client.get(reverse("cases:detail", args=[filed["ntbt"].number])).content.decode()
    assert filed["mof"].number in page
