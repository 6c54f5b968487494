from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from framja.accounts.models import ApiToken, Invitation, Membership, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (None, {"fields": ("preferred_language",)}))


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "organisation_number", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "organisation_number"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["serves"]
    raw_id_fields = ["municipality"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "user__username"]
