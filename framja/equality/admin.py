from django.contrib import admin

from framja.equality.models import ReferenceShare


@admin.register(ReferenceShare)
class ReferenceShareAdmin(admin.ModelAdmin):
    list_display = ["organisation", "dimension", "category", "share", "period", "source"]
    list_filter = ["dimension"]
    search_fields = ["organisation__name", "source"]
    autocomplete_fields = ["organisation"]
