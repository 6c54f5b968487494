"""Pages of the support log, per organisation, for its casework roles (adviser, coordinator,
administrator; platform staff too). Anyone else gets 404; anonymous visitors sign in first.
Thin views: access through `_casework_organisation`, writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from framja.accounts.models import CASEWORK_ROLES, Organisation, User
from framja.accounts.permissions import has_any_role, require
from framja.catalogue.models import ContactRequest
from framja.support import services
from framja.support.forms import (
    CompanyForm,
    ContactRegisterForm,
    DemographicsForm,
    EffortForm,
    MergeForm,
    PersonForm,
    ReferralAnswerForm,
    ReferralForm,
)
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
        "contact_requests": ContactRequest.objects.for_organisation(organisation)
        .unanswered()
        .order_by("created_at", "pk"),
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


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _admin_person(request: HttpRequest, slug: str, pk: int) -> tuple[Organisation, Person]:
    """A person of ours, for the administrators who may see their demographics (404 otherwise)."""
    organisation = _casework_organisation(request, slug)
    person = get_object_or_404(Person.objects.of_organisation(organisation), pk=pk)
    require(person.demographics_visible_to(request.user))
    return organisation, person


# --------------------------------------------------------------------------- managing clients


@login_required
def company_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Register a client company. A number that is already registered leads to that company,
    which becomes our client too; nothing of its register data changes."""
    organisation = _casework_organisation(request, slug)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company, created = services.company_register(organisation=organisation, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(request, _("The company is registered as your client."))
            else:
                messages.info(
                    request,
                    _("This organisation number was already registered: here is that company, now your client."),
                )
            return redirect("support-company-detail", organisation.slug, company.pk)
    return render(request, "support/company_form.html", {"organisation": organisation, "form": form, "company": None})


@login_required
def company_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _casework_organisation(request, slug)
    company = get_object_or_404(Company.objects.clients_of(organisation).select_related("sni_code"), pk=pk)
    form = CompanyForm(request.POST or None, initial=CompanyForm.initial_from(company))
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The company is saved."))
            return redirect("support-company-detail", organisation.slug, company.pk)
    context = {"organisation": organisation, "form": form, "company": company}
    return render(request, "support/company_form.html", context)


def _merge_facts(company: Company) -> dict[str, Any]:
    return {
        "company": company,
        "efforts": company.efforts.count(),
        "referrals": company.referrals.count(),
        "people": company.people.count(),
    }


@login_required
def company_merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Choose a duplicate of this company, compare the two side by side, and merge the
    duplicate into this one (its efforts, referrals and people move; the merge is audited)."""
    organisation = _casework_organisation(request, slug)
    keep = get_object_or_404(Company.objects.clients_of(organisation).select_related("municipality"), pk=pk)
    form = MergeForm(
        request.POST if request.method == "POST" else request.GET or None, organisation=organisation, keep=keep
    )
    duplicate = form.cleaned_data["duplicate"] if form.is_bound and form.is_valid() else None
    if request.method == "POST" and duplicate is not None:
        try:
            services.company_merge(keep=keep, duplicate=duplicate)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The companies are merged."))
            return redirect("support-company-detail", organisation.slug, keep.pk)
    context = {
        "organisation": organisation,
        "form": form,
        "keep": _merge_facts(keep),
        "duplicate": _merge_facts(duplicate) if duplicate is not None else None,
    }
    return render(request, "support/company_merge.html", context)


@login_required
def person_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _casework_organisation(request, slug)
    initial = {"company": request.GET.get("company")} if (request.GET.get("company") or "").isdigit() else {}
    form = PersonForm(request.POST or None, organisation=organisation, initial=initial)
    return _person_form(request, organisation, form, None)


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _casework_organisation(request, slug)
    person = get_object_or_404(Person.objects.of_organisation(organisation), pk=pk)
    form = PersonForm(request.POST or None, organisation=organisation, initial=PersonForm.initial_from(person))
    return _person_form(request, organisation, form, person)


def _person_form(request: HttpRequest, organisation: Organisation, form: PersonForm, person: Person | None) -> Any:
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.person_record(
                organisation=organisation,
                person=person,
                company=form.cleaned_data.get("company"),
                role=form.cleaned_data.get("role") or "",
                **form.person_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The person is saved."))
            return redirect("support-person-detail", organisation.slug, saved.pk)
    context = {"organisation": organisation, "form": form, "person": person}
    return render(request, "support/person_form.html", context)


@login_required
def person_demographics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record the person's self-declared demographics (and their consent, if none is active).
    Administrators only; showing the current values is an audited read."""
    organisation, person = _admin_person(request, slug, pk)
    current = services.demographics_read(person=person, by=request.user) if request.method == "GET" else None
    has_consent = person.consents.active().exists()
    initial = (
        {"gender": current.gender, "birth_year": current.birth_year, "foreign_background": current.foreign_background}
        if current is not None
        else {}
    )
    form = DemographicsForm(request.POST or None, has_consent=has_consent, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.demographics_record(
                person=person,
                by=_user(request),
                gender=data.get("gender") or "",
                birth_year=data.get("birth_year"),
                foreign_background=data.get("foreign_background") or "",
                purpose=data.get("purpose") or "",
                given_on=data.get("given_on"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The demographics are saved."))
            return redirect("support-person-detail", organisation.slug, person.pk)
    context = {"organisation": organisation, "person": person, "form": form, "has_consent": has_consent}
    return render(request, "support/demographics_form.html", context)


@login_required
@require_POST
def person_consent_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, person = _admin_person(request, slug, pk)
    if services.consent_withdraw(person=person):
        messages.success(request, _("The consent is withdrawn and the demographics are deleted."))
    return redirect("support-person-detail", organisation.slug, person.pk)


@login_required
def referral_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Refer one of our clients (`?company=<id>` or `?person=<id>`) to another organisation."""
    organisation = _casework_organisation(request, slug)
    company = person = None
    if (raw := request.GET.get("company", "")).isdigit() and len(raw) < 19:
        company = get_object_or_404(Company.objects.clients_of(organisation), pk=int(raw))
    elif (raw := request.GET.get("person", "")).isdigit() and len(raw) < 19:
        person = get_object_or_404(Person.objects.of_organisation(organisation), pk=int(raw))
    else:
        raise Http404
    form = ReferralForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(
                from_organisation=organisation,
                to_organisation=form.cleaned_data["to_organisation"],
                company=company,
                person=person,
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The referral is sent; the receiving organisation is told by e-mail."))
            return redirect("support-referral-detail", organisation.slug, referral.pk)
    context = {"organisation": organisation, "form": form, "client": company or person}
    return render(request, "support/referral_form.html", context)


@login_required
def contact_request_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A contact request from the front door, and the step that makes it a client with a first
    effort (POST). A second submit leads to what the first one made."""
    organisation = _casework_organisation(request, slug)
    contact = get_object_or_404(
        ContactRequest.objects.for_organisation(organisation).select_related("offering", "municipality"), pk=pk
    )
    done = Effort.objects.filter(contact_request=contact).select_related("person", "company").first()
    form = ContactRegisterForm(request.POST or None) if done is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            registered = services.contact_request_register(contact_request=contact, by=_user(request), **data)
        except ValidationError as exc:
            if form is None:  # a registered request is only looked up: nothing to refuse
                raise
            form.add_error(None, exc)
        else:
            if registered.created:
                messages.success(request, _("The person is your client now, with a first effort logged today."))
            if registered.company is not None:
                return redirect("support-company-detail", organisation.slug, registered.company.pk)
            if registered.person is not None:
                return redirect("support-person-detail", organisation.slug, registered.person.pk)
            return redirect("support-clients", organisation.slug)
    context = {"organisation": organisation, "contact": contact, "form": form, "done": done}
    return render(request, "support/contact_request.html", context)


# --------------------------------------------------------------------------- privacy


@require_safe
@login_required
def person_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The person's own data as a JSON file, for our administrators to hand over (audited)."""
    _organisation, person = _admin_person(request, slug, pk)
    response = JsonResponse(
        services.person_export(person=person, by=request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_erase(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Erase the person after a confirmation; their efforts stay, anonymised."""
    organisation, person = _admin_person(request, slug, pk)
    if request.method == "POST":
        services.person_erase(person=person)
        messages.success(request, _("The person is erased. Their efforts stay, without the link to them."))
        return redirect("support-clients", organisation.slug)
    context = {
        "organisation": organisation,
        "person": person,
        "efforts": Effort.objects.filter(person=person).count(),
    }
    return render(request, "support/person_erase.html", context)


@require_safe
@login_required
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    """Clients to follow up: efforts whose follow-up date has come and that no later effort for
    the client has answered yet, the longest waiting first."""
    organisation = _casework_organisation(request, slug)
    due = (
        Effort.objects.of_organisation(organisation)
        .follow_up_due(timezone.localdate())
        .select_related("company", "person", "adviser", "offering")
        .order_by("follow_up_on", "pk")
    )
    return render(request, "support/follow_up.html", {"organisation": organisation, "efforts": due})
