from django.contrib import admin
from django.db import models

from framja.catalogue.models import ContactRequest, Event, Offering, Registration


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin[Offering]):
    list_display = ("name_sv", "organisation", "offering_type", "status", "last_reviewed_on")
    list_filter = ("offering_type", "status", "area_country")
    search_fields = ("name_sv", "name_nb", "name_en", "organisation__name")
    list_select_related = ("organisation",)
    filter_horizontal = ("sni_sections", "sni_divisions", "area_counties", "area_municipalities")
    autocomplete_fields = ("organisation",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RegistrationInline(admin.TabularInline[Registration, Event]):
    model = Registration
    extra = 0
    fields = ("name", "email", "status", "created_at", "promoted_at", "cancelled_at")
    readonly_fields = ("created_at", "promoted_at", "cancelled_at")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("title", "organiser", "start", "time_zone", "status", "sequence")
    list_filter = ("status", "time_zone", "registration_mode")
    search_fields = ("title", "organiser__name")
    list_select_related = ("organiser",)
    readonly_fields = ("uuid", "sequence", "series_end")
    filter_horizontal = ("co_organisers", "offerings")
    inlines = [RegistrationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ("name", "email", "event", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "email", "event__title")
    list_select_related = ("event",)
    exclude = ("token_hash",)


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin[ContactRequest]):
    list_display = ("name", "organisation", "offering", "created_at", "answered_at")
    list_filter = ("answered_at",)
    search_fields = ("name", "email", "organisation__name")
    list_select_related = ("organisation", "offering")
