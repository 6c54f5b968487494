"""Pages for signing in, organisations, members, invitations, the profile and API tokens.

Each view checks access with framja.accounts.permissions (outsiders get 404, anonymous visitors
the login page), calls one service and renders or redirects.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.urls.base import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from framja.accounts import ratelimit, services
from framja.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    MemberRoleForm,
    OrganisationFilterForm,
    OrganisationForm,
    ProfileForm,
    SignInForm,
    TranslatedPasswordResetForm,
)
from framja.accounts.models import ApiToken, Invitation, Membership, Organisation, Role, User
from framja.accounts.permissions import DECIDING_ROLES, can_manage, can_view_members, memberships_of, require, role_in
from framja.audit.forms import AuditFilterForm
from framja.audit.models import AuditEntry

ORGANISATIONS_PER_PAGE = 25
MEMBERS_PER_PAGE = 100
NEW_TOKEN_SESSION_KEY = "accounts_new_api_token"  # noqa: S105 - a session key, not a secret


def _me(request: HttpRequest) -> User:
    """The signed-in person (views behind login_required)."""
    return cast(User, request.user)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _in_language(url: str, language: str) -> str:
    """The same page in the person's preferred language (URLs carry the language prefix)."""
    return translate_url(url, language) if language else url


# -- signing in -------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Sign in; without an explicit `next`, continue in the person's preferred language."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = self.get_redirect_url()
        if url:
            return url
        return _in_language(resolve_url(settings.LOGIN_REDIRECT_URL), _me(self.request).preferred_language)


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; limited per client address and per e-mail address (no mail bombing)."""

    form_class = TranslatedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        if not (
            ratelimit.allow(self.request, "password-reset", ratelimit.PASSWORD_RESETS_PER_ADDRESS)
            and ratelimit.hit("password-reset-email", email, ratelimit.PASSWORD_RESETS_PER_EMAIL)
        ):
            form.add_error(None, _("Too many requests for a new password in a short time. Wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return reverse("accounts-password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def get_success_url(self) -> str:
        return reverse("accounts-password-reset-complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"

    def get_success_url(self) -> str:
        return reverse("accounts-password-change-done")


# -- my organisations and the directory -------------------------------------------------------


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The same (cached) query as the menu's: one query for both. Claims to verify are counted
    # only for those who may verify any: platform staff and coordinators of a verified region.
    memberships = memberships_of(request.user)
    may_verify = request.user.is_staff or any(
        m.role in DECIDING_ROLES and m.organisation.verified_kind == Organisation.Kind.REGION for m in memberships
    )
    claims = Organisation.objects.claims_verifiable_by(request.user).count() if may_verify else 0
    return render(request, "accounts/home.html", {"memberships": memberships, "claims_to_verify": claims})


@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET)
    organisations = form.filter(Organisation.objects.visible_to(request.user)).annotate(
        served_count=Count("serves", distinct=True)
    )
    page = Paginator(organisations.order_by("name", "pk"), ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    template = "accounts/_organisation_results.html" if request.htmx else "accounts/organisation_list.html"  # type: ignore[attr-defined]
    response = render(request, template, {"form": form, "page": page, "query": _query_without_page(request)})
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers a fragment to HTMX
    return response


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _get_organisation(request: HttpRequest, slug: str) -> Organisation:
    """A public profile: active ones for everyone, inactive ones for its members and staff."""
    organisation = get_object_or_404(Organisation.objects.select_related("municipality"), slug=slug)
    require(organisation.is_active or can_view_members(request.user, organisation))
    return organisation


@require_safe
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _get_organisation(request, slug)
    served = organisation.serves.select_related("county").order_by("country", "county__code", "name")
    context = {
        "organisation": organisation,
        "served": served,
        "role": role_in(request.user, organisation),
        "can_manage": can_manage(request.user, organisation),
    }
    return render(request, "accounts/organisation_detail.html", context)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Any signed-in person may register an organisation and becomes its first administrator.

    It is listed at once, but its kind, municipality and served area give access to ideas only
    once verified (see Organisation). The checks (organisation number, one verified organisation
    per municipality) keep obvious duplicates out.
    """
    form = OrganisationForm(request.POST or None, initial={"country": "NO" if get_language() == "nb" else "SE"})
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                creator=_me(request), fields=form.fields_changed(), serves=form.cleaned_data["serves"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation is registered. You are its administrator."))
            if organisation.claim_is_pending:
                messages.info(request, _("Its kind, municipality and municipalities served await verification."))
            return redirect(organisation)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": None})


@require_safe
@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    """Pending claims the person may verify (staff: all; verified regions: region claims in their area)."""
    claims = (
        Organisation.objects.claims_verifiable_by(request.user)
        .select_related("municipality", "verified_municipality")
        .prefetch_related("serves", "verified_serves")
        .order_by("updated_at", "pk")
    )
    return render(request, "accounts/claim_list.html", {"claims": claims})


def _verifiable(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(Organisation.objects.claims_verifiable_by(request.user).filter(pk=organisation.pk).exists())
    return organisation


@login_required
@require_POST
def claim_verify(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _verifiable(request, slug)
    try:
        services.organisation_claim_verify(organisation=organisation, by=_me(request))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
    return redirect("accounts-claim-list")


@login_required
@require_POST
def claim_reject(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _verifiable(request, slug)
    try:
        services.organisation_claim_reject(
            organisation=organisation, by=_me(request), note=request.POST.get("note", "")[:500]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The claim of %(name)s is rejected.") % {"name": organisation.name})
    return redirect("accounts-claim-list")


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage(request.user, organisation))
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, fields=form.fields_changed(), serves=form.cleaned_data["serves"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            if organisation.claim_is_pending:
                messages.info(request, _("Its kind, municipality and municipalities served await verification."))
            return redirect(organisation)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


# -- members and invitations ------------------------------------------------------------------


def _members_context(request: HttpRequest, organisation: Organisation, **extra: Any) -> dict[str, Any]:
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    manage = can_manage(request.user, organisation)
    invitations = (
        organisation.invitations.pending().select_related("invited_by").order_by("-created_at") if manage else []
    )
    return {
        "organisation": organisation,
        "page": Paginator(memberships, MEMBERS_PER_PAGE).get_page(request.GET.get("page")),
        "can_manage": manage,
        "roles": Role.choices,
        "invitations": invitations,
        "invitation_form": extra.pop("invitation_form", None) or InvitationForm(),
        **extra,
    }


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_view_members(request.user, organisation))
    return render(request, "accounts/member_list.html", _members_context(request, organisation))


def _get_membership(request: HttpRequest, slug: str, user_id: int) -> Membership:
    """The membership an admin manages, or one's own (to leave); 404 for anyone else."""
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"), organisation__slug=slug, user_id=user_id
    )
    require(can_manage(request.user, membership.organisation) or membership.user_id == request.user.pk)
    return membership


@require_POST
@login_required
def member_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"), organisation__slug=slug, user_id=user_id
    )
    require(can_manage(request.user, membership.organisation))
    form = MemberRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the roles."))
        services.member_set_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("%(name)s is now %(role)s.") % {"name": membership.user, "role": membership.get_role_display()}
        )
    return redirect("accounts-member-list", slug=slug)


@login_required
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """GET asks for confirmation; POST removes (or lets a member leave)."""
    membership = _get_membership(request, slug, user_id)
    leaving = membership.user_id == request.user.pk
    if request.method == "POST":
        try:
            services.member_remove(membership=membership)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect("accounts-member-list", slug=slug)
        if leaving:
            messages.success(request, _("You have left %(organisation)s.") % {"organisation": membership.organisation})
            return redirect("accounts-home")
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
        return redirect("accounts-member-list", slug=slug)
    context = {"membership": membership, "organisation": membership.organisation, "leaving": leaving}
    return render(request, "accounts/member_remove.html", context)


@require_POST
@login_required
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage(request.user, organisation))
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_send(
                organisation=organisation, invited_by=_me(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts-member-list", slug=slug)
    context = _members_context(request, organisation, invitation_form=form)
    return render(request, "accounts/member_list.html", context, status=422)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk, organisation__slug=slug)
    require(can_manage(request.user, invitation.organisation))
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email})
    return redirect("accounts-member-list", slug=slug)


@never_cache  # the private invitation link, often opened before signing in
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: join (signed in), create an account, or explain why not."""
    invitation = Invitation.find_by_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_accept.html", {"invitation": None}, status=404)
    context: dict[str, Any] = {"invitation": invitation, "organisation": invitation.organisation}
    if not invitation.is_pending:
        return render(request, "accounts/invitation_accept.html", context, status=410)
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            return render(request, "accounts/invitation_accept.html", {**context, "wrong_account": True})
        if request.method == "POST":
            return _join(request, invitation, user)
        return render(request, "accounts/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "accounts/invitation_accept.html", {**context, "sign_in": True})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_user = services.invitation_accept_new_user(
                invitation=invitation,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, new_user, backend="framja.accounts.auth.EmailOrUsernameBackend")
            messages.success(
                request, _("Welcome! You are now a member of %(name)s.") % {"name": invitation.organisation}
            )
            return redirect(invitation.organisation)
    return render(request, "accounts/invitation_accept.html", {**context, "form": form})


def _join(request: HttpRequest, invitation: Invitation, user: Any) -> HttpResponse:
    try:
        services.invitation_accept(invitation=invitation, user=user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("accounts-home")
    messages.success(request, _("You are now a member of %(name)s.") % {"name": invitation.organisation})
    return redirect(invitation.organisation)


# -- profile and API tokens -------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, fields=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return HttpResponseRedirect(_in_language(reverse("accounts-profile"), user.preferred_language))
    return render(request, "accounts/profile.html", _profile_context(request, form=form))


def _profile_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "form": extra.pop("form", None) or ProfileForm(instance=request.user),
        "token_form": extra.pop("token_form", None) or ApiTokenForm(),
        "tokens": ApiToken.objects.active().filter(user=_me(request)),
        "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        **extra,
    }


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.api_token_create(user=_me(request), name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = raw  # shown once by the profile page, then forgotten
            return redirect(reverse("accounts-profile") + "#new-token")
    return render(request, "accounts/profile.html", _profile_context(request, token_form=form), status=422)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=_me(request))
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(reverse("accounts-profile") + "#tokens")


# -- the audit log page (here, not in the audit app: who may read it is an accounts rule) ----

AUDIT_ENTRIES_PER_PAGE = 50


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's audit log, for its administrators."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage(request.user, organisation))
    entries = AuditEntry.objects.for_organisation(organisation.pk)
    form = AuditFilterForm(request.GET, entries=entries)
    filtered = form.filter(entries).select_related("content_type").order_by("-created_at", "-id")
    page = Paginator(filtered, AUDIT_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "can_manage": True,
    }
    return render(request, "audit/organisation_log.html", context)
