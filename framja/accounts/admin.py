"""Django admin: how platform staff manage every user, organisation, membership and token."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from framja.accounts import services
from framja.accounts.models import ApiToken, ClaimStatus, Invitation, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at"]
    verbose_name_plural = _("memberships")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Preferences"), {"fields": ("preferred_language",)}))
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    inlines = [UserMembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "claim_status",
        "verified_kind",
        "country",
        "organisation_number",
        "member_count",
        "is_active",
    ]
    list_filter = ["claim_status", "kind", "verified_kind", "country", "is_active"]
    search_fields = ["name", "slug", "organisation_number"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["serves"]
    raw_id_fields = ["municipality"]
    #: Verified values change only through the verify action (audited with who and when).
    readonly_fields = [
        "created_at",
        "updated_at",
        "claim_status",
        "verified_kind",
        "verified_municipality",
        "verified_serves_list",
        "claim_reviewed_at",
        "claim_reviewed_by",
        "claim_note",
    ]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["verify_claims", "reject_claims"]

    @admin.display(description=_("verified municipalities served"))
    def verified_serves_list(self, obj: Organisation) -> str:
        return ", ".join(str(m) for m in obj.verified_serves.all())

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A claim edited here waits for verification like any other (the verify action)."""
        super().save_related(request, form, formsets, change)
        services.organisation_claim_refresh(organisation=form.instance)

    @admin.action(description=_("Verify the selected claims"))
    def verify_claims(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        done = 0
        for organisation in queryset.filter(claim_status=ClaimStatus.PENDING):
            try:
                services.organisation_claim_verify(organisation=organisation, by=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                self.message_user(request, f"{organisation}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("Claims verified: %(n)s") % {"n": done})

    @admin.action(description=_("Reject the selected claims"))
    def reject_claims(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        done = 0
        for organisation in queryset.filter(claim_status=ClaimStatus.PENDING):
            services.organisation_claim_reject(organisation=organisation, by=request.user)  # type: ignore[arg-type]
            done += 1
        self.message_user(request, _("Claims rejected: %(n)s") % {"n": done})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_count  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from the members page (the raw token exists only in the e-mail)."""

    list_display = ["email", "organisation", "role", "status", "created_at", "expires_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("status"))
    def status(self, obj: Invitation) -> str:
        return str(obj.status.label)

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        for invitation in queryset:
            services.invitation_revoke(invitation=invitation)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners (profile page, API) or `framja create_api_token`."""

    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "hint"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(token=token)
