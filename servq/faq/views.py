"""FAQ pages: the public FAQ with search, votes and schema.org FAQPage data; the front desk, which
answers a caller as the question is typed; the agency's entries, reviews and proposals from cases."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_served, body_of
from servq.core.errors import ServiceError
from servq.core.http import chosen, json_for_script, redirect_back
from servq.core.refusals import refusals_to
from servq.faq import selectors, services
from servq.faq.models import Entry, Proposal

STAFF = [Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF]


@access(public=True)
def public(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    entries = list(selectors.public(query)[:100])
    structured = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": e.question, "acceptedAnswer": {"@type": "Answer", "text": e.answer}}
            for e in entries
        ],
    }
    return render(
        request,
        "faq/public.html",
        {"entries": entries, "query": query, "structured": json_for_script(structured)},
    )


@access(public=True)
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    entry = Entry.objects.filter(pk=pk, published=True).first()
    if entry is None:
        raise Http404
    if not is_ratelimited(request, group="faq.vote", key="ip", rate="30/h", method="POST", increment=True):
        services.vote(entry=entry, helpful=request.POST.get("helpful") == "yes")
    messages.success(request, gettext("謝謝您的回饋。"))
    return redirect_back(request, reverse("faq:public"))


@access(roles=STAFF)
def desk(request: HttpRequest) -> HttpResponse:
    """The front desk: the question typed, the answers appear (two characters are enough)."""
    query = request.GET.get("q", "").strip()[:100]
    found = list(selectors.search(query, selectors.kept_by(request.user))[:10]) if len(query) >= 2 else []
    template = "faq/_desk_results.html" if request.headers.get("HX-Request") else "faq/desk.html"
    return render(request, template, {"query": query, "found": found})


def _agencies(request: HttpRequest) -> list[Agency]:
    return agencies_served(request.user, "faq.keep_faq")


@access(roles=STAFF)
def manage(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request)
    entries = selectors.kept_by(request.user)
    agency = chosen(request, agencies, "agency")
    error = ""
    if request.method == "POST" and agency is not None:
        try:
            services.save_entry(
                by=request.user,
                agency=agency,
                question=request.POST.get("question", ""),
                answer=request.POST.get("answer", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                published=request.POST.get("published") == "on",
            )
            messages.success(request, gettext("已儲存常見問題。"))
            return redirect("faq:manage")
        except ServiceError as refused:
            error = refused.message
    today = timezone.localdate()
    return render(
        request,
        "faq/manage.html",
        {
            "entries": entries,
            "due": {e.pk for e in selectors.due_for_review(entries, today)},
            "agencies": agencies,
            "agency": agency,
            "proposals": Proposal.objects.filter(agency__in=agencies, state="proposed"),
            "data": request.POST,
            "error": error,
        },
        status=400 if error else 200,
    )


def _entry(request: HttpRequest, pk: int) -> Entry:
    entry = selectors.kept_by(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


@access(roles=STAFF)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.save_entry(
                by=request.user,
                agency=entry.agency,
                entry=entry,
                question=request.POST.get("question", ""),
                answer=request.POST.get("answer", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                published=request.POST.get("published") == "on",
                unit=entry.unit,
                service=entry.service,
            )
            messages.success(request, gettext("已儲存為新版本並確認。"))
            return redirect("faq:manage")
        except ServiceError as refused:
            error = refused.message
    return render(
        request,
        "faq/edit.html",
        {"entry": entry, "data": request.POST or None, "error": error, "versions": entry.versions.all()},
        status=400 if error else 200,
    )


@access(roles=STAFF)
@require_POST
@refusals_to("faq:edit", pk="pk")
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    services.confirm(by=request.user, entry=_entry(request, pk))
    messages.success(request, gettext("已確認內容仍正確。"))
    return redirect("faq:manage")


@access(roles=STAFF)
@require_POST
@refusals_to("faq:manage")
def propose(request: HttpRequest) -> HttpResponse:
    agency = next(iter(_agencies(request)), None)
    if agency is None:
        raise Http404
    month = timezone.localdate().replace(day=1)
    made = services.propose_from_cases(
        by=request.user,
        agency=agency,
        body=body_of(agency),
        month=month,
        minimum=int(request.POST.get("minimum") or 5),
    )
    messages.success(request, gettext("已提出 %(n)d 則建議。") % {"n": len(made)})
    return redirect("faq:manage")


@access(roles=STAFF)
@require_POST
@refusals_to("faq:manage")
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = Proposal.objects.filter(pk=pk, agency__in=_agencies(request)).first()
    if proposal is None:
        raise Http404
    services.settle_proposal(
        by=request.user,
        proposal=proposal,
        accept=request.POST.get("accept") == "yes",
        question=request.POST.get("question", ""),
        answer=request.POST.get("answer", ""),
    )
    messages.success(request, gettext("已處理建議。"))
    return redirect("faq:manage")
