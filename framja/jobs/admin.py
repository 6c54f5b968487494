"""Platform staff see every job: state, attempts, last error and next run (django-tasks-db's
own admin beside it shows each attempt's task row and traceback)."""

from __future__ import annotations

from django.contrib import admin

from framja.jobs.models import Job, ScheduledRun


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "attempts", "max_attempts", "next_run_at", "finished_at", "short_error"]
    list_filter = ["state", "name"]
    search_fields = ["name", "last_error"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description=Job._meta.get_field("last_error").verbose_name)
    def short_error(self, obj: Job) -> str:
        return obj.last_error[:120]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ["name", "due_at", "job", "created_at"]
    list_filter = ["name"]
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
