"""Platform staff's view of the support log. Demographics are not in the admin: they are read
only through the pages that audit every read."""

from django.contrib import admin

from framja.support.models import Company, Consent, Effort, Person, PersonCompany, Referral


class PersonCompanyInline(admin.TabularInline[PersonCompany, Company]):
    model = PersonCompany
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin[Company]):
    list_display = ("name", "country", "organisation_number", "municipality", "legal_form")
    list_filter = ("country", "legal_form")
    search_fields = ("name", "organisation_number")
    list_select_related = ("municipality",)
    autocomplete_fields = ("municipality", "sni_code", "recorded_by")
    filter_horizontal = ("client_of",)
    inlines = [PersonCompanyInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "organisation", "plans_company")
    list_filter = ("plans_company",)
    search_fields = ("name", "email")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "municipality")


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin[Consent]):
    list_display = ("person", "given_on", "purpose", "withdrawn_at")
    readonly_fields = ("person", "given_on", "purpose", "recorded_by", "recorded_at", "withdrawn_at")


@admin.register(Effort)
class EffortAdmin(admin.ModelAdmin[Effort]):
    list_display = ("given_on", "organisation", "kind", "company", "hours", "amount", "currency")
    list_filter = ("kind", "currency")
    list_select_related = ("organisation", "company")
    exclude = Effort.SNAPSHOT_FIELDS
    autocomplete_fields = ("organisation", "company", "person", "adviser")
    raw_id_fields = ("offering", "referral", "contact_request")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin[Referral]):
    list_display = ("sent_at", "from_organisation", "to_organisation", "status")
    list_filter = ("status",)
    list_select_related = ("from_organisation", "to_organisation")
    autocomplete_fields = ("from_organisation", "to_organisation", "company", "person", "sent_by", "answered_by")
