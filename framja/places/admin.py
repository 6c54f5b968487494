"""Reference data in the admin: read-only, because `framja load_reference` owns it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from framja.places.models import County, Municipality, SniCode, SniDivision, SniSection


class ReferenceAdmin(admin.ModelAdmin):
    """Browse and search only: edits would be overwritten by the next load_reference."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(County)
class CountyAdmin(ReferenceAdmin):
    list_display = ["code", "name", "country"]
    list_filter = ["country"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceAdmin):
    list_display = ["code", "name", "official_name", "alternative_name", "county", "country"]
    list_filter = ["country", "county"]
    list_select_related = ["county"]
    search_fields = ["code", "name", "official_name", "alternative_name", "search_key"]


@admin.register(SniSection)
class SniSectionAdmin(ReferenceAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(SniDivision)
class SniDivisionAdmin(ReferenceAdmin):
    list_display = ["code", "name", "section"]
    list_filter = ["section"]
    list_select_related = ["section"]
    search_fields = ["code", "name", "name_en"]


@admin.register(SniCode)
class SniCodeAdmin(ReferenceAdmin):
    list_display = ["code", "name", "division"]
    list_filter = ["division__section"]
    list_select_related = ["division"]
    search_fields = ["code", "name", "search_key"]
