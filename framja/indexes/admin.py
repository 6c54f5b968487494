from django.contrib import admin

from framja.indexes.models import IndexChange


@admin.register(IndexChange)
class IndexChangeAdmin(admin.ModelAdmin):
    list_display = ("id", "corpus", "key", "op", "created_at")
    list_filter = ("corpus", "op")
    readonly_fields = ("corpus", "key", "op", "created_at")
