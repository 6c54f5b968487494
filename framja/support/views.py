"""Pages of the support log, per organisation, for its casework roles (adviser, coordinator,
administrator; platform staff too). Anyone else gets 404; anonymous visitors sign in first.
Thin views: access through `_casework_organisation`, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from framja.accounts.models import CASEWORK_ROLES, Organisation, User
from framja.accounts.permissions import has_any_role, require
from framja.support import services
from framja.support.forms import EffortForm, ReferralAnswerForm
from framja.support.models import AgeBand, Company, Effort, Person, Referral, ReferralStatus


def _casework_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(has_any_role(request.user, organisation, CASEWORK_ROLES))
    return organisation


@require_safe
@login_required
def clients(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's client companies and people."""
    organisation = _casework_organisation(request, slug)
    context = {
        "organisation": organisation,
        "companies": Company.objects.clients_of(organisation).select_related("municipality").order_by("name", "pk"),
        "people": Person.objects.of_organisation(organisation)
        .prefetch_related("roles__company")
        .order_by("name", "pk"),
    }
    return render(request, "support/clients.html", context)


@require_safe
@login_required
def company_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One client: its facts, our efforts for it, its people we know, and its referral chain."""
    organisation = _casework_organisation(request, slug)
    company = get_object_or_404(
        Company.objects.clients_of(organisation).select_related("municipality", "sni_code"), pk=pk
    )
    context = {
        "organisation": organisation,
        "company": company,
        "efforts": Effort.objects.of_organisation(organisation)
        .for_company(company)
        .select_related("offering", "adviser"),
        "links": company.people.filter(person__organisation=organisation).select_related("person"),
        "chain": Referral.objects.filter(Q(from_organisation=organisation) | Q(to_organisation=organisation))
        .chain_for(company=company)
        .select_related("from_organisation", "to_organisation"),
    }
    return render(request, "support/company_detail.html", context)


@require_safe
@login_required
def person_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One client person of ours. Their demographics are shown to our administrators only, and
    each time they are shown the read is written to the audit log."""
    organisation = _casework_organisation(request, slug)
    person = get_object_or_404(Person.objects.of_organisation(organisation).select_related("municipality"), pk=pk)
    demographics = services.demographics_read(person=person, by=request.user)
    context = {
        "organisation": organisation,
        "person": person,
        "links": person.roles.select_related("company"),
        "efforts": Effort.objects.of_organisation(organisation).filter(person=person).select_related("company"),
        "may_see_demographics": person.demographics_visible_to(request.user),
        "demographics": demographics,
        "age_band_label": AgeBand(demographics.age_band_on(timezone.localdate())).label
        if demographics and demographics.birth_year
        else "",
        "consent": demographics.consent if demographics else None,
    }
    return render(request, "support/person_detail.html", context)


@login_required
def effort_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Log an effort; `?referral=<id>` logs it as the answer to a referral we received."""
    organisation = _casework_organisation(request, slug)
    referral = None
    referral_id = request.GET.get("referral", "")
    if referral_id:
        referral = get_object_or_404(
            Referral.objects.received_by(organisation).exclude(status=ReferralStatus.DECLINED),
            pk=int(referral_id) if referral_id.isascii() and referral_id.isdigit() and len(referral_id) < 19 else 0,
        )
    form = EffortForm(request.POST or None, organisation=organisation, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            effort = services.effort_log(organisation=organisation, referral=referral, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The effort is logged."))
            if effort.company_id is not None:
                return redirect("support-company-detail", organisation.slug, effort.company_id)
            return redirect("support-clients", organisation.slug)
    return render(
        request, "support/effort_form.html", {"organisation": organisation, "form": form, "referral": referral}
    )


@require_safe
@login_required
def referrals(request: HttpRequest, slug: str) -> HttpResponse:
    """Referrals received (those to answer first) and sent, with their outcome."""
    organisation = _casework_organisation(request, slug)
    related = ("from_organisation", "to_organisation", "company", "person")
    context = {
        "organisation": organisation,
        "received": Referral.objects.received_by(organisation).select_related(*related).order_by("-sent_at", "-pk"),
        "sent": Referral.objects.sent_by(organisation).select_related(*related).order_by("-sent_at", "-pk"),
    }
    return render(request, "support/referrals.html", context)


@login_required
def referral_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A referral: the receiver answers it here (POST) and may log an effort from it."""
    organisation = _casework_organisation(request, slug)
    referral = get_object_or_404(
        Referral.objects.filter(Q(from_organisation=organisation) | Q(to_organisation=organisation)).select_related(
            "from_organisation", "to_organisation", "company", "person"
        ),
        pk=pk,
    )
    can_answer = referral.to_organisation_id == organisation.pk and referral.status == ReferralStatus.SENT
    form = ReferralAnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("The referral has already been answered."))
            return redirect("support-referral-detail", organisation.slug, referral.pk)
        if form.is_valid():
            user = request.user
            try:
                services.referral_answer(
                    referral=referral,
                    by=user if isinstance(user, User) else None,
                    accept=form.cleaned_data["accept"],
                    answer=form.cleaned_data["answer"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your answer is saved; the sender sees it."))
                return redirect("support-referral-detail", organisation.slug, referral.pk)
    context = {"organisation": organisation, "referral": referral, "form": form}
    return render(request, "support/referral_detail.html", context)
